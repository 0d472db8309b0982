/// The request source of one replica: the requests the router has placed on it, in the order
/// they reach it. It is never exhausted until the cluster says no request will come
/// (``close()``); completions are kept for the cluster to pass on to the fleet's source.
///
/// A request reaches a replica at its arrival, or, for the decode phase of a disaggregated
/// request, when its KV cache has arrived (``push(_:at:)``); the spec keeps the client's
/// arrival time, from which its latencies are measured.
public struct ReplicaQueue: RequestSource {
    /// The queued requests, each with when it reaches the replica.
    var queue = RingBuffer<(spec: RequestSpec, time: Double)>()
    var closed = false
    /// A request that left the replica: its session (if any), whether it finished (or was
    /// refused or timed out), and when.
    public struct Completion: Sendable, Equatable {
        public var sessionKey: UInt64?
        public var finished: Bool
        public var time: Double
    }
    /// The completions (finished, rejected or timed-out requests) not yet passed on.
    public internal(set) var completions: [Completion] = []

    public init() {}

    /// Places `spec` at the end of the queue, reaching the replica at its arrival time (not
    /// before the last one's).
    public mutating func push(_ spec: RequestSpec) { push(spec, at: spec.arrivalTime) }

    /// Places `spec` at the end of the queue, reaching the replica at `time` (not before the
    /// last one's).
    public mutating func push(_ spec: RequestSpec, at time: Double) {
        queue.append((spec, time))
    }

    /// No request will be pushed again.
    public mutating func close() { closed = true }

    /// Requests routed here that the replica has not taken yet.
    public var count: Int { queue.count }

    public mutating func peekArrivalTime() -> Double? { queue.first?.time }
    public mutating func next() -> RequestSpec { queue.popFirst()!.spec }
    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {
        completions.append(Completion(sessionKey: sessionKey, finished: finished, time: t))
    }
    public var isExhausted: Bool { closed && queue.isEmpty }

    /// Forgets the completions passed on.
    public mutating func clearCompletions() { completions.removeAll(keepingCapacity: true) }
}
