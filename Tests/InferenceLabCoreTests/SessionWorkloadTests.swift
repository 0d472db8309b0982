import Testing
@testable import InferenceLabCore

/// `arrival_pattern = "sessions"`: multi-turn conversations (``SessionWorkload``).
@Suite struct SessionWorkloadTests {
    /// Fixed lengths, 3 turns, 200 ms think time, sessions at 0.5/s with exponential gaps
    /// (seed 1). Fixed distributions draw nothing, so the only draws are the session gaps:
    /// with seed 1 the first three exponential(1) samples are 0.35250958373928465,
    /// 0.6530871659900851 and 0.5549417532396099 (xoshiro256** through SplitMix64, −ln U),
    /// i.e. sessions start at 0.70502, 2.01119 and 3.12108 s.
    static let handWorked = WorkloadConfig(arrivalPattern: .sessions, arrivalRate: 0.5, cv: 1, numRequests: 6,
                                           inputLengths: .fixed(40), outputLengths: .fixed(20), seed: 1,
                                           turnsPerSession: .fixed(3), turnInputLengths: .fixed(10),
                                           thinkTimeMs: .fixed(200))
    static let start0 = 2 * 0.35250958373928465
    static let start1 = 2 * (0.35250958373928465 + 0.6530871659900851)
    static let start2 = 2 * (0.35250958373928465 + 0.6530871659900851 + 0.5549417532396099)

    /// Hash of block j of session s.
    static func h(_ s: UInt64, _ j: UInt64) -> UInt64 { s << 32 | j }

    @Test func handWorkedTwoSessionsOfThreeTurns() {
        var src = SyntheticSource(Self.handWorked, prefixHashBlockSize: 16)
        func near(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-12 } ?? false }

