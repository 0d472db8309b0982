import Testing
@testable import InferenceLabCore

// Invariants over random small workloads and configs (seeded, so failures reproduce):
// heavy KV pressure, every policy, chunking, prefix caching, async scheduling, watermark and
// the reserve check on and off.

/// A random config and workload.
private struct RandomCase: CustomStringConvertible {
    var config: SimulatorConfig
    var requests: [RequestSpec]
    var seed: UInt64

    var description: String {
        let s = config.scheduler
        return "seed \(seed): blocks \(config.usableKVBlocks) budget \(s.maxNumBatchedTokens) seqs \(s.maxNumSeqs) "
            + "\(s.policy) chunked \(s.enableChunkedPrefill) thr \(s.longPrefillTokenThreshold) "
            + "caching \(s.enablePrefixCaching) async \(s.asyncScheduling) wm \(s.watermark) "
            + "reserve \(s.reserveFullPrompt) maxSeqLen \(config.model.maxSeqLen) n \(requests.count)"
    }

    init(seed: UInt64) {
        self.seed = seed
        var rng = Xoshiro256(seed: seed)
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        func coin(_ p: Double = 0.5) -> Bool { rng.nextUnit() < p }

        let blocks = [6, 10, 12, 16, 24, 40, 80][pick(0...6)]
        let chunked = coin(0.75)
        var budget = [16, 32, 64, 128, 256, 512][pick(0...5)]
        var maxSeqLen = min(blocks * 16, 512)
        if !chunked {
            // vLLM requires budget ≥ max_model_len without chunking.
            budget = max(budget, 64)
            maxSeqLen = min(maxSeqLen, budget)
        }
        // vLLM's own policies half of the time, the original's orderings otherwise.
        let policies: [SchedulingPolicy] = coin() ? [.fcfs, .priority] : SchedulingPolicy.allCases
        config = scenarioConfig(
            blocks: blocks,
            budget: budget,
            maxSeqs: [1, 2, 4, 8, 64][pick(0...4)],
            policy: policies[pick(0...(policies.count - 1))],
            chunked: chunked,
            threshold: [0, 0, 8, 40][pick(0...3)],
            caching: coin(),
            async: coin(),
            watermark: coin(0.25) ? 0.05 : 0,
            reserve: coin(0.7),
            maxSeqLen: maxSeqLen,
            base: 0.005)
        config.compute.perTokenSeconds = coin() ? 1e-5 : 0

        // Shared prefixes: a few groups of hash chains, so prefix hits happen.
        let groups: [[UInt64]] = (0..<3).map { g in (0..<32).map { UInt64(1000 * (g + 1) + $0) } }
        var t = 0.0
        let n = pick(20...120)
        requests = []
        for i in 0..<n {
            if coin(0.7) { t += rng.nextExponential(rate: 200) }
            let prompt = pick(1...max(1, min(maxSeqLen - 2, 200)))
            let out = pick(1...max(1, min(maxSeqLen - prompt, 40)))
            var prefix: [UInt64] = []
            if coin(0.5) {
                let g = groups[pick(0...2)]
                prefix = Array(g.prefix(pick(0...(prompt / 16))))
            }
            requests.append(RequestSpec(id: "r\(i)", arrivalTime: t, promptTokens: prompt,
                                        outputTokens: out, priority: pick(0...3), prefixHashes: prefix))
        }
    }
}

@Suite struct PropertyTests {

