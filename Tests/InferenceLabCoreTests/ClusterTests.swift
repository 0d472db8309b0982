import Testing
@testable import InferenceLabCore

// The fleet (docs/fleet.md): equivalence with one-node runs, a hand-worked scenario per
// router, properties over random workloads, determinism. Scenario configs use the linear
// step time of `scenarioConfig`: every step takes 10 ms whatever it holds, so a request
// with a prompt that fits one step and `out` output tokens takes `out` steps: its first token
// comes 10 ms after it is scheduled and it finishes (out − 1) × 10 ms later.

/// Runs `specs` on a fleet; per replica its events (as text), the routes and the fleet.
private func runFleet(_ config: SimulatorConfig, _ specs: [RequestSpec], router: Router? = nil)
    throws -> (sink: RecordingClusterSink, fleet: ClusterSimulator<ArrayRequestSource>, metrics: FleetMetrics) {
    var fleet = try ClusterSimulator(config: config, source: ArrayRequestSource(specs))
    if let router { fleet.setRouter(router) }
    var sink = TeeClusterSink(RecordingClusterSink(), FleetMetrics(config: config))
    fleet.run(into: &sink)
    return (sink.a, fleet, sink.b)
}

/// A one-node run: its events as text and its summary.
private func runOne(_ config: SimulatorConfig, _ specs: [RequestSpec]) throws -> (events: [String], summary: Summary) {
    var sim = try Simulator(config: config, source: ArrayRequestSource(specs))
    var sink = TeeSink(RecordingSink(), MetricsReducer(config: config))
    sim.run(into: &sink)
    return (sink.a.events.map { "\($0)" }, sink.b.summary())
}

private func cluster(_ base: SimulatorConfig, _ n: Int, _ router: RouterPolicy, refresh: Double = 0, seed: UInt64 = 0) -> SimulatorConfig {
    var c = base
    c.cluster = ClusterConfig(isEnabled: true, replicas: n, router: router, routerRefreshInterval: refresh, routerSeed: seed)
    return c
}

/// `count` requests of the config's synthetic workload (Poisson, lognormal lengths), shortened.
func synthetic(_ config: SimulatorConfig, count: Int, rate: Double, seed: UInt64) -> [RequestSpec] {
    var w = config.workload
    w.numRequests = count
    w.arrivalRate = rate
    w.seed = seed
    var source = SyntheticSource(w)
    var specs: [RequestSpec] = []
    while source.peekArrivalTime() != nil {
        // Short requests keep the debug-build tests quick (scheduler invariants are checked
        // every step there).
        var spec = source.next()
        spec.promptTokens = min(spec.promptTokens, 1500)
        spec.outputTokens = min(spec.outputTokens, 24)
        specs.append(spec)
    }
    return specs
}

/// Configs the equivalence tests run: the default node, async scheduling, and an `[engine]`
/// model that delays admission, costs CPU per step and delays output.
private func equivalenceConfigs() -> [SimulatorConfig] {
    var small = SimulatorConfig.default
    small.scheduler.numGPUBlocksOverride = 2000
    var async = small
    async.scheduler.asyncScheduling = true
    var engine = small
    engine.engine = EngineConfig(apiRequestSeconds: 0.02, apiPromptTokenSeconds: 0.00001, apiOutputTokenSeconds: 0.0005,
                                 stepSeconds: 0.003, stepRequestSeconds: 0.0001, stepTokenSeconds: 0)
    return [small, async, engine]
}

@Suite struct ClusterEquivalenceTests {
    @Test(arguments: RouterPolicy.allCases)
    func oneReplicaIsTheOneNodeRun(router: RouterPolicy) throws {
        for base in equivalenceConfigs() {
            let specs = synthetic(base, count: 80, rate: 20, seed: 7)
            let one = try runOne(base, specs)
            let fleet = try runFleet(cluster(base, 1, router), specs)
            #expect(fleet.sink.events.map { "\($0.event)" } == one.events)
            #expect(fleet.metrics.summary() == one.summary)
            #expect(fleet.sink.routes.allSatisfy { $0.replica == 0 })
            #expect(fleet.fleet.status == .complete)
        }
    }

    @Test func roundRobinReplicaKIsTheOneNodeRunOfRequestsKModN() throws {
        let n = 3
        for base in equivalenceConfigs() {
            let specs = synthetic(base, count: 120, rate: 40, seed: 11)
            let fleet = try runFleet(cluster(base, n, .roundRobin), specs)
            for k in 0..<n {
                let mine = specs.enumerated().filter { $0.offset % n == k }.map { $0.element }
                let one = try runOne(base, mine)
                let events = fleet.sink.events.filter { $0.replica == k }.map { "\($0.event)" }
                #expect(events == one.events)
                #expect(fleet.metrics.replicaSummary(k) == one.summary)
            }
        }
    }
}

