import Testing
@testable import InferenceLabCore

// The [engine] overheads: one request worked through by hand, the async overlap, and
// properties over random workloads (time never goes backwards, zero costs change nothing).

@Suite struct EngineTimingTests {
    /// The hand-worked engine: 20 ms per request, 1 ms per prompt token, 2 ms per output token
    /// at the API server; 3 ms per step and 1 ms per scheduled request in the engine core.
    static let engine = EngineConfig(apiRequestSeconds: 0.02, apiPromptTokenSeconds: 0.001, apiOutputTokenSeconds: 0.002,
                                     stepSeconds: 0.003, stepRequestSeconds: 0.001, stepTokenSeconds: 0)

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-12 }

    @Test func oneRequestByHand() throws {
        // Linear step time of 10 ms, synchronous scheduling. Request a: sent at 1.0, 10 prompt
        // tokens, 3 output tokens.
        //   tokenised = 1.0 + 10 · 0.001 = 1.010; ready (arrival record) = 1.010 + 0.020 = 1.030
        //   step 1: CPU 0.003 + 1 · 0.001 = 0.004 → GPU 1.034 … 1.044 (prefill, first token)
        //           client sees it at 1.044 + 1 · 0.002 = 1.046 → TTFT 46 ms
        //   step 2: scheduled at 1.044, GPU 1.048 … 1.058, seen max(1.058, 1.046) + 0.002 = 1.060
        //   step 3: scheduled at 1.058, GPU 1.062 … 1.072, seen 1.074 → E2E 74 ms
        //   ITL 14 ms twice, TPOT (1.074 − 1.046) / 2 = 14 ms; queueing 1.034 − 1.030 = 4 ms.
        var cfg = scenarioConfig()
        cfg.engine = Self.engine
        var sim = try Simulator(config: cfg, source: ArrayRequestSource([req("a", at: 1.0, prompt: 10, out: 3)]))
        var sink = RecordingSink()
        var metrics = MetricsReducer(config: cfg)
        sim.run(into: &sink)
        for e in sink.events { metrics.consume(e) }

        var steps: [StepRecord] = []
        for event in sink.events {
            switch event {
            case .arrival(let a):
                #expect(close(a.time, 1.03) && a.clientTime == 1.0)
            case .step(let r): steps.append(r)
            case .firstToken(let t, let step, _): #expect(close(t, 1.044) && step == 1)
            case .finished(let t, let step, _, let n): #expect(close(t, 1.072) && step == 3 && n == 3)
            default: break
            }
        }
        #expect(steps.count == 3)
        let starts = [1.034, 1.048, 1.062], seen = [1.046, 1.060, 1.074]
        for (i, r) in steps.enumerated() {
            #expect(close(r.time, starts[i]), "step \(i + 1) starts at \(r.time)")
            #expect(r.duration == 0.01)
            #expect(close(r.clientTime, seen[i]), "step \(i + 1) seen at \(r.clientTime)")
        }
        let s = metrics.summary()
        #expect(abs(s.ttft.mean - 46) < 1e-9)
        #expect(abs(s.e2e.mean - 74) < 1e-9)
        #expect(abs(s.itl.mean - 14) < 1e-9 && abs(s.itl.max - 14) < 1e-9)
        #expect(abs(s.tpot.mean - 14) < 1e-9)
        #expect(abs(s.queue.mean - 4) < 1e-9)
    }

    @Test func asyncSchedulingHidesTheStepCPUTime() throws {
        // With async scheduling the CPU work of step k+1 (4 ms) runs while step k (10 ms) is on
        // the GPU: only the first step waits for its CPU time; later steps start back to back.
        var cfg = scenarioConfig(async: true)
        cfg.engine = EngineConfig(stepSeconds: 0.003, stepRequestSeconds: 0.001)
        var sim = try Simulator(config: cfg, source: ArrayRequestSource([req("a", at: 0, prompt: 10, out: 4)]))
        var sink = RecordingSink()
        sim.run(into: &sink)
        let steps = sink.events.compactMap { if case .step(let r) = $0 { return r } else { return nil } }
        #expect(steps.count >= 4)
        #expect(close(steps[0].time, 0.004))
        for (a, b) in zip(steps, steps.dropFirst()) { #expect(b.time == a.endTime) }

        // The same without async: every step waits for its own CPU time.
        cfg.scheduler.asyncScheduling = false
        var syncSim = try Simulator(config: cfg, source: ArrayRequestSource([req("a", at: 0, prompt: 10, out: 4)]))
        var syncSink = RecordingSink()
        syncSim.run(into: &syncSink)
        let syncSteps = syncSink.events.compactMap { if case .step(let r) = $0 { return r } else { return nil } }
        for (a, b) in zip(syncSteps, syncSteps.dropFirst()) { #expect(close(b.time, a.endTime + 0.004)) }
    }

    @Test func gpuTimeScaleMultipliesEveryStepAndNothingElse() throws {
        // scenarioConfig's linear model gives 10 ms steps here; × 1.25 → 12.5 ms. One request
        // of 10 prompt tokens and 4 outputs: 4 steps back to back from t = 0, so the finish
        // moves from 40 ms to 50 ms, and the same batches run in the same order.
        func run(_ scale: Double) throws -> [StepRecord] {
            var cfg = scenarioConfig()
            cfg.engine = EngineConfig(gpuTimeScale: scale)
            var sim = try Simulator(config: cfg, source: ArrayRequestSource([req("a", at: 0, prompt: 10, out: 4)]))
            var sink = RecordingSink()
            sim.run(into: &sink)
            return sink.events.compactMap { if case .step(let r) = $0 { return r } else { return nil } }
        }
        let plain = try run(1), scaled = try run(1.25)
        #expect(plain.count == 4 && scaled.count == 4)
        for (a, b) in zip(plain, scaled) {
            #expect(b.duration == a.duration * 1.25)
            #expect(b.batchSlots == a.batchSlots && b.batchTokens == a.batchTokens)
        }
        #expect(close(plain.last!.endTime, 0.040) && close(scaled.last!.endTime, 0.050))
        #expect(EngineConfig(gpuTimeScale: 1.25).isActive && !EngineConfig(gpuTimeScale: 1).isActive)
    }

    @Test func apiIntakeIsSerialAndKeepsArrivalOrder() {
        var t = EngineTiming(EngineConfig(apiRequestSeconds: 0.01, apiPromptTokenSeconds: 0.001))
        // Two requests sent together: the second is tokenised after the first.
        #expect(close(t.readyTime(arrival: 0, promptTokens: 100), 0.11))
        #expect(close(t.readyTime(arrival: 0, promptTokens: 10), 0.12))
        // One sent later, after the tokeniser is free again.
        #expect(close(t.readyTime(arrival: 1, promptTokens: 10), 1.02))
    }

    /// A random workload: `n` requests with random gaps and lengths.
    func randomRequests(seed: UInt64, n: Int = 60) -> [RequestSpec] {
        var rng = Xoshiro256(seed: seed)
        var t = 0.0
        return (0..<n).map { i in
            t += rng.nextUnit() < 0.3 ? 0 : rng.nextUnit() * 0.05
            return req(String(i), at: t, prompt: 1 + Int(rng.next() % 300), out: 1 + Int(rng.next() % 40))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func timeNeverGoesBackwards(seed: UInt64) throws {
        var rng = Xoshiro256(seed: seed &* 7919)
        var cfg = scenarioConfig(blocks: 200, budget: 256, maxSeqs: 16, async: seed % 2 == 0, maxSeqLen: 400)
        cfg.engine = EngineConfig(apiRequestSeconds: rng.nextUnit() * 0.05, apiPromptTokenSeconds: rng.nextUnit() * 1e-4,
                                  apiOutputTokenSeconds: rng.nextUnit() * 1e-3, stepSeconds: rng.nextUnit() * 0.02,
                                  stepRequestSeconds: rng.nextUnit() * 1e-3, stepTokenSeconds: rng.nextUnit() * 1e-5)
        let requests = randomRequests(seed: seed)
        var sim = try Simulator(config: cfg, source: ArrayRequestSource(requests))
        var sink = RecordingSink()
        #expect(sim.run(into: &sink) == .complete)
        var last = -Double.infinity, lastStepEnd = -Double.infinity, lastSeen = -Double.infinity
        var finished = 0
        for event in sink.events {
            let t: Double
            switch event {
            case .arrival(let a):
                t = a.time
                #expect(a.clientTime <= a.time)
            case .rejected(let time, _, _, _): t = time
            case .cacheHit(let time, _, _, _, _), .preempted(let time, _, _): t = time
            case .step(let r):
                t = r.time
                #expect(r.time >= lastStepEnd, "a step starts before the previous one ended")
                #expect(r.clientTime >= r.endTime && r.clientTime >= lastSeen)
                lastStepEnd = r.endTime
                lastSeen = r.clientTime
            case .firstToken(let time, _, _): t = time
            case .timedOut(let time, _), .warmupEnded(let time): t = time
            case .finished(let time, _, _, _):
                t = time
                finished += 1
            }
            #expect(t >= last, "event time went backwards: \(t) after \(last)")
            last = t
        }
        #expect(finished == requests.count)
    }

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func zeroCostsChangeNothing(seed: UInt64) throws {
        let requests = randomRequests(seed: seed)
        func run(_ engine: EngineConfig) throws -> (String, Summary) {
            var cfg = scenarioConfig(blocks: 150, budget: 256, maxSeqs: 16, async: seed % 2 == 0, maxSeqLen: 400)
            cfg.engine = engine
            var sim = try Simulator(config: cfg, source: ArrayRequestSource(requests))
            var sink = RecordingSink()
            sim.run(into: &sink)
            var metrics = MetricsReducer(config: cfg)
            for e in sink.events { metrics.consume(e) }
            let r = decode(sink.events, status: .complete)
            return ((r.batches + r.trace).joined(separator: "\n") + "\(r.arrival.sorted { $0.key < $1.key })", metrics.summary())
        }
        let (plain, plainSummary) = try run(EngineConfig())
        let (zero, zeroSummary) = try run(EngineConfig(vllmVersion: "0.15.1"))
        #expect(plain == zero)
        #expect(plainSummary == zeroSummary)
    }
}
