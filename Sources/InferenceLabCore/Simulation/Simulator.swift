/// How a run ended.
public enum RunStatus: String, Sendable {
    /// Every request finished or was rejected.
    case complete
    /// Stopped from outside (a signal) at a step boundary.
    case interrupted
    /// Could not go on (a request that can never be scheduled, a source error, or a time
    /// that is not finite: see ``Simulator/error``).
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
/// An `[engine]` model (``EngineTiming``) adds the serving overheads around the step-time model:
/// a request joins the scheduler only when the API server has handed it over, a step's GPU work
/// waits for its engine-core CPU work, and the client sees a step's tokens after the API
/// server's output handling. With every engine cost 0 none of this changes a single event.
///
/// ```swift
/// var sim = try Simulator(config: .default)
/// var metrics = MetricsReducer(config: .default)
/// sim.run(into: &metrics)
/// print(metrics.summary().outputThroughput)
/// ```
public struct Simulator<Source: RequestSource> {
    // The engine loop is @inlinable, so that a client module specialises it for its concrete
    // source and sink: unspecialised, every step paid for generic metadata lookups and
    // witness-table calls (about 8 % of a run). Stored state is therefore @usableFromInline,
    // with read-only public views.

    public let config: SimulatorConfig
    @usableFromInline var _scheduler: Scheduler
    @usableFromInline var _source: Source
    @usableFromInline let model: ConfiguredStepTimeModel
    @usableFromInline let depth: Int
    @usableFromInline var engine: EngineTiming
    @usableFromInline let delaysAdmission: Bool
    @usableFromInline let hasStepCost: Bool
    @usableFromInline let hasOutputCost: Bool
    /// `[engine] gpu_time_scale`: multiplies each step's modelled duration (1 = unchanged).
    @usableFromInline let gpuTimeScale: Double
    /// Requests sent by the client that have not reached the scheduler yet (ready times in
    /// order from `pendingHead`); used only when `delaysAdmission`.
    @usableFromInline var pending: [PendingRequest] = []
    @usableFromInline var pendingHead = 0
    /// `[workload] request_timeout`, if any, and the admitted requests' deadlines.
    @usableFromInline let requestTimeout: Double?
    @usableFromInline var deadlines = DeadlineQueue()
    /// Warmup (``RequestSpec/warmup``): whether a warmup request was admitted, and whether
    /// the `warmupEnded` event that starts the measured window was emitted.
    @usableFromInline var sawWarmup = false
    @usableFromInline var warmupOver = false

    @usableFromInline var _now: Double = 0
    @usableFromInline var gpuFree: Double = 0
    @usableFromInline var _stepCount = 0
    @usableFromInline var _finishedCount = 0
    @usableFromInline var _rejectedCount = 0
    @usableFromInline var _arrivedCount = 0
    @usableFromInline var _timedOutCount = 0
    @usableFromInline var _status: RunStatus? = nil
    @usableFromInline var _error: ConfigIssue? = nil
    @usableFromInline var started = false

    @usableFromInline
    struct InFlight {
        @usableFromInline var batch = ScheduledBatch()
        @usableFromInline var step = 0
        @usableFromInline var start = 0.0
        @usableFromInline var cost = StepCost(seconds: 0, flops: 0, bytes: 0)
        @usableFromInline var carriedPreempted: [RequestSlot] = []
        @inlinable init() {}
    }
    @usableFromInline var inFlight: [InFlight] = []
    @usableFromInline var spare: [InFlight] = []
    @usableFromInline var carriedPreempted: [RequestSlot] = []
    @usableFromInline var chunks: [ScheduledChunk] = []
    @usableFromInline var record = StepRecord()
    @usableFromInline var effects = Scheduler.OutputEffects()
    /// Async mode: finished slots still named by the in-flight step; released after it.
    @usableFromInline var deferredRelease: [RequestSlot] = []
    @usableFromInline var releaseNow: [RequestSlot] = []

    /// The scheduler's state.
    public var scheduler: Scheduler { _scheduler }
    /// The request source.
    public var source: Source { _source }
    /// Current simulated time (seconds).
    public var now: Double { _now }
    /// Steps run so far.
    public var stepCount: Int { _stepCount }
    /// Requests finished / rejected / arrived so far.
    public var finishedCount: Int { _finishedCount }
    public var rejectedCount: Int { _rejectedCount }
    public var arrivedCount: Int { _arrivedCount }
    /// Requests aborted by the client's `request_timeout` so far.
    public var timedOutCount: Int { _timedOutCount }
    /// How the run ended, or nil while it goes on.
    public var status: RunStatus? { _status }
    /// Why the run failed, when it stopped because a time it would produce (a step's end, an
    /// arrival) is not finite: the config value behind it and what happened. The run's
    /// status is then ``RunStatus/failed`` and its outputs are incomplete; nil otherwise.
    public var error: ConfigIssue? { _error }