@Suite struct RouterScenarioTests {
    private func replicas(_ sink: RecordingClusterSink) -> [String: Int] {
        var m: [String: Int] = [:]
        for r in sink.routes { m[r.id] = r.replica }
        return m
    }

    @Test func roundRobinCyclesInArrivalOrder() throws {
        // Request i goes to i mod 3: A→0, B→1, C→2, D→0, E→1.
        let specs = ["A", "B", "C", "D", "E"].enumerated().map { req($0.element, at: Double($0.offset) * 0.001, prompt: 16, out: 2) }
        let r = try runFleet(cluster(scenarioConfig(), 3, .roundRobin), specs)
        #expect(r.sink.routes.map { $0.replica } == [0, 1, 2, 0, 1])
        #expect(r.sink.routes.allSatisfy { $0.scores.isEmpty && $0.phase == .mixed })
    }

    @Test func randomDrawsFromTheSeededGenerator() throws {
        // Replica = next() mod N of Xoshiro256(seed), one draw per request.
        let specs = (0..<20).map { req("r\($0)", at: Double($0) * 0.001, prompt: 16, out: 1) }
        let r = try runFleet(cluster(scenarioConfig(), 4, .random, seed: 99), specs)
        var rng = Xoshiro256(seed: 99)
        let expected = (0..<20).map { _ in Int(rng.next() % 4) }
        #expect(r.sink.routes.map { $0.replica } == expected)
        #expect(Set(expected).count > 1)
        let again = try runFleet(cluster(scenarioConfig(), 4, .random, seed: 99), specs)
        #expect(again.sink.routes.map { $0.replica } == expected)
    }

    @Test func leastOutstandingCountsUnfinishedRequests() throws {
        // A (t=0, 5 tokens) → tie [0,0] → 0; runs 0…50 ms.
        // B (t=1 ms, 1 token) → [1,0] → 1; finishes in its prefill step at 11 ms.
        // C (t=20 ms) → [1,0] (B done) → 1. D (t=21 ms) → [1,1] → tie → 0.
        let specs = [req("A", at: 0, prompt: 16, out: 5), req("B", at: 0.001, prompt: 16, out: 1),
                     req("C", at: 0.02, prompt: 16, out: 5), req("D", at: 0.021, prompt: 16, out: 5)]
        let r = try runFleet(cluster(scenarioConfig(), 2, .leastOutstanding), specs)
        #expect(r.sink.routes.map { $0.replica } == [0, 1, 1, 0])
        #expect(r.sink.routes.map { $0.scores } == [[0, 0], [1, 0], [1, 0], [1, 1]])
    }

    @Test func leastTokensCountsOutstandingPromptAndOutputTokens() throws {
        // A 100+10 → 0 ([0,0]); B 10+10 → [110,0] → 1; C 50+5 → [110,20] → 1;
        // D 50+5 → [110,75] → 1; E → [110,130] → 0. Nothing finishes within these 4 ms.
        let specs = [req("A", at: 0, prompt: 100, out: 10), req("B", at: 0.001, prompt: 10, out: 10),
                     req("C", at: 0.002, prompt: 50, out: 5), req("D", at: 0.003, prompt: 50, out: 5),
                     req("E", at: 0.004, prompt: 10, out: 5)]
        let r = try runFleet(cluster(scenarioConfig(), 2, .leastTokens), specs)
        #expect(r.sink.routes.map { $0.replica } == [0, 1, 1, 1, 0])
        #expect(r.sink.routes[4].scores == [110, 130])
    }

    @Test func leastKVComparesBlocksInUseOverUsableBlocks() throws {
        // 100 usable blocks per replica. A (160-token prompt) → 0; step 1 at 0 allocates 10
        // blocks, step 2 (its first decode, at 10 ms) an 11th for token 161.
        // B (t=15 ms, 320 tokens) → [0.11, 0] → 1; its prefill step at 15 ms takes 20 blocks.
        // C (t=16 ms) → [0.11, 0.20] → 0.
        let specs = [req("A", at: 0, prompt: 160, out: 5), req("B", at: 0.015, prompt: 320, out: 5),
                     req("C", at: 0.016, prompt: 16, out: 2)]
        let r = try runFleet(cluster(scenarioConfig(blocks: 100), 2, .leastKV), specs)
        #expect(r.sink.routes.map { $0.replica } == [0, 1, 0])
        #expect(r.sink.routes[1].scores == [0.11, 0])
        #expect(r.sink.routes[2].scores == [0.11, 0.2])
    }

