import Testing
@testable import InferenceLabCore

// Disaggregated prefill/decode (docs/fleet.md): a hand-worked request through prefill, KV
// transfer and decode; the decode replica's prefix cache shrinking the transfer; properties
// over random workloads for every router; the fleet summary counting each request once.
//
// Scenario configs use the linear step time of `scenarioConfig`: every step takes 10 ms. The
// default model (Llama-3-70B, BF16, 8 KV heads × 128, 80 layers) holds
// 2 × 8 × 128 × 2 B × 80 = 327,680 bytes of KV per token on its one GPU.

private let kvBytesPerToken = 327_680.0

/// `prefill` prefill replicas and `decode` decode replicas of `base`, behind `router`.
private func disaggregated(_ base: SimulatorConfig, prefill: Int, decode: Int, router: RouterPolicy = .roundRobin,
                           bandwidth: Double = 1e9, latency: Double = 0.002) -> SimulatorConfig {
    var c = base
    c.cluster = ClusterConfig(isEnabled: true, replicas: prefill + decode, router: router,
                              pools: [ReplicaPool(name: "p", role: .prefill, replicas: prefill, node: base),
                                      ReplicaPool(name: "d", role: .decode, replicas: decode, node: base)],
                              kvTransferBandwidth: bandwidth, kvTransferLatency: latency)
    return c
}

private func run(_ config: SimulatorConfig, _ specs: [RequestSpec])
    throws -> (sink: RecordingClusterSink, fleet: ClusterSimulator<ArrayRequestSource>, metrics: FleetMetrics) {
    var fleet = try ClusterSimulator(config: config, source: ArrayRequestSource(specs))
    var sink = TeeClusterSink(RecordingClusterSink(), FleetMetrics(config: config))
    fleet.run(into: &sink)
    return (sink.a, fleet, sink.b)
}

@Suite struct DisaggregationScenarioTests {
    /// A: prompt 40, 3 output tokens, sent at 0, on 1 prefill + 1 decode replica.
    ///
    /// - Prefill replica 0: step 1 at 0 computes the 40 prompt tokens and samples one token
    ///   (vLLM's proxy asks the prefill instance for one); A finishes there at 10 ms.
    /// - At 10 ms the router places the decode phase on replica 1, which caches nothing: all
    ///   ⌈40/16⌉ = 3 blocks move, 3 × 16 × 327,680 = 15,728,640 bytes at 1 GB/s = 15.72864 ms,
    ///   plus 2 ms: the KV has arrived at 27.72864 ms.
    /// - Decode replica 1 admits A then with 39 tokens computed and 3 blocks; step 1 computes
    ///   the last prompt token (context 39) and samples the first output token at 37.72864 ms;
    ///   steps 2 and 3 decode the other two, A finishes at 57.72864 ms.
    ///
    /// TTFT 37.72864 ms and E2E 57.72864 ms from the client's send time; TPOT 10 ms.
    @Test func oneRequestThroughPrefillTransferAndDecode() throws {
        let config = disaggregated(scenarioConfig(), prefill: 1, decode: 1)
        let r = try run(config, [req("A", at: 0, prompt: 40, out: 3)])
        #expect(r.fleet.status == .complete)
        #expect(r.sink.routes.map { "\($0.id) \($0.replica) \($0.phase.rawValue) \($0.time)" } == ["A 0 prefill 0.0", "A 1 decode 0.01"])
        let t = try #require(r.sink.transfers.first)
        #expect(r.sink.transfers.count == 1)
        #expect(t.from == 0 && t.to == 1 && t.tokens == 40)
        #expect(t.bytes == 3 * 16 * kvBytesPerToken)
        #expect(t.start == 0.01)
        let arrive = 0.01 + 0.002 + 15_728_640 / 1e9
        #expect(abs(t.end - arrive) < 1e-15)

        // Prefill replica: one step of 40 tokens, A finishes with 1 token.
        var prefillSteps: [StepRecord] = [], decodeSteps: [StepRecord] = []
        var decodeArrival: ArrivalEvent?
        var finished: [Int: Int] = [:]
        for (k, e) in r.sink.events {
            switch e {
            case .step(let s): if k == 0 { prefillSteps.append(s) } else { decodeSteps.append(s) }
            case .arrival(let a) where k == 1: decodeArrival = a
            case .finished(_, _, _, let n): finished[k] = n
            default: break
            }
        }
        #expect(prefillSteps.map { $0.batchTokens } == [[40]])
        #expect(finished == [0: 1, 1: 3])
        let a = try #require(decodeArrival)
        #expect(a.time == t.end && a.clientTime == 0)
        // Decode: the last prompt token, then two decode steps.
        #expect(decodeSteps.map { $0.batchTokens } == [[1], [1], [1]])
        #expect(decodeSteps.map { $0.time } == [t.end, t.end + 0.01, t.end + 0.02])
        #expect(decodeSteps[0].kvBlocksUsed == 3)
        #expect(r.fleet.replicas[1].scheduler.kvBlocksUsed == 0)

        let s = r.metrics.summary()
        #expect(s.arrived == 1 && s.completed == 1)
        #expect(s.totalInputTokens == 40 && s.totalOutputTokens == 3)
        #expect(abs(s.ttft.mean - (arrive + 0.01) * 1000) < 1e-9)
        #expect(abs(s.e2e.mean - (arrive + 0.03) * 1000) < 1e-9)
        #expect(abs(s.tpot.mean - 10) < 1e-9)
        #expect(s.steps == 4)
    }

