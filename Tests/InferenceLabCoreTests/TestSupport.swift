@testable import InferenceLabCore

/// A small config for scheduler scenarios: linear step time (10 ms per step, nothing per
/// token), a fixed KV pool of `blocks` usable blocks (override = blocks + 1 for vLLM's null
/// block) and `maxSeqLen` defaulting to the pool's whole capacity so validation passes.
func scenarioConfig(
    blocks: Int = 100,
    budget: Int = 8192,
    maxSeqs: Int = 256,
    policy: SchedulingPolicy = .fcfs,
    chunked: Bool = true,
    threshold: Int = 0,
    caching: Bool = true,
    async: Bool = false,
    watermark: Double = 0,
    reserve: Bool = true,
    maxSeqLen: Int? = nil,
    base: Double = 0.01
) -> SimulatorConfig {
    var c = SimulatorConfig.default
    c.scheduler = SchedulerConfig(
        maxNumBatchedTokens: budget,
        maxNumSeqs: maxSeqs,
        policy: policy,
        enableChunkedPrefill: chunked,
        blockSize: 16,
        longPrefillTokenThreshold: threshold,
        maxNumPartialPrefills: 1,
        enablePrefixCaching: caching,
        asyncScheduling: async,
        watermark: watermark,
        reserveFullPrompt: reserve,
        numGPUBlocksOverride: blocks + 1,
        prefixHashBlockSize: 16)
    c.model.maxSeqLen = maxSeqLen ?? min(blocks * 16, 8192)
    c.compute = ComputeConfig(model: .linear, baseSeconds: base, perTokenSeconds: 0, perRequestSeconds: 0)
    return c
}

/// Shorthand for a request.
func req(_ id: String, at t: Double = 0, prompt: Int, out: Int, priority: Int = 0,
         prefix: [UInt64] = []) -> RequestSpec {
    RequestSpec(id: id, arrivalTime: t, promptTokens: prompt, outputTokens: out,
                priority: priority, prefixHashes: prefix)
}

/// One step as the event log shows it, with request ids instead of slots.
struct StepView: Equatable, CustomStringConvertible {
    var step: Int
    var time: Double
    var duration: Double
    var batch: [(id: String, tokens: Int)]
    var noToken: [String]
    var preempted: [String]
    var finished: [String]
    var kvBlocksUsed: Int
    var running: Int
    var waiting: Int

    static func == (a: StepView, b: StepView) -> Bool { a.description == b.description }

    /// "[A:16 B:1] pre[] fin[A]": what the scenarios compare.
    var description: String {
        let b = batch.map { "\($0.id):\($0.tokens)" }.joined(separator: " ")
        var s = "[\(b)]"
        if !preempted.isEmpty { s += " pre[\(preempted.joined(separator: " "))]" }
        if !finished.isEmpty { s += " fin[\(finished.joined(separator: " "))]" }
        return s
    }
}

/// Everything a scenario asserts, decoded from the events.
struct RunResult {
    var status: RunStatus
    var steps: [StepView] = []
    var firstToken: [String: Double] = [:]
    var firstTokenStep: [String: Int] = [:]
    var finish: [String: Double] = [:]
    var finishStep: [String: Int] = [:]
    var finishCount: [String: Int] = [:]
    var outputTokensAtFinish: [String: Int] = [:]
    var arrival: [String: Double] = [:]
    var rejected: [String: RejectionReason] = [:]
    /// Requests aborted by `request_timeout`, with the abort time.
    var timedOut: [String: Double] = [:]
    /// The `warmupEnded` time, if the run had a warmup.
    var warmupEnd: Double? = nil
    /// (step, id, tokens, resumed)
    var cacheHits: [(step: Int, id: String, tokens: Int, resumed: Bool)] = []
    /// (step, id)
    var preemptions: [(step: Int, id: String)] = []
    /// Events in order as compact strings ("arrival A", "step 1", ...), for order checks.
    var trace: [String] = []
    var kvBlocksUsedAtEnd: Int = -1
    var waitingAtEnd: Int = -1
    var runningAtEnd: Int = -1