    @Test func prefixAffinityPrefersCachedBlocksThenFewestOutstanding() throws {
        // Hash block = KV block = 16 tokens; 64-token prompts with 4 prefix hashes.
        // A (t=0, [1,2,3,4]) → nothing cached, all idle → 0; done at 20 ms; its blocks stay
        // cached. B (t=100 ms, same prefix) → replica 0 holds 3 blocks (a hit is capped at
        // (64 − 1) / 16 = 3 so one token is computed) → 0, running 100…120 ms.
        // C (t=105 ms, [9,9,9,9]) → no hit anywhere; outstanding [1,0,0] → 1.
        // D (t=106 ms, [1,2,5,6]) → replica 0 holds its first 2 blocks → 0 though busy.
        let specs = [req("A", at: 0, prompt: 64, out: 2, prefix: [1, 2, 3, 4]),
                     req("B", at: 0.1, prompt: 64, out: 2, prefix: [1, 2, 3, 4]),
                     req("C", at: 0.105, prompt: 64, out: 2, prefix: [9, 9, 9, 9]),
                     req("D", at: 0.106, prompt: 64, out: 2, prefix: [1, 2, 5, 6])]
        let r = try runFleet(cluster(scenarioConfig(), 3, .prefixAffinity), specs)
        #expect(r.sink.routes.map { $0.replica } == [0, 0, 1, 0])
        #expect(r.sink.routes.map { $0.scores } == [[0, 0, 0], [3, 0, 0], [0, 0, 0], [2, 0, 0]])
    }

    @Test func weightedSumsNormalisedScorers() throws {
        // Weights: queue 1, tokens 0, KV 0, prefix 1; score = (q + p) / 2.
        // A (t=0) → q [1,1] (all equal), p [0,0] → [0.5, 0.5] → 0.
        // B (t=100 ms, A's prefix) → q [1,1], p [3/4, 0] → [0.875, 0.5] → 0.
        // C (t=105 ms, same) → outstanding [1,0]: q [0,1], p [0.75, 0] → [0.375, 0.5] → 1.
        var c = cluster(scenarioConfig(), 2, .weighted)
        c.cluster.weightOutstanding = 1; c.cluster.weightTokens = 0; c.cluster.weightKV = 0; c.cluster.weightPrefix = 1
        let specs = [req("A", at: 0, prompt: 64, out: 2, prefix: [1, 2, 3, 4]),
                     req("B", at: 0.1, prompt: 64, out: 2, prefix: [1, 2, 3, 4]),
                     req("C", at: 0.105, prompt: 64, out: 2, prefix: [1, 2, 3, 4])]
        let r = try runFleet(c, specs)
        #expect(r.sink.routes.map { $0.replica } == [0, 0, 1])
        #expect(r.sink.routes.map { $0.scores } == [[0.5, 0.5], [0.875, 0.5], [0.375, 0.5]])
    }

    @Test func sessionAffinityKeepsASessionOnItsFirstReplica() throws {
        // Sessions 1 and 2. s1/1 → 0 (tie); s2/1 → [1,0] → 1; s1/2 → sticky 0 although
        // replica 0 is as loaded as 1; x (no session) → least outstanding [2,1] → 1.
        let c = cluster(scenarioConfig(), 2, .sessionAffinity)
        func turn(_ id: String, _ t: Double, session: UInt64?) -> RequestSpec {
            var spec = req(id, at: t, prompt: 16, out: 10)
            spec.sessionKey = session
            return spec
        }
        let specs = [turn("s1/1", 0, session: 1), turn("s2/1", 0.001, session: 2),
                     turn("s1/2", 0.002, session: 1), turn("x", 0.003, session: nil)]
        #expect(try runFleet(c, specs).sink.routes.map { $0.replica } == [0, 1, 0, 1])
        // Two turns of one session stay together; without session keys the second turn goes to
        // the less loaded replica.
        let specs2 = [turn("s1/1", 0, session: 1), turn("s1/2", 0.001, session: 1)]
        #expect(try runFleet(c, specs2).sink.routes.map { $0.replica } == [0, 0])
        let anonymous = [turn("s1/1", 0, session: nil), turn("s1/2", 0.001, session: nil)]
        #expect(try runFleet(c, anonymous).sink.routes.map { $0.replica } == [0, 1])
    }

    @Test func refreshIntervalShowsTheRouterStaleLoads() throws {
        // Interval 1 s. A (t=0.5) and B (t=0.6): the router still sees the loads of the
        // refresh before A ([0,0]) → both to 0. C (t=1.2): refreshed at 1.0 → [2,0] → 1.
        // With interval 0 (exact) B goes to 1.
        let specs = [req("A", at: 0.5, prompt: 16, out: 100), req("B", at: 0.6, prompt: 16, out: 100),
                     req("C", at: 1.2, prompt: 16, out: 100)]
        let stale = try runFleet(cluster(scenarioConfig(), 2, .leastOutstanding, refresh: 1), specs)
        #expect(stale.sink.routes.map { $0.replica } == [0, 0, 1])
        #expect(stale.sink.routes.map { $0.scores } == [[0, 0], [0, 0], [2, 0]])
        let exact = try runFleet(cluster(scenarioConfig(), 2, .leastOutstanding), specs)
        #expect(exact.sink.routes.map { $0.replica } == [0, 1, 0])
    }
}