    /// B shares A's two leading prompt blocks (prefix hashes 1, 2). A ran on the same decode
    /// replica, which cached those blocks, so only B's last 40 − 32 = 8 tokens (one block of
    /// 16 × 327,680 bytes) move; the decode replica reports the 32-token local hit and still
    /// recomputes only B's last prompt token.
    @Test func decodeReplicasCachedPrefixShrinksTheTransfer() throws {
        let config = disaggregated(scenarioConfig(), prefill: 1, decode: 1)
        let r = try run(config, [req("A", at: 0, prompt: 40, out: 2, prefix: [1, 2]),
                                 req("B", at: 1, prompt: 40, out: 2, prefix: [1, 2, 3])])
        #expect(r.fleet.status == .complete)
        #expect(r.sink.transfers.map { $0.tokens } == [40, 8])
        #expect(r.sink.transfers[1].bytes == 16 * kvBytesPerToken)
        var decodeHits: [Int] = [], decodeBatches: [[Int32]] = []
        for (k, e) in r.sink.events where k == 1 {
            if case .cacheHit(_, _, _, let tokens, _) = e { decodeHits.append(tokens) }
            if case .step(let s) = e { decodeBatches.append(s.batchTokens) }
        }
        #expect(decodeHits == [32])
        #expect(decodeBatches == [[1], [1], [1], [1]])
    }

    /// The prefill replica keeps a finished request's blocks until its KV cache has reached
    /// the decode replica (vLLM's connector frees them when the send is done). Prefill pool: 5
    /// usable blocks (max_seq_len 80).
    ///
    /// - A (prompt 40: 3 blocks, with its sampled token 41 tokens) prefills in step 1, 0–10 ms,
    ///   and finishes; its 3 blocks stay while its KV moves: 3 × 16 × 327,680 bytes at 1 GB/s
    ///   plus 2 ms, 10 → 27.72864 ms.
    /// - B (prompt 40) arrives at 1 ms and needs 3 blocks: with A's held only 2 are free, so
    ///   B waits, and prefills when A's blocks are freed, at 27.72864 ms (not at 10 ms, as
    ///   it would if A's blocks were freed when A finished).
    @Test func prefillBlocksAreHeldUntilTheTransferEnds() throws {
        var prefill = scenarioConfig(blocks: 5)
        prefill.model.maxSeqLen = 80
        var config = disaggregated(scenarioConfig(blocks: 100), prefill: 1, decode: 1)
        config.model.maxSeqLen = 80
        config.cluster.pools[0] = ReplicaPool(name: "p", role: .prefill, replicas: 1, node: prefill)
        let r = try run(config, [req("A", at: 0, prompt: 40, out: 2), req("B", at: 0.001, prompt: 40, out: 2)])
        #expect(r.fleet.status == .complete)
        let aArrives = 0.01 + 0.002 + 15_728_640 / 1e9
        #expect(abs(r.sink.transfers[0].end - aArrives) < 1e-15)
        var prefillSteps: [StepRecord] = []
        for (k, e) in r.sink.events { if k == 0, case .step(let s) = e { prefillSteps.append(s) } }
        #expect(prefillSteps.map { $0.batchTokens } == [[40], [40]])
        #expect(prefillSteps.map { $0.time } == [0, r.sink.transfers[0].end])
        #expect(prefillSteps[0].kvBlocksUsed == 3)
        #expect(r.fleet.replicas.allSatisfy { $0.scheduler.kvBlocksUsed == 0 && $0.scheduler.kvHeldForTransfer.isEmpty })
    }

