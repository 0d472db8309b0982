/// Follows each request through the event stream and hands back its ``RequestOutcome`` when
/// it finishes, is rejected or times out.
///
/// State lives in arrays indexed by the reader's slots, so memory is bounded by the number of
/// live requests, whatever the length of the log. The tracker also answers which request id a
/// slot currently holds (``id(of:)``), which the step comparison of `diff` uses.
///
/// Times are the client's, as the summary's: the send time of an arrival and the time the
/// client sees a step's tokens (the same as the engine's without an `[engine]` model).
public struct RequestTracker {
    private var ids: [String] = []
    private var live: [Bool] = []
    private var arrival: [Double] = []
    private var engineArrival: [Double] = []
    private var lastStep = 0
    private var lastStepClientTime = 0.0
    private var firstScheduled: [Double] = []
    private var firstToken: [Double] = []
    private var promptTokens: [Int] = []
    private var requestedOutputs: [Int] = []
    private var preemptions: [Int] = []
    private var cached: [Int] = []

    public init() {}

    /// The id of the request that last arrived in `slot` ("" for a slot never used).
    public func id(of slot: RequestSlot) -> String {
        let s = Int(slot)
        return s >= 0 && s < ids.count ? ids[s] : ""
    }

    private mutating func ensure(_ s: Int) {
        while ids.count <= s {
            ids.append(""); live.append(false); arrival.append(.nan); engineArrival.append(.nan); firstScheduled.append(.nan)
            firstToken.append(.nan); promptTokens.append(0); requestedOutputs.append(0)
            preemptions.append(0); cached.append(0)
        }
    }

    /// Consumes one event; returns the outcome of a request that finished or was rejected by it.
    public mutating func consume(_ event: SimulationEvent) -> RequestOutcome? {
        switch event {
        case .arrival(let a):
            let s = Int(a.slot)
            ensure(s)
            ids[s] = a.id
            live[s] = true
            arrival[s] = a.clientTime
            engineArrival[s] = a.time
            firstScheduled[s] = .nan
            firstToken[s] = .nan
            promptTokens[s] = a.promptTokens
            requestedOutputs[s] = a.outputTokens
            preemptions[s] = 0
            cached[s] = 0
            return nil
        case .rejected(let t, _, let id, let reason):
            return RequestOutcome(id: id, status: .rejected(reason), arrival: t)
        case .cacheHit(_, _, let slot, let tokens, let resumed):
            if !resumed { cached[Int(slot)] += tokens }
            return nil
        case .step(let r):
            lastStep = r.step
            lastStepClientTime = r.clientTime
            for slot in r.batchSlots {
                let s = Int(slot)
                if live[s] && firstScheduled[s].isNaN { firstScheduled[s] = r.time }
            }
            return nil
        case .firstToken(let engineTime, let step, let slot):
            let t = step == lastStep ? lastStepClientTime : engineTime
            let s = Int(slot)
            if firstToken[s].isNaN { firstToken[s] = t }
            return nil
        case .preempted(_, _, let slot):
            preemptions[Int(slot)] += 1
            return nil
        case .timedOut(_, let slot):
            let s = Int(slot)
            live[s] = false
            return outcome(s, status: .timedOut)
        case .warmupEnded:
            // Requests before it (all gone by now) were warmup; callers that aggregate
            // outcomes start afresh here, as the summary does.
            return nil
        case .finished(let engineTime, let step, let slot, let outputs):
            let t = step == lastStep ? lastStepClientTime : engineTime
            let s = Int(slot)
            live[s] = false
            var o = outcome(s, status: .finished)
            o.finish = t
            o.outputTokens = outputs
            return o
        }
    }

    private func outcome(_ s: Int, status: RequestStatus) -> RequestOutcome {
        var o = RequestOutcome(id: ids[s], status: status, arrival: arrival[s])
        o.firstScheduled = firstScheduled[s]
        o.engineArrival = engineArrival[s]
        o.firstToken = firstToken[s]
        o.promptTokens = promptTokens[s]
        o.outputTokens = requestedOutputs[s]
        o.preemptions = preemptions[s]
        o.cachedTokens = cached[s]
        return o
    }

    /// Requests still live (arrived, not finished), in slot order: what an incomplete log
    /// leaves behind.
    public func unfinished() -> [RequestOutcome] {
        unfinishedSlots().map { outcome(Int($0), status: .unfinished) }
    }

    /// The slots of ``unfinished()``'s requests, in the same order.
    public func unfinishedSlots() -> [RequestSlot] {
        ids.indices.filter { live[$0] }.map { RequestSlot($0) }
    }
}