@Suite struct ClusterPropertyTests {
    @Test(arguments: RouterPolicy.allCases)
    func routedOnceTokensConservedNoLeaksTimeMonotone(router: RouterPolicy) throws {
        var base = SimulatorConfig.default
        base.scheduler.numGPUBlocksOverride = 800  // small pools: preemptions happen
        for async in [false, true] {
            base.scheduler.asyncScheduling = async
            var specs = synthetic(base, count: 150, rate: 60, seed: 5)
            // Shared prefixes for the prefix scorers: request i shares (i mod 5) hashes.
            for i in specs.indices { specs[i].prefixHashes = Array(repeating: UInt64(i % 7), count: i % 5) }
            let r = try runFleet(cluster(base, 4, router, refresh: router == .random ? 0 : 0.05, seed: 3), specs)
            #expect(r.fleet.status == .complete)
            // Each request routed exactly once.
            #expect(r.sink.routes.count == specs.count)
            #expect(Set(r.sink.routes.map { $0.id }).count == specs.count)
            // Route times never go back; nor do each replica's record times (v1 order).
            #expect(zip(r.sink.routes, r.sink.routes.dropFirst()).allSatisfy { $0.time <= $1.time })
            var last = [Double](repeating: 0, count: 4), lastStep = [Double](repeating: 0, count: 4)
            var finished = 0, outputs = 0, arrivals = [String: Int]()
            for (k, e) in r.sink.events {
                switch e {
                case .arrival(let a):
                    #expect(a.time >= last[k]); last[k] = a.time
                    arrivals[a.id] = k
                case .step(let s):
                    #expect(s.time >= lastStep[k]); lastStep[k] = s.endTime
                case .firstToken(let t, _, _):
                    #expect(t >= last[k]); last[k] = t
                case .finished(let t, _, _, let n):
                    #expect(t >= last[k]); last[k] = t
                    finished += 1; outputs += n
                default: break
                }
            }
            // Each request arrived on the replica it was routed to.
            for route in r.sink.routes { #expect(arrivals[route.id] == route.replica) }
            // Tokens conserved: every output token asked for was produced.
            let rejected = r.metrics.summary().rejected
            #expect(finished + rejected == specs.count)
            #expect(outputs == r.metrics.summary().totalOutputTokens)
            #expect(r.metrics.summary().totalInputTokens + rejectedPrompt(specs, r) == specs.reduce(0) { $0 + $1.promptTokens })
            // No block leaks on any replica.
            for sim in r.fleet.replicas {
                #expect(sim.scheduler.kvBlocksUsed == 0)
                #expect(!sim.scheduler.hasUnfinishedRequests)
            }
        }
    }

    private func rejectedPrompt(_ specs: [RequestSpec], _ r: (sink: RecordingClusterSink, fleet: ClusterSimulator<ArrayRequestSource>, metrics: FleetMetrics)) -> Int {
        var ids = Set<String>()
        for (_, e) in r.sink.events { if case .rejected(_, _, let id, _) = e { ids.insert(id) } }
        return specs.filter { ids.contains($0.id) }.reduce(0) { $0 + $1.promptTokens }
    }

    @Test func sameSeedSameRun() throws {
        let base = SimulatorConfig.default
        let specs = synthetic(base, count: 100, rate: 50, seed: 21)
        for router in RouterPolicy.allCases {
            let a = try runFleet(cluster(base, 5, router, seed: 8), specs)
            let b = try runFleet(cluster(base, 5, router, seed: 8), specs)
            #expect(a.sink.events.map { "\($0.replica) \($0.event)" } == b.sink.events.map { "\($0.replica) \($0.event)" })
            #expect(a.sink.routes.map { "\($0.id) \($0.replica) \($0.scores)" } == b.sink.routes.map { "\($0.id) \($0.replica) \($0.scores)" })
        }
    }

    @Test func imbalanceIsTheCoefficientOfVariation() {
        // Loads 1, 2, 3: mean 2, population σ = √(2/3) → CV = 0.40825
        #expect(abs(FleetBalance.cv([1, 2, 3]) - (2.0 / 3).squareRoot() / 2) < 1e-15)
        #expect(FleetBalance.cv([4, 4, 4]) == 0)
        #expect(FleetBalance.cv([0, 0]) == 0)
    }
}
