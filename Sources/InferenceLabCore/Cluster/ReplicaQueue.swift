/// The request source of one replica: the requests the router has placed on it, in arrival
/// order. It is never exhausted until the cluster says no request will come
/// (``close()``); completions are kept for the cluster to pass on to the fleet's source.
public struct ReplicaQueue: RequestSource {
    var queue = RingBuffer<RequestSpec>()
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

    /// Places `spec` at the end of the queue (its arrival is not before the last one's).
    public mutating func push(_ spec: RequestSpec) { queue.append(spec) }

    /// No request will be pushed again.
    public mutating func close() { closed = true }

    /// Requests routed here that the replica has not taken yet.
    public var count: Int { queue.count }

    public mutating func peekArrivalTime() -> Double? { queue.first?.arrivalTime }
    public mutating func next() -> RequestSpec { queue.popFirst()! }
    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {
        completions.append(Completion(sessionKey: sessionKey, finished: finished, time: t))
    }
    public var isExhausted: Bool { closed && queue.isEmpty }

    /// Forgets the completions passed on.
    public mutating func clearCompletions() { completions.removeAll(keepingCapacity: true) }
}
