/// How a run ended.
public enum RunStatus: String, Sendable {
    /// Every request finished or was rejected.
    case complete
    /// Stopped from outside (a signal) at a step boundary.
    case interrupted
    /// Could not go on (a request that can never be scheduled, or a source error).
    case failed
}

/// The discrete-event simulator of one vLLM node.
///
/// It owns the clock. Each iteration mirrors vLLM's engine loop (and the reference replay):
/// admit arrivals up to now, schedule a step, price it with the step-time model, advance the
/// clock to its end, process its output. With `async_scheduling` two steps are in flight and
/// step k+1 is scheduled before step k's output is processed. When nothing can run the clock
/// jumps to the next arrival; it never ticks while idle.
///
/// ```swift
/// var sim = try Simulator(config: .default)
/// var metrics = MetricsReducer(config: .default)
/// sim.run(into: &metrics)
/// print(metrics.summary().outputThroughput)
/// ```
public struct Simulator<Source: RequestSource> {
    public let config: SimulatorConfig
    public private(set) var scheduler: Scheduler
    public private(set) var source: Source
    private let model: ConfiguredStepTimeModel
    private let depth: Int

    /// Current simulated time (seconds).
    public private(set) var now: Double = 0
    private var gpuFree: Double = 0
    /// Steps run so far.
    public private(set) var stepCount = 0
    /// Requests finished / rejected so far.
    public private(set) var finishedCount = 0
    public private(set) var rejectedCount = 0
    public private(set) var arrivedCount = 0
    public private(set) var status: RunStatus? = nil
    private var started = false

    private struct InFlight {
        var batch = ScheduledBatch()
        var step = 0
        var start = 0.0
        var cost = StepCost(seconds: 0, flops: 0, bytes: 0)
        var carriedPreempted: [RequestSlot] = []
    }
    private var inFlight: [InFlight] = []
    private var spare: [InFlight] = []
    private var carriedPreempted: [RequestSlot] = []
    private var chunks: [ScheduledChunk] = []
    private var record = StepRecord()
    private var effects = Scheduler.OutputEffects()
    /// Async mode: finished slots still named by the in-flight step; released after it.
    private var deferredRelease: [RequestSlot] = []
    private var releaseNow: [RequestSlot] = []

    /// Creates a simulator over `source`.
    /// - Throws: the first error-severity ``ConfigIssue`` of the config.
    public init(config: SimulatorConfig, source: Source) throws(ConfigIssue) {
        if let error = config.validate().first(where: { $0.severity == .error }) { throw error }
        self.config = config
        self.source = source
        scheduler = Scheduler(config)
        model = ConfiguredStepTimeModel(config)
        depth = config.scheduler.asyncScheduling ? 2 : 1
        inFlight.reserveCapacity(2)
        spare = [InFlight(), InFlight(), InFlight()]
        record.kvBlocksTotal = scheduler.pool.count
    }

    /// Whether the run has ended.
    public var isFinished: Bool { status != nil }

    /// Runs to the end.
    @discardableResult
    public mutating func run<Sink: EventSink>(into sink: inout Sink) -> RunStatus {
        while advance(into: &sink) {}
        return status ?? .complete
    }

    /// Stops the run at the current step boundary (after draining in-flight steps).
    public mutating func interrupt<Sink: EventSink>(into sink: inout Sink) {
        guard status == nil else { return }
        while !inFlight.isEmpty { finishOldestStep(into: &sink) }
        status = .interrupted
    }

    /// Marks the run failed (e.g. the request source hit bad input).
    public mutating func fail<Sink: EventSink>(into sink: inout Sink) {
        guard status == nil else { return }
        while !inFlight.isEmpty { finishOldestStep(into: &sink) }
        status = .failed
    }

    /// One iteration of the engine loop.
    /// - Returns: false once the run has ended.
    public mutating func advance<Sink: EventSink>(into sink: inout Sink) -> Bool {
        guard status == nil else { return false }
        if !started {
            started = true
            guard let first = source.peekArrivalTime() else { status = .complete; return false }
            now = first
            gpuFree = first
        }
        admitArrivals(upTo: now, into: &sink)
        if inFlight.count < depth && scheduler.hasUnfinishedRequests {
            var entry = spare.popLast() ?? InFlight()
            scheduler.schedule(into: &entry.batch)
            if entry.batch.isEmpty {
                let preempted = !entry.batch.preempted.isEmpty
                if preempted { carriedPreempted.append(contentsOf: entry.batch.preempted) }
                spare.append(entry)
                if preempted && inFlight.isEmpty { return true }  // vLLM schedules again at once
            } else {
                launch(&entry)
                inFlight.append(entry)
                if inFlight.count < depth { return true }
            }
        }
        if !inFlight.isEmpty {
            finishOldestStep(into: &sink)
            return true
        }
        if let next = source.peekArrivalTime() {
            now = max(now, next)
            return true
        }
        status = scheduler.hasUnfinishedRequests ? .failed : .complete
        return false
    }