    @Test(arguments: 0..<30)
    func invariantsHoldOnRandomWorkloads(seed: Int) throws {
        let c = RandomCase(seed: UInt64(seed) &* 7919 &+ 17)
        let cfg = c.config
        var sim = try Simulator(config: cfg, source: ArrayRequestSource(c.requests))
        var sink = RecordingSink()
        let status = sim.run(into: &sink)
        #expect(status == .complete, "\(c)")

        let spec = Dictionary(uniqueKeysWithValues: c.requests.map { ($0.id, $0) })
        var idOf: [RequestSlot: String] = [:]
        var tokens: [String: Int] = [:]          // output tokens counted from step records
        var scheduled: [String: Int] = [:]       // all tokens scheduled
        var incarnation: [String: Int] = [:]     // KV computed since the last (re)admission
        var recomputed: [String: Int] = [:]      // Σ KV computed by preempted incarnations
        var hits: [String: Int] = [:]            // Σ prefix hits over all admissions
        var firstToken: [String: Double] = [:]
        var finished: [String: (time: Double, outputs: Int)] = [:]
        var finishCount: [String: Int] = [:]
        var rejected = Set<String>()
        var lastStep = 0
        var lastEnd = -Double.infinity
        var lastStart = -Double.infinity

        for e in sink.events {
            switch e {
            case .arrival(let a):
                idOf[a.slot] = a.id
            case .rejected(_, _, let id, _):
                rejected.insert(id)
            case .cacheHit(_, _, let slot, let n, _):
                let id = idOf[slot]!
                #expect(incarnation[id, default: 0] == 0, "hit while holding KV: \(id) \(c)")
                incarnation[id, default: 0] += n
                hits[id, default: 0] += n
            case .preempted(_, _, let slot):
                let id = idOf[slot]!
                recomputed[id, default: 0] += incarnation[id, default: 0]
                incarnation[id] = 0
            case .step(let s):
                #expect(s.step == lastStep + 1, "\(c)")
                lastStep = s.step
                #expect(s.time >= lastStart, "clock went backwards at step \(s.step): \(c)")
                #expect(s.time >= lastEnd - 1e-12, "step \(s.step) overlaps the previous one: \(c)")
                #expect(s.duration > 0)
                lastStart = s.time
                lastEnd = s.endTime
                #expect(s.batchSlots.count == s.batchTokens.count)
                #expect(!s.batchSlots.isEmpty, "empty step \(s.step): \(c)")
                let total = s.batchTokens.reduce(0) { $0 + Int($1) }
                #expect(total <= cfg.scheduler.maxNumBatchedTokens, "budget exceeded at step \(s.step): \(c)")
                #expect(s.batchSlots.count <= cfg.scheduler.maxNumSeqs, "max_num_seqs exceeded at step \(s.step): \(c)")
                #expect(s.waiting >= 0 && s.running >= 0 && s.running <= cfg.scheduler.maxNumSeqs,
                        "queue lengths out of range at step \(s.step): running \(s.running), waiting \(s.waiting): \(c)")
                #expect(s.kvBlocksUsed >= 0 && s.kvBlocksUsed <= s.kvBlocksTotal)
                #expect(Set(s.batchSlots).count == s.batchSlots.count, "request twice in step \(s.step): \(c)")
                #expect(s.kvBlocksUsed >= 0 && s.kvBlocksUsed <= s.kvBlocksTotal)
                #expect(s.running <= cfg.scheduler.maxNumSeqs)
                let noToken = Set(s.noTokenSlots)
                for (slot, n) in zip(s.batchSlots, s.batchTokens) {
                    let id = idOf[slot]!
                    #expect(n > 0)
                    scheduled[id, default: 0] += Int(n)
                    incarnation[id, default: 0] += Int(n)
                    if !noToken.contains(slot) { tokens[id, default: 0] += 1 }
                }
            case .firstToken(let t, _, let slot):
                let id = idOf[slot]!
                #expect(firstToken[id] == nil, "two first tokens for \(id): \(c)")
                firstToken[id] = t
            case .finished(let t, _, let slot, let outputs):
                let id = idOf[slot]!
                finished[id] = (t, outputs)
                finishCount[id, default: 0] += 1
            case .timedOut, .warmupEnded:
                Issue.record("no timeout or warmup configured: \(c)")
            }
        }

        for r in c.requests {
            if rejected.contains(r.id) { continue }
            #expect(finishCount[r.id] == 1, "\(r.id) finished \(finishCount[r.id] ?? 0) times: \(c)")
            #expect(finished[r.id]?.outputs == r.outputTokens, "\(r.id): \(c)")
            #expect(tokens[r.id] == r.outputTokens, "\(r.id) produced \(tokens[r.id] ?? 0) of \(r.outputTokens): \(c)")
            // The last incarnation holds prompt + outputs − 1 tokens of KV when it finishes.
            #expect(incarnation[r.id] == r.promptTokens + r.outputTokens - 1, "\(r.id): \(c)")
            // Conservation: prompt − hits + m − 1 plus what preempted incarnations had computed.
            #expect(scheduled[r.id, default: 0]
                    == r.promptTokens - hits[r.id, default: 0] + r.outputTokens - 1 + recomputed[r.id, default: 0],
                    "\(r.id): \(c)")
            if let f = firstToken[r.id], let e = finished[r.id]?.time {
                #expect(f <= e && f >= r.arrivalTime, "\(r.id): \(c)")
            } else {
                Issue.record("\(r.id) lacks a first token or a finish: \(c)")
            }
        }
        // Nothing is rejected: every request fits max_seq_len and hence the pool.
        #expect(rejected.isEmpty)
        #expect(Set(finished.keys) == Set(spec.keys))
        #expect(sim.scheduler.kvBlocksUsed == 0, "blocks leaked: \(c)")
        #expect(sim.scheduler.runningCount == 0 && sim.scheduler.waitingCount == 0)
    }

    @Test func sameInputsGiveIdenticalEventStreams() throws {
        let c = RandomCase(seed: 99)
        func run() throws -> [String] {
            var sim = try Simulator(config: c.config, source: ArrayRequestSource(c.requests))
            var sink = RecordingSink()
            sim.run(into: &sink)
            return decode(sink.events, status: .complete).batches
        }
        #expect(try run() == run())
    }

    @Test func tokensWithoutPreemptionMatchSection8() throws {
        // §6: with no preemption a request is scheduled for prompt − hit + m − 1 tokens.
        let cfg = scenarioConfig(blocks: 400, budget: 256, maxSeqLen: 1024)
        var reqs: [RequestSpec] = []
        for i in 0..<40 {
            reqs.append(req("q\(i)", at: Double(i) * 0.003, prompt: 20 + 17 * i, out: 1 + i % 9,
                            prefix: i % 2 == 0 ? [7, 8, 9] : []))
        }
        let r = try simulate(cfg, reqs)
        #expect(r.preemptions.isEmpty)
        var hit: [String: Int] = [:]
        for h in r.cacheHits { hit[h.id, default: 0] += h.tokens }
        for q in reqs {
            #expect(r.scheduledTokens(q.id) == q.promptTokens - hit[q.id, default: 0] + q.outputTokens - 1)
        }
        #expect(!hit.isEmpty)
    }
}