    /// The batches only: one string per step.
    var batches: [String] { steps.map(\.description) }

    /// Total tokens scheduled for `id` over the run.
    func scheduledTokens(_ id: String) -> Int {
        var n = 0
        for s in steps { for e in s.batch where e.id == id { n += e.tokens } }
        return n
    }
}

/// Runs `requests` through the simulator with `config` and decodes the events.
func simulate(_ config: SimulatorConfig, _ requests: [RequestSpec]) throws -> RunResult {
    var sim = try Simulator(config: config, source: ArrayRequestSource(requests))
    var sink = RecordingSink()
    let status = sim.run(into: &sink)
    var result = decode(sink.events, status: status)
    result.kvBlocksUsedAtEnd = sim.scheduler.kvBlocksUsed
    result.waitingAtEnd = sim.scheduler.waitingCount
    result.runningAtEnd = sim.scheduler.runningCount
    return result
}

/// Turns an event stream into ids (slots are reused, so the mapping is tracked in order).
func decode(_ events: [SimulationEvent], status: RunStatus) -> RunResult {
    var r = RunResult(status: status)
    var idOf: [RequestSlot: String] = [:]
    func name(_ s: RequestSlot) -> String { idOf[s] ?? "?\(s)" }
    for e in events {
        switch e {
        case .arrival(let a):
            idOf[a.slot] = a.id
            r.arrival[a.id] = a.time
            r.trace.append("arrival \(a.id)")
        case .rejected(_, _, let id, let reason):
            r.rejected[id] = reason
            r.trace.append("rejected \(id)")
        case .cacheHit(_, let step, let slot, let tokens, let resumed):
            r.cacheHits.append((step, name(slot), tokens, resumed))
            r.trace.append("hit \(name(slot)) \(tokens)")
        case .step(let s):
            r.steps.append(StepView(
                step: s.step, time: s.time, duration: s.duration,
                batch: zip(s.batchSlots, s.batchTokens).map { (name($0.0), Int($0.1)) },
                noToken: s.noTokenSlots.map(name),
                preempted: s.preemptedSlots.map(name),
                finished: s.finishedSlots.map(name),
                kvBlocksUsed: s.kvBlocksUsed, running: s.running, waiting: s.waiting))
            r.trace.append("step \(s.step)")
        case .firstToken(let t, let step, let slot):
            if r.firstToken[name(slot)] == nil {
                r.firstToken[name(slot)] = t
                r.firstTokenStep[name(slot)] = step
            }
            r.trace.append("first \(name(slot))")
        case .preempted(_, let step, let slot):
            r.preemptions.append((step, name(slot)))
            r.trace.append("preempted \(name(slot))")
        case .finished(let t, let step, let slot, let outputs):
            let id = name(slot)
            r.finish[id] = t
            r.finishStep[id] = step
            r.finishCount[id, default: 0] += 1
            r.outputTokensAtFinish[id] = outputs
            r.trace.append("finished \(id)")
        case .timedOut(let t, let slot):
            r.timedOut[name(slot)] = t
            r.trace.append("timed_out \(name(slot))")
        case .warmupEnded(let t):
            r.warmupEnd = t
            r.trace.append("warmup_end")
        }
    }
    return r
}

/// `a` and `b` agree to within `tol` (absolute).
func close(_ a: Double?, _ b: Double, tol: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tol
}

/// `a` and `b` agree to within `rel` relative.
func relClose(_ a: Double, _ b: Double, rel: Double = 1e-12) -> Bool {
    abs(a - b) <= rel * max(abs(a), abs(b))
}

/// Expected batches: `n` copies of `s`.
func repeated(_ s: String, _ n: Int) -> [String] { Array(repeating: s, count: max(n, 0)) }
