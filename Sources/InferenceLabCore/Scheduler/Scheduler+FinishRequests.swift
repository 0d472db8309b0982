/// Requests finished from outside the scheduler: vLLM's `Scheduler.finish_requests` with
/// `RequestStatus.FINISHED_ABORTED` (docs/scheduler.md §7.4), which the engine core calls
/// between steps when the API server aborts a request (a client that disconnected or timed
/// out).
extension Scheduler {
    /// Whether the request in `slot` is still waiting or running (not finished), and is the
    /// request with `serial` (a slot is reused once its request has gone).
    public func isUnfinished(_ slot: RequestSlot, serial: UInt64) -> Bool {
        let s = Int(slot)
        guard s < requests.count else { return false }
        let request = requests[s]
        return request.serial == serial && request.status != .finished
    }

    /// Aborts the unfinished request in `slot` (vLLM's `finish_requests(ids,
    /// FINISHED_ABORTED)`): removes it from the running list or the waiting queue, frees its
    /// KV blocks (those it completed stay in the prefix cache, as for any finish) and marks it
    /// finished. A step still in flight that names it produces no token for it (§6 step 1).
    /// The caller releases its slot (``release(_:)``) once no in-flight step names it.
    /// - Precondition: the request is unfinished.
    public mutating func abort(_ slot: RequestSlot) {
        let s = Int(slot)
        let rows = requests.mutableRows()
        precondition(rows[s].status != .finished, "abort of a finished request")
        if rows[s].status == .running {
            if let index = running.firstIndex(of: slot) { running.remove(at: index) }
        } else {
            waiting.remove(slot)
        }
        rows[s].status = .finished
        kvCacheManager.free(&rows[s], slot: slot, preempted: false)
        #if SCHEDULER_INVARIANTS
        assertInvariants(lastBatch: nil)
        #endif
    }
}
