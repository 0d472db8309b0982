/// A request's scheduler state (vLLM's `v1/request.py`, the parts that matter here).
///
/// Plain values only, so reading one is a copy of a few words; the request's id and its
/// variable-length state (block table, block hashes, trace prefix hashes) live in parallel
/// arrays of the ``Scheduler``.
public struct Request: Sendable {
    /// Where a request is in its life.
    public enum Status: Sendable { case waiting, running, preempted, finished }

    /// Unique in the run (arrival order); seeds the hashes of the request's private blocks.
    public var serial: UInt64
    public var arrivalTime: Double
    public var promptTokens: Int
    /// vLLM's `max_tokens`.
    public var maxTokens: Int
    public var priority: Int
    public var status: Status = .waiting
    /// KV written or scheduled to be written (advanced at schedule time).
    public var numComputed: Int = 0
    /// Output tokens produced so far.
    public var numOutput: Int = 0
    /// Async scheduling: sampled tokens in flight.
    public var placeholders: Int = 0
    /// Async scheduling: tokens scheduled whose output has not been processed yet.
    public var inFlightTokens: Int = 0
    /// Async scheduling: in-flight tokens that belong to a preempted incarnation.
    public var staleOutputTokens: Int = 0
    public var numPreemptions: Int = 0
    /// Whether this step's chunk stops short of the request's known tokens.
    public var isPrefillChunk: Bool = false
    /// Leading blocks already registered in the prefix cache.
    public var numCachedBlocks: Int = 0

    public init(serial: UInt64, arrivalTime: Double, promptTokens: Int, maxTokens: Int, priority: Int) {
        self.serial = serial
        self.arrivalTime = arrivalTime
        self.promptTokens = promptTokens
        self.maxTokens = maxTokens
        self.priority = priority
    }

    /// Prompt plus outputs so far.
    @inline(__always) public var numTokens: Int { promptTokens + numOutput }
}