    /// Creates a simulator over `source`.
    /// - Throws: the first error-severity ``ConfigIssue`` of the config.
    public init(config: SimulatorConfig, source: Source) throws(ConfigIssue) {
        if let error = config.validate().first(where: { $0.severity == .error }) { throw error }
        self.config = config
        _source = source
        _scheduler = Scheduler(config)
        model = ConfiguredStepTimeModel(config)
        depth = config.scheduler.asyncScheduling ? 2 : 1
        engine = EngineTiming(config.engine)
        delaysAdmission = config.engine.delaysAdmission
        hasStepCost = config.engine.hasStepCost
        hasOutputCost = config.engine.apiOutputTokenSeconds != 0
        gpuTimeScale = config.engine.gpuTimeScale
        requestTimeout = config.workload.requestTimeout
        inFlight.reserveCapacity(2)
        spare = [InFlight(), InFlight(), InFlight()]
        record.kvBlocksTotal = _scheduler.kvCacheManager.blockPool.count
    }

    /// Whether the run has ended.
    public var isFinished: Bool { _status != nil }

    /// Runs to the end.
    @inlinable @discardableResult
    public mutating func run<Sink: EventSink>(into sink: inout Sink) -> RunStatus {
        while advance(into: &sink) {}
        return _status ?? .complete
    }

    /// Stops the run at the current step boundary (after draining in-flight steps).
    @inlinable
    public mutating func interrupt<Sink: EventSink>(into sink: inout Sink) {
        guard _status == nil else { return }
        while !inFlight.isEmpty { finishOldestStep(into: &sink) }
        endWarmup(at: _now, into: &sink)
        _status = .interrupted
    }

    /// Marks the run failed (e.g. the request source hit bad input).
    @inlinable
    public mutating func fail<Sink: EventSink>(into sink: inout Sink) {
        guard _status == nil else { return }
        while !inFlight.isEmpty { finishOldestStep(into: &sink) }
        _status = .failed
    }

    /// One iteration of the engine loop.
    /// - Returns: false once the run has ended.
    @inlinable
    public mutating func advance<Sink: EventSink>(into sink: inout Sink) -> Bool {
        guard _status == nil else { return false }
        if !started {
            started = true
            guard let first = _source.peekArrivalTime() else { _status = .complete; return false }
            guard first.isFinite else { failNonFiniteArrival(first); return false }
            _now = first
            gpuFree = first
        }
        admitArrivals(upTo: _now, into: &sink)
        if requestTimeout != nil { abortTimedOut(into: &sink) }
        if inFlight.count < depth && _scheduler.hasUnfinishedRequests {
            switch scheduleStep() {
            case .launched: if inFlight.count < depth { return true }
            case .nothing: break
            case .again: return true
            case .failed: return false
            }
        }
        if !inFlight.isEmpty {
            finishOldestStep(into: &sink)
            return true
        }
        let deadline = requestTimeout != nil ? nextDeadline() : nil
        if let next = nextAdmissionTime() {
            guard next.isFinite else { failNonFiniteArrival(next); return false }
            // Idle: the clock jumps to the next arrival, but not past a client's deadline.
            _now = max(_now, deadline.map { min($0, next) } ?? next)
            return true
        }
        if let deadline, deadline.isFinite {
            // Nothing can run and nothing arrives: the waiting requests time out.
            _now = max(_now, deadline)
            return true
        }
        if _scheduler.hasUnfinishedRequests {
            _status = .failed
        } else {
            endWarmup(at: _now, into: &sink)
            _status = .complete
        }
        return false
    }

    /// Prices and starts the step; false (and the run failed) when its end is not finite.
    @inlinable
    mutating func launch(_ entry: inout InFlight) -> Bool {
        entry.batch.chunks(into: &chunks)
        _stepCount += 1
        entry.step = _stepCount
        entry.cost = model.cost(of: chunks)
        entry.cost.seconds *= gpuTimeScale  // exact when 1
        if hasStepCost {
            var tokens = 0
            for chunk in chunks { tokens += chunk.tokens }
            let cpu = engine.stepCPUSeconds(requests: chunks.count, tokens: tokens)
            entry.start = engine.gpuStart(scheduledAt: _now, cpuSeconds: cpu, gpuFree: gpuFree)
        } else {
            entry.start = max(_now, gpuFree)
        }
        let end = entry.start + entry.cost.seconds
        // FLOPs and bytes too: the event log reports them, and `inf` is no JSON number.
        guard end.isFinite && entry.cost.flops.isFinite && entry.cost.bytes.isFinite else {
            failNonFiniteStep(entry)
            return false
        }
        gpuFree = end
        entry.carriedPreempted.removeAll(keepingCapacity: true)
        entry.carriedPreempted.append(contentsOf: carriedPreempted)
        entry.carriedPreempted.append(contentsOf: entry.batch.preempted)
        carriedPreempted.removeAll(keepingCapacity: true)
        return true
    }