    /// Two prefill and two decode replicas under round robin: the arrivals alternate between
    /// the prefill replicas (0, 1), the decode phases between the decode replicas (2, 3) in
    /// the order their prefills finish.
    @Test func eachPhaseIsRoutedAmongItsOwnPool() throws {
        let config = disaggregated(scenarioConfig(), prefill: 2, decode: 2)
        let specs = (0..<4).map { req("r\($0)", at: Double($0) * 0.001, prompt: 16, out: 2) }
        let r = try run(config, specs)
        #expect(r.sink.routes.filter { $0.phase == .prefill }.map { $0.replica } == [0, 1, 0, 1])
        #expect(r.sink.routes.filter { $0.phase == .decode }.map { $0.replica } == [2, 3, 2, 3])
        #expect(r.fleet.roles == [.prefill, .prefill, .decode, .decode])
    }

    /// A request whose prompt plus output exceeds max_seq_len (1600) passes its prefill (one
    /// output token: 1590 + 1 ≤ 1600) and is refused by the decode replica (1590 + 20 > 1600),
    /// as vLLM's decode instance refuses it: it counts as arrived once and rejected once, and
    /// nothing leaks.
    @Test func aDecodeRejectionIsTheRequestsRejection() throws {
        let config = disaggregated(scenarioConfig(blocks: 100), prefill: 1, decode: 1)
        let r = try run(config, [req("A", prompt: 1590, out: 20), req("B", at: 0.5, prompt: 16, out: 2)])
        let s = r.metrics.summary()
        #expect(s.arrived == 2 && s.rejected == 1 && s.completed == 1)
        #expect(r.sink.events.contains { e in
            if case .rejected(_, _, "A", .exceedsMaxSeqLen) = e.event { return e.replica == 1 } else { return false }
        })
        #expect(r.fleet.replicas.allSatisfy { $0.scheduler.kvBlocksUsed == 0 })
    }
}

