/// A ``Simulator`` driven as one replica of a fleet (``ClusterSimulator``).
///
/// On its own a simulator schedules a step and, in the same call, processes its output at the
/// step's end, admitting from its source every request that arrived meanwhile; and it ends
/// its run when its source has nothing more. A replica cannot work that way: the requests
/// that reach it during a step are only known once the router has placed them, at their
/// arrival times, with the state of every replica at that time. So a replica's engine loop is
/// cut into *actions*, each at one time: schedule at ``Simulator/now`` (after the arrivals
/// up to then), or process the oldest in-flight step at its end (after the arrivals up to
/// then), or wait for its next arrival. The cluster always runs the action with the earliest
/// time. The actions are the branches of ``Simulator/advance(into:)`` in the same order, so
/// a replica behaves exactly as a one-node run over the requests routed to it.
extension Simulator {
    /// When the replica's next action happens, or nil while it waits for requests.
    /// - Parameter blocked: the replica's last scheduling attempt found nothing to run (and
    ///   nothing has changed since).
    @inlinable
    public mutating func replicaNextActionTime(blocked: Bool) -> Double? {
        guard _status == nil else { return nil }
        if !started { return _source.peekArrivalTime() }
        if inFlight.count < depth && !blocked {
            if _scheduler.hasUnfinishedRequests { return _now }
            if let next = nextAdmissionTime(), next <= _now { return _now }
        }
        if let oldest = inFlight.first { return oldest.start + oldest.cost.seconds }
        // Idle: the next arrival, but not past a client's deadline (as `advance()`).
        let deadline = requestTimeout != nil ? nextDeadline() : nil
        if let next = nextAdmissionTime() { return max(_now, deadline.map { min($0, next) } ?? next) }
        if let deadline, deadline.isFinite { return max(_now, deadline) }
        return nil
    }

    /// Runs the replica's next action (at ``replicaNextActionTime(blocked:)``).
    /// - Parameter blocked: set when a scheduling attempt found nothing to run, cleared when
    ///   a step's output or an arrival may have changed that.
    @inlinable
    public mutating func replicaAdvance<Sink: EventSink>(blocked: inout Bool, into sink: inout Sink) {
        guard _status == nil else { return }
        if !started {
            guard let first = _source.peekArrivalTime() else { return }
            guard first.isFinite else { failNonFiniteArrival(first); return }
            started = true
            _now = first
            gpuFree = first
        }
        let arrivedBefore = _arrivedCount
        admitArrivals(upTo: _now, into: &sink)
        if _arrivedCount != arrivedBefore { blocked = false }
        if requestTimeout != nil {
            let timedOutBefore = _timedOutCount
            abortTimedOut(into: &sink)
            if _timedOutCount != timedOutBefore { blocked = false }
        }
        if inFlight.count < depth && _scheduler.hasUnfinishedRequests && !blocked {
            if scheduleStep() == .nothing { blocked = true }
            return
        }
        if !inFlight.isEmpty {
            finishOldestStep(into: &sink)
            blocked = false
            return
        }
        let deadline = requestTimeout != nil ? nextDeadline() : nil
        if let next = nextAdmissionTime() {
            guard next.isFinite else { failNonFiniteArrival(next); return }
            _now = max(_now, deadline.map { min($0, next) } ?? next)
            blocked = false
        } else if let deadline, deadline.isFinite {
            _now = max(_now, deadline)
            blocked = false
        }
    }

    /// A prefill replica's finished request whose KV cache reached its decode replica at
    /// `time`: its blocks are freed. With a step in flight the replica sees them when that
    /// step's output is processed (as vLLM's scheduler learns of finished sends from a step's
    /// output), and the slot is released then; an idle replica sees them at `time`, its clock
    /// moving there.
    /// - Returns: whether the replica was idle (it may now schedule what was blocked).
    public mutating func releaseTransferredKV(_ slot: RequestSlot, at time: Double) -> Bool {
        _scheduler.freeTransferredKV(slot)
        guard inFlight.isEmpty else {
            deferredRelease.append(slot)
            return false
        }
        _scheduler.release(slot)
        _now = max(_now, time)
        return true
    }

    /// Ends a replica's run once no request will come: complete when it has nothing left,
    /// failed when requests it can never schedule remain.
    @inlinable
    public mutating func replicaEnd() {
        guard _status == nil else { return }
        _status = _scheduler.hasUnfinishedRequests ? .failed : .complete
    }

    /// Steps launched and not yet processed.
    @inlinable
    public var inFlightStepCount: Int { inFlight.count }
}