    private mutating func launch(_ entry: inout InFlight) {
        entry.batch.chunks(into: &chunks)
        stepCount += 1
        entry.step = stepCount
        entry.start = max(now, gpuFree)
        entry.cost = model.cost(of: chunks)
        gpuFree = entry.start + entry.cost.seconds
        entry.carriedPreempted.removeAll(keepingCapacity: true)
        entry.carriedPreempted.append(contentsOf: carriedPreempted)
        entry.carriedPreempted.append(contentsOf: entry.batch.preempted)
        carriedPreempted.removeAll(keepingCapacity: true)
    }

    private mutating func admitArrivals<Sink: EventSink>(upTo t: Double, into sink: inout Sink) {
        while let a = source.peekArrivalTime(), a <= t {
            let spec = source.next()
            arrivedCount += 1
            if let reason = scheduler.rejection(promptTokens: spec.promptTokens, outputTokens: spec.outputTokens) {
                rejectedCount += 1
                sink.consume(.rejected(time: spec.arrivalTime, slot: -1, id: spec.id, reason: reason))
                source.requestCompleted(at: spec.arrivalTime)
                continue
            }
            let slot = scheduler.add(spec)
            sink.consume(.arrival(ArrivalEvent(time: spec.arrivalTime, slot: slot, id: spec.id,
                                               promptTokens: spec.promptTokens, outputTokens: spec.outputTokens,
                                               priority: spec.priority)))
        }
    }

    private mutating func finishOldestStep<Sink: EventSink>(into sink: inout Sink) {
        let entry = inFlight.removeFirst()
        let end = entry.start + entry.cost.seconds
        now = max(now, end)
        scheduler.processOutput(of: entry.batch, into: &effects)
        // Slots of requests that finished with the previous step are free once the step
        // scheduled before that finish (this one) has been processed.
        swap(&releaseNow, &deferredRelease)

        for slot in entry.carriedPreempted {
            sink.consume(.preempted(time: entry.start, step: entry.step, slot: slot))
        }
        for hit in entry.batch.cacheHits {
            sink.consume(.cacheHit(time: entry.start, step: entry.step, slot: hit.slot, tokens: hit.tokens, resumed: hit.resumed))
        }
        fillRecord(entry)
        sink.consume(.step(record))
        // Arrivals during the step, in time order before its tokens.
        admitArrivals(upTo: end, into: &sink)
        for slot in effects.firstTokens {
            sink.consume(.firstToken(time: end, step: entry.step, slot: slot))
        }
        for slot in effects.finished {
            let outputs = scheduler.request(slot).numOutput
            sink.consume(.finished(time: end, step: entry.step, slot: slot, outputTokens: outputs))
            finishedCount += 1
            if depth > 1 { deferredRelease.append(slot) } else { scheduler.release(slot) }
            source.requestCompleted(at: end)
        }
        for slot in releaseNow { scheduler.release(slot) }
        releaseNow.removeAll(keepingCapacity: true)
        spare.append(entry)
    }

    private mutating func fillRecord(_ entry: InFlight) {
        let b = entry.batch
        record.step = entry.step
        record.time = entry.start
        record.duration = entry.cost.seconds
        b.slotsAndTokens(into: &record.batchSlots, &record.batchTokens)
        record.noTokenSlots.removeAll(keepingCapacity: true)
        record.noTokenSlots.append(contentsOf: effects.noToken)
        record.preemptedSlots.removeAll(keepingCapacity: true)
        record.preemptedSlots.append(contentsOf: entry.carriedPreempted)
        record.finishedSlots.removeAll(keepingCapacity: true)
        record.finishedSlots.append(contentsOf: effects.finished)
        var prefill = 0, decode = 0
        for e in 0..<b.count {
            if b[e].isDecode { decode += 1 } else { prefill += Int(b[e].tokens) }
        }
        record.prefillTokens = prefill
        record.decodeTokens = decode
        record.running = scheduler.runningCount
        record.waiting = scheduler.waitingCount
        record.kvBlocksUsed = scheduler.kvBlocksUsed
        record.kvBlocksTotal = scheduler.pool.count
        record.flops = entry.cost.flops
        record.bytes = entry.cost.bytes
    }
}

extension Simulator where Source == SyntheticSource {
    /// A simulator over the config's synthetic workload.
    public init(config: SimulatorConfig) throws(ConfigIssue) {
        try self.init(config: config, source: SyntheticSource(config.workload))
    }
}