@Suite struct DisaggregationPropertyTests {
    /// Random workloads with shared prefixes and small KV pools (preemptions on both sides),
    /// for every router and both scheduling modes: each request is routed once to a prefill
    /// replica and, once its prefill finished, once to a decode replica with one transfer;
    /// the decode replica admits it exactly when the transfer ends; every output token asked
    /// for is produced on a decode replica; no replica leaks a block; each replica's times and
    /// the routes never go back; the same run twice is the same run.
    @Test(arguments: RouterPolicy.allCases)
    func routedOncePerPhaseTokensConservedNoLeaks(router: RouterPolicy) throws {
        var base = SimulatorConfig.default
        base.scheduler.numGPUBlocksOverride = 600
        for async in [false, true] {
            base.scheduler.asyncScheduling = async
            var specs = synthetic(base, count: 120, rate: 50, seed: 13)
            for i in specs.indices { specs[i].prefixHashes = Array(repeating: UInt64(i % 5), count: i % 4) }
            let config = disaggregated(base, prefill: 2, decode: 3, router: router, bandwidth: 20e9, latency: 0.001)
            let r = try run(config, specs)
            #expect(r.fleet.status == .complete)
            let prefillRoutes = r.sink.routes.filter { $0.phase == .prefill }
            let decodeRoutes = r.sink.routes.filter { $0.phase == .decode }
            #expect(prefillRoutes.count == specs.count)
            #expect(Set(prefillRoutes.map { $0.id }).count == specs.count)
            #expect(prefillRoutes.allSatisfy { $0.replica < 2 })
            #expect(decodeRoutes.allSatisfy { $0.replica >= 2 })
            #expect(Set(decodeRoutes.map { $0.id }).count == decodeRoutes.count)
            #expect(r.sink.transfers.map { $0.id } == decodeRoutes.map { $0.id })
            #expect(zip(r.sink.routes, r.sink.routes.dropFirst()).allSatisfy { $0.time <= $1.time })

            var transferEnd: [String: Double] = [:]
            for t in r.sink.transfers { #expect(t.end > t.start); transferEnd[t.id] = t.end }
            var last = [Double](repeating: 0, count: 5)
            var decodeOutputs = 0, prefillFinished = 0
            for (k, e) in r.sink.events {
                switch e {
                case .arrival(let a):
                    #expect(a.time >= last[k]); last[k] = a.time
                    if k >= 2 { #expect(transferEnd[a.id] == a.time) }
                case .step(let s):
                    #expect(s.time >= last[k] - 1e-12)
                case .finished(let t, _, _, let n):
                    #expect(t >= last[k]); last[k] = t
                    if k >= 2 { decodeOutputs += n } else { prefillFinished += 1; #expect(n == 1) }
                default: break
                }
            }
            #expect(prefillFinished == decodeRoutes.count)
            let s = r.metrics.summary()
            #expect(s.arrived == specs.count)
            #expect(s.completed + s.rejected == specs.count)
            #expect(decodeOutputs == s.totalOutputTokens)
            let rejectedIDs = Set(r.sink.events.compactMap { e -> String? in
                if case .rejected(_, _, let id, _) = e.event { return id } else { return nil }
            })
            #expect(s.totalOutputTokens == specs.filter { !rejectedIDs.contains($0.id) }.reduce(0) { $0 + $1.outputTokens })
            for sim in r.fleet.replicas {
                #expect(sim.scheduler.kvBlocksUsed == 0)
                #expect(!sim.scheduler.hasUnfinishedRequests)
            }
            let again = try run(config, specs)
            #expect(again.sink.events.map { "\($0.replica) \($0.event)" } == r.sink.events.map { "\($0.replica) \($0.event)" })
        }
    }

    /// Pools of mixed replicas with different hardware: requests spread over all of them and
    /// each replica runs its own pool's node.
    @Test func mixedPoolsRunTheirOwnNodes() throws {
        let fast = scenarioConfig(base: 0.005), slow = scenarioConfig(base: 0.02)
        var config = fast
        config.cluster = ClusterConfig(isEnabled: true, replicas: 3, router: .roundRobin,
                                       pools: [ReplicaPool(name: "fast", replicas: 1, node: fast),
                                               ReplicaPool(name: "slow", replicas: 2, node: slow)])
        let specs = (0..<3).map { req("r\($0)", at: Double($0) * 0.1, prompt: 16, out: 1) }
        let r = try run(config, specs)
        var durations: [Int: Double] = [:]
        for (k, e) in r.sink.events { if case .step(let s) = e { durations[k] = s.duration } }
        #expect(durations == [0: 0.005, 1: 0.02, 2: 0.02])
        #expect(r.metrics.summary().completed == 3)
    }

    @Test func poolRulesAreChecked() {
        var config = disaggregated(scenarioConfig(), prefill: 1, decode: 1)
        config.cluster.pools[1].role = .prefill
        #expect(config.validate().contains { $0.key == "cluster.pool" && $0.message.contains("decode pool") })
        config.cluster.pools[1].role = .mixed
        #expect(config.validate().contains { $0.key == "cluster.pool[1].role" })
        config.cluster.pools[1].role = .decode
        config.cluster.pools[1].name = "p"
        #expect(config.validate().contains { $0.key == "cluster.pool[1].name" })
        config.cluster.pools[1].name = "d"
        config.cluster.pools[1].scheduler.blockSize = 32
        #expect(config.validate().contains { $0.key == "cluster.pool[1].scheduler.block_size" })
        config.cluster.pools[1].scheduler.blockSize = 16
        config.cluster.pools[1].scheduler.maxNumSeqs = 0
        #expect(config.validate().contains { $0.key == "cluster.pool[1].scheduler.max_num_seqs" && $0.message.contains("pool \"d\"") })
    }
}