        // Session 0, turn 0: 40 prompt tokens = ⌈40/16⌉ = 3 hash blocks.
        #expect(near(src.peekArrivalTime(), Self.start0))
        let r0 = src.next()
        #expect(r0.id == "0" && r0.sessionKey == 0 && r0.turn == 0)
        #expect(r0.promptTokens == 40 && r0.outputTokens == 20)
        #expect(r0.prefixHashes == [Self.h(0, 0), Self.h(0, 1), Self.h(0, 2)])
        // Nothing is due until turn 0 finishes: the next time is session 1's start.
        #expect(near(src.peekArrivalTime(), Self.start1))
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.0)
        // Turn 1 = 1.0 + 0.2 s; prompt 40 + 20 (turn 0's output) + 10 new = 70 → 5 blocks,
        // the first 3 those of turn 0.
        #expect(src.peekArrivalTime() == 1.0 + 0.2)
        let r1 = src.next()
        #expect(r1.id == "1" && r1.sessionKey == 0 && r1.turn == 1 && r1.arrivalTime == 1.2)
        #expect(r1.promptTokens == 70 && r1.outputTokens == 20)
        #expect(r1.prefixHashes == (0..<5).map { Self.h(0, $0) })
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.9)  // turn 2 due at 2.1

        // Session 1 starts (2.01119) before session 0's turn 2 (2.1).
        #expect(near(src.peekArrivalTime(), Self.start1))
        let r2 = src.next()
        #expect(r2.id == "2" && r2.sessionKey == 1 && r2.turn == 0 && r2.promptTokens == 40)
        #expect(r2.prefixHashes == [Self.h(1, 0), Self.h(1, 1), Self.h(1, 2)])
        let r3 = src.next()
        // Prompt 70 + 20 + 10 = 100 → ⌈100/16⌉ = 7 blocks.
        #expect(r3.id == "3" && r3.sessionKey == 0 && r3.turn == 2 && r3.arrivalTime == 1.9 + 0.2)
        #expect(r3.promptTokens == 100 && r3.prefixHashes == (0..<7).map { Self.h(0, $0) })
        src.requestCompleted(sessionKey: 1, finished: true, at: 2.2)   // session 1 turn 1 at 2.4
        src.requestCompleted(sessionKey: 0, finished: true, at: 2.3)   // session 0's last turn: it ends
        #expect(src.peekArrivalTime() == 2.2 + 0.2)
        let r4 = src.next()
        #expect(r4.id == "4" && r4.sessionKey == 1 && r4.turn == 1 && r4.promptTokens == 70)
        #expect(r4.prefixHashes == (0..<5).map { Self.h(1, $0) })
        src.requestCompleted(sessionKey: 1, finished: true, at: 2.5)
        #expect(src.peekArrivalTime() == 2.5 + 0.2)
        let r5 = src.next()
        #expect(r5.id == "5" && r5.sessionKey == 1 && r5.turn == 2 && r5.promptTokens == 100)
        // num_requests = 6: nothing more, though session 2 would start at 3.12108.
        #expect(src.peekArrivalTime() == nil && src.isExhausted)
    }

    @Test func aRefusedTurnEndsItsSession() {
        var w = Self.handWorked
        w.numRequests = 10
        var src = SyntheticSource(w, prefixHashBlockSize: 16)
        _ = src.next()                                                // session 0, turn 0
        src.requestCompleted(sessionKey: 0, finished: false, at: 1.0) // rejected: no turn 1
        #expect(abs(src.peekArrivalTime()! - Self.start1) < 1e-12)
        let s1 = src.next()
        #expect(s1.sessionKey == 1 && s1.turn == 0)
        src.requestCompleted(sessionKey: 1, finished: true, at: 2.5)  // turn 1 at 2.7
        // Session 2's start (3.12108) shows that the refusal drew nothing.
        #expect(src.next().arrivalTime == 2.5 + 0.2)
        #expect(abs(src.peekArrivalTime()! - Self.start2) < 1e-12)
        #expect(!src.isExhausted)
    }

    @Test func hashBlocksFollowTheConfiguredSize() {
        // B = 64: 40 tokens → 1 block, 70 → 2, 100 → 2 (block 1 keeps its hash).
        var src = SyntheticSource(Self.handWorked, prefixHashBlockSize: 64)
        #expect(src.next().prefixHashes == [Self.h(0, 0)])
        src.requestCompleted(sessionKey: 0, finished: true, at: 1)
        #expect(src.next().prefixHashes == [Self.h(0, 0), Self.h(0, 1)])
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.5)  // turn 2 at 1.7, before session 1
        #expect(src.next().prefixHashes == [Self.h(0, 0), Self.h(0, 1)])
        // A prompt beyond the hashed-token limit gets hashes only up to the limit.
        var capped = SyntheticSource(Self.handWorked, prefixHashBlockSize: 16, hashedTokenLimit: 50)
        #expect(capped.next().prefixHashes.count == 3)
        capped.requestCompleted(sessionKey: 0, finished: true, at: 1)
        #expect(capped.next().prefixHashes.count == 4)  // ⌈50/16⌉
    }

    @Test func aConversationBeyond2To31TokensEnds() {
        var w = Self.handWorked
        w.inputLengths = .fixed(2_000_000_000)
        w.outputLengths = .fixed(100_000_000)
        w.turnInputLengths = .fixed(47_483_648)  // 2e9 + 1e8 + 47,483,648 = 2³¹: one token too many
        var src = SyntheticSource(w, hashedTokenLimit: 64)
        #expect(src.next().promptTokens == 2_000_000_000)
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.0)
        #expect(abs(src.peekArrivalTime()! - Self.start1) < 1e-12)  // no turn 1: session 0 ended
        w.turnInputLengths = .fixed(47_483_647)  // exactly 2³¹−1 still goes on
        src = SyntheticSource(w, hashedTokenLimit: 64)
        _ = src.next()
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.0)
        let next = src.next()
        #expect(next.turn == 1 && next.promptTokens == 2_147_483_647 && next.prefixHashes.count == 4)
    }

    @Test func durationStopsTurnsAndSessions() {
        var w = Self.handWorked
        w.numRequests = nil
        w.durationSecs = 1.1
        var src = SyntheticSource(w)
        _ = src.next()
        #expect(src.peekArrivalTime() == nil)  // session 1 would start at 2.01 > 1.1
        #expect(!src.isExhausted)              // but turn 0's finish may still bring turn 1
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.0)  // turn 1 at 1.2 > 1.1
        #expect(src.peekArrivalTime() == nil)
        #expect(src.isExhausted)
        w.durationSecs = 1.3
        src = SyntheticSource(w)
        _ = src.next()
        src.requestCompleted(sessionKey: 0, finished: true, at: 1.0)
        #expect(!src.isExhausted && src.next().arrivalTime == 1.0 + 0.2)
    }

    // MARK: Through the simulator

    /// A sessions workload with random lengths and think times.
    static func randomConfig(seed: UInt64, requests: Int = 150, caching: Bool = true) -> SimulatorConfig {
        var c = scenarioConfig(blocks: 2000, caching: caching, base: 0.02)
        c.workload = WorkloadConfig(arrivalPattern: .sessions, arrivalRate: 3, cv: 2, numRequests: requests,
                                    inputLengths: .lognormal(mean: 5.5, stdDev: 0.6),
                                    outputLengths: .uniform(min: 5, max: 60), seed: seed,
                                    turnsPerSession: .uniform(min: 1, max: 7),
                                    turnInputLengths: .uniform(min: 1, max: 120),
                                    thinkTimeMs: .lognormal(mean: 5, stdDev: 1.2))
        return c
    }

    /// What a run sent and when each request left, by id.
    struct Observed {
        var specs: [RequestSpec] = []
        var left: [String: Double] = [:]
        var refused: Set<String> = []
        var summary = Summary()
    }

    static func observe(_ config: SimulatorConfig) throws -> Observed {
        var sim = try Simulator(config: config, source: ObservedRequestSource(SyntheticSource(config), observer: RequestLog()))
        var sink = TeeSink(RecordingSink(), MetricsReducer(config: config))
        #expect(sim.run(into: &sink) == .complete)
        var o = Observed(specs: sim.source.observer.specs, summary: sink.b.summary())
        var idOf: [RequestSlot: String] = [:]
        for e in sink.a.events {
            switch e {
            case .arrival(let a): idOf[a.slot] = a.id
            case .rejected(let t, _, let id, _): o.left[id] = t; o.refused.insert(id)
            case .finished(let t, _, let slot, _): o.left[idOf[slot]!] = t
            default: break
            }
        }
        return o
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func turnsArriveInOrderAfterThePreviousFinishPlusThinkTime(seed: UInt64) throws {
        let o = try Self.observe(Self.randomConfig(seed: seed))
        #expect(o.specs.count == 150)                          // num_requests, exactly
        #expect(o.left.count == 150)                           // and every one left the system
        #expect(o.specs.map(\.id) == (0..<150).map(String.init))
        #expect(zip(o.specs, o.specs.dropFirst()).allSatisfy { $0.arrivalTime <= $1.arrivalTime })
        var last: [UInt64: RequestSpec] = [:]
        var multiTurn = 0
        for s in o.specs {
            let key = try #require(s.sessionKey)
            guard let prev = last[key] else {
                #expect(s.turn == 0)
                last[key] = s
                continue
            }
            multiTurn += 1
            #expect(s.turn == prev.turn! + 1)
            let finish = try #require(o.left[prev.id])
            #expect(!o.refused.contains(prev.id))              // a refused turn ends its session
            #expect(s.arrivalTime >= finish + 0.001)           // think time ≥ 1 ms
            #expect(s.promptTokens > prev.promptTokens + prev.outputTokens)  // ≥ 1 new token
            #expect(s.promptTokens <= prev.promptTokens + prev.outputTokens + 120)
            #expect(Array(s.prefixHashes.prefix(prev.prefixHashes.count)) == prev.prefixHashes)
            #expect(s.prefixHashes.count == (s.promptTokens + 15) / 16)
            last[key] = s
        }
        #expect(multiTurn > 30)
        // Session numbers are dense, in start order.
        let firsts = o.specs.filter { $0.turn == 0 }.map { $0.sessionKey! }
        #expect(firsts == (0..<UInt64(firsts.count)).map { $0 })
    }

    @Test func fixedThinkTimeIsExactlyAddedToTheFinish() throws {
        var c = Self.randomConfig(seed: 4)
        c.workload.thinkTimeMs = .fixed(250)
        let o = try Self.observe(c)
        var last: [UInt64: RequestSpec] = [:]
        var checked = 0
        for s in o.specs {
            if let prev = last[s.sessionKey!] {
                #expect(s.arrivalTime == o.left[prev.id]! + 0.25)
                checked += 1
            }
            last[s.sessionKey!] = s
        }
        #expect(checked > 30)
    }

    @Test func prefixCachingServesTheConversationOnlyWithSessions() throws {
        let sessions = try Self.observe(Self.randomConfig(seed: 5, requests: 200))
        // The same requests (times, lengths) without sessions or hashes.
        let independent = sessions.specs.map {
            RequestSpec(id: $0.id, arrivalTime: $0.arrivalTime, promptTokens: $0.promptTokens, outputTokens: $0.outputTokens)
        }
        let config = Self.randomConfig(seed: 5, requests: 200)
        var sim = try Simulator(config: config, source: ArrayRequestSource(independent))
        var metrics = MetricsReducer(config: config)
        sim.run(into: &metrics)
        let alone = metrics.summary()
        #expect(sessions.summary.prefixCacheHitRate > 0.3, "\(sessions.summary.prefixCacheHitRate)")
        #expect(alone.prefixCacheHitRate == 0)
        // With caching off, the sessions run hits nothing either.
        let off = try Self.observe(Self.randomConfig(seed: 5, requests: 200, caching: false))
        #expect(off.summary.prefixCacheHitRate == 0)
    }

    @Test func deterministicForASeed() throws {
        let a = try Self.observe(Self.randomConfig(seed: 6))
        let b = try Self.observe(Self.randomConfig(seed: 6))
        let c = try Self.observe(Self.randomConfig(seed: 7))
        #expect(a.specs == b.specs && a.summary == b.summary)
        #expect(a.specs != c.specs)
    }

    @Test func rejectedTurnsEndTheirSessions() throws {
        // max_seq_len 600: conversations outgrow the model and their next turn is rejected.
        var c = Self.randomConfig(seed: 8)
        c.model.maxSeqLen = 600
        c.workload.turnsPerSession = .fixed(20)
        let o = try Self.observe(c)
        #expect(o.refused.count > 3)
        #expect(o.specs.count == 150)
        for s in o.specs where o.refused.contains(s.id) {
            #expect(!o.specs.contains { $0.sessionKey == s.sessionKey && $0.turn! > s.turn! })
        }
    }

    @Test func configErrors() {
        var c = SimulatorConfig.default
        c.workload = WorkloadConfig(arrivalPattern: .sessions, arrivalRate: 1, numRequests: nil)
        #expect(c.validate().contains { $0.key == "workload.num_requests" && $0.severity == .error })
        c.workload.numRequests = 10
        c.workload.thinkTimeMs = .fixed(0)
        c.workload.turnsPerSession = .uniform(min: 3, max: 2)
        c.workload.turnInputLengths = .normal(mean: .infinity, stdDev: 1)
        let keys = c.validate().filter { $0.severity == .error }.map(\.key)
        #expect(keys.contains("workload.think_time_ms_dist.value"))
        #expect(keys.contains("workload.turns_per_session_dist.max"))
        #expect(keys.contains("workload.turn_input_len_dist.mean"))
        c.workload.thinkTimeMs = .fixed(1)
        c.workload.turnsPerSession = .fixed(2)
        c.workload.turnInputLengths = .fixed(2)
        c.workload.cv = 1e200
        #expect(c.validate().contains { $0.key == "workload.cv" && $0.severity == .error })
        c.workload.cv = 1
        c.workload.arrivalRate = 0
        #expect(c.validate().contains { $0.key == "workload.arrival_rate" && $0.severity == .error })
        c.workload.arrivalRate = 1
        #expect(!c.validate().contains { $0.severity == .error })
        // The session keys are not checked for other patterns (they are ignored there).
        c.workload.arrivalPattern = .poisson
        c.workload.thinkTimeMs = .fixed(0)
        #expect(!c.validate().contains { $0.severity == .error })
    }
}