    /// Stops the run: step `entry` would end at a time that is not finite (or its FLOPs or
    /// bytes are not finite).
    @usableFromInline
    mutating func failNonFiniteStep(_ entry: InFlight) {
        _error = .nonFiniteStep(config, step: entry.step, start: entry.start, cost: entry.cost, batch: chunks)
        _status = .failed
    }

    /// Stops the run: the next request would arrive at a time that is not finite.
    @usableFromInline
    mutating func failNonFiniteArrival(_ time: Double) {
        _error = .nonFiniteArrival(config, request: _arrivedCount + 1, time: time)
        _status = .failed
    }

    /// When the next request reaches the scheduler (or is sent, when the API server delays it).
    @inlinable
    mutating func nextAdmissionTime() -> Double? {
        let sent = _source.peekArrivalTime()
        guard pendingHead < pending.count else { return sent }
        let ready = pending[pendingHead].readyTime
        if let sent { return min(sent, ready) }
        return ready
    }

    @inlinable
    mutating func admitArrivals<Sink: EventSink>(upTo t: Double, into sink: inout Sink) {
        guard delaysAdmission else {
            while let a = _source.peekArrivalTime(), a <= t {
                admit(_source.next(), at: a, into: &sink)
            }
            return
        }
        // Requests sent by now go through the API server; those it has handed over by `t`
        // join the scheduler, at their ready times.
        while let a = _source.peekArrivalTime(), a <= t {
            let spec = _source.next()
            pending.append(PendingRequest(spec: spec, readyTime: engine.readyTime(arrival: a, promptTokens: spec.promptTokens)))
        }
        while pendingHead < pending.count && pending[pendingHead].readyTime <= t {
            let p = pending[pendingHead]
            pendingHead += 1
            admit(p.spec, at: p.readyTime, into: &sink)
        }
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead > 4096 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    /// Hands `spec` to the scheduler at `time` (its arrival, or later when the API server
    /// delays it), or rejects it.
    @inlinable
    mutating func admit<Sink: EventSink>(_ spec: RequestSpec, at time: Double, into sink: inout Sink) {
        if spec.warmup { sawWarmup = true } else if sawWarmup && !warmupOver { endWarmup(at: spec.arrivalTime, into: &sink) }
        _arrivedCount += 1
        if let reason = _scheduler.rejection(promptTokens: spec.promptTokens, outputTokens: spec.outputTokens) {
            _rejectedCount += 1
            sink.consume(.rejected(time: time, slot: -1, id: spec.id, reason: reason))
            _source.requestCompleted(sessionKey: spec.sessionKey, finished: false, at: time)
            return
        }
        let slot = _scheduler.add(spec)
        if let requestTimeout {
            deadlines.insert(time: spec.arrivalTime + requestTimeout, slot: slot, serial: _scheduler.request(slot).serial)
        }
        sink.consume(.arrival(ArrivalEvent(time: time, slot: slot, id: spec.id,
                                           promptTokens: spec.promptTokens, outputTokens: spec.outputTokens,
                                           priority: spec.priority, clientTime: spec.arrivalTime)))
    }

    /// Emits `warmupEnded` once, if a warmup request was admitted.
    @inlinable
    mutating func endWarmup<Sink: EventSink>(at time: Double, into sink: inout Sink) {
        guard sawWarmup && !warmupOver else { return }
        warmupOver = true
        sink.consume(.warmupEnded(time: time))
    }

    /// vLLM's abort path (docs/scheduler.md §7.4): at a step boundary, every unfinished request
    /// whose client deadline is at or before now is aborted (`finish_requests`): its blocks
    /// are freed, the client is told it left, and its slot is released once the step in
    /// flight (async scheduling), which may name it, has been processed.
    @usableFromInline
    mutating func abortTimedOut<Sink: EventSink>(into sink: inout Sink) {
        while let due = deadlines.popDue(upTo: _now) {
            guard _scheduler.isUnfinished(due.slot, serial: due.serial) else { continue }
            let sessionKey = _scheduler.sessionKey(of: due.slot)
            _scheduler.abort(due.slot)
            _timedOutCount += 1
            sink.consume(.timedOut(time: _now, slot: due.slot))
            // At a step boundary at most depth − 1 steps are in flight: with one, the slot
            // joins those released after it (as a finish with the previous step does).
            precondition(inFlight.count <= 1, "aborts apply at step boundaries")
            if inFlight.isEmpty { _scheduler.release(due.slot) } else { deferredRelease.append(due.slot) }
            // A timed-out turn ends its session, as a refused one does.
            _source.requestCompleted(sessionKey: sessionKey, finished: false, at: _now)
        }
    }

    /// The earliest deadline of an unfinished request, if any.
    @usableFromInline
    mutating func nextDeadline() -> Double? {
        guard _scheduler.hasUnfinishedRequests else { return nil }
        deadlines.dropFinished(_scheduler)
        return deadlines.earliest
    }

    /// What ``scheduleStep()`` did.
    @usableFromInline
    enum ScheduleOutcome {
        /// A step was launched.
        case launched
        /// Nothing could be scheduled.
        case nothing
        /// Nothing was scheduled but requests were preempted with no step in flight: vLLM
        /// schedules again at once.
        case again
        /// The step's time is not finite (``error`` says where).
        case failed
    }

    /// Schedules a step and launches it; an empty schedule keeps the requests it preempted
    /// for the next step's record.
    @inlinable
    mutating func scheduleStep() -> ScheduleOutcome {
        var entry = spare.popLast() ?? InFlight()
        _scheduler.schedule(into: &entry.batch)
        if entry.batch.isEmpty {
            let preempted = !entry.batch.preempted.isEmpty
            if preempted { carriedPreempted.append(contentsOf: entry.batch.preempted) }
            spare.append(entry)
            return preempted && inFlight.isEmpty ? .again : .nothing
        }
        guard launch(&entry) else { return .failed }
        inFlight.append(entry)
        return .launched
    }

    @inlinable
    mutating func finishOldestStep<Sink: EventSink>(into sink: inout Sink) {
        let entry = inFlight.removeFirst()
        let end = entry.start + entry.cost.seconds
        // With engine-core CPU time the step's GPU work may start after requests that arrived
        // while it was being prepared: their records come first, so that times never go back
        // (they could not join this step, which was scheduled before they arrived).
        if hasStepCost { admitArrivals(upTo: entry.start, into: &sink) }
        _now = max(_now, end)
        _scheduler.updateFromOutput(of: entry.batch, into: &effects)
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
        if hasOutputCost {
            let produced = entry.batch.count - effects.noToken.count
            record.clientSeenTime = engine.clientTime(stepEnd: end, tokens: produced)
        }
        let seen = record.clientTime
        sink.consume(.step(record))
        // Arrivals during the step, in time order before its tokens.
        admitArrivals(upTo: end, into: &sink)
        for slot in effects.firstTokens {
            sink.consume(.firstToken(time: end, step: entry.step, slot: slot))
        }
        for slot in effects.finished {
            let outputs = _scheduler.request(slot).numOutput
            sink.consume(.finished(time: end, step: entry.step, slot: slot, outputTokens: outputs))
            _finishedCount += 1
            // A prefill replica's request keeps its slot and blocks until its KV is sent
            // (``releaseTransferredKV(_:)``).
            if !_scheduler.holdsFinishedKV {
                if depth > 1 { deferredRelease.append(slot) } else { _scheduler.release(slot) }
            }
            _source.requestCompleted(sessionKey: _scheduler.sessionKey(of: slot), finished: true, at: seen)
        }
        for slot in releaseNow { _scheduler.release(slot) }
        releaseNow.removeAll(keepingCapacity: true)
        spare.append(entry)
    }

    @inlinable
    mutating func fillRecord(_ entry: InFlight) {
        let b = entry.batch
        record.step = entry.step
        record.time = entry.start
        record.duration = entry.cost.seconds
        b.slotsAndTokens(into: &record.batchSlots, &record.batchTokens)
        record.setIDLists(noToken: effects.noToken, preempted: entry.carriedPreempted, finished: effects.finished)
        (record.prefillTokens, record.decodeTokens) = b.prefillTokensAndDecodes
        record.running = _scheduler.runningCount
        record.waiting = _scheduler.waitingCount
        record.kvBlocksUsed = _scheduler.kvBlocksUsed
        record.kvBlocksTotal = _scheduler.kvCacheManager.blockPool.count
        record.flops = entry.cost.flops
        record.bytes = entry.cost.bytes
    }
}

extension Simulator where Source == SyntheticSource {
    /// A simulator over the config's synthetic workload.
    public init(config: SimulatorConfig) throws(ConfigIssue) {
        try self.init(config: config, source: SyntheticSource(config))
    }
}
