/// A request's scheduler state (vLLM's `v1/request.py`, the parts that matter here).
public struct Request: Sendable {
    /// Where a request is in its life.
    public enum Status: Sendable { case waiting, running, preempted, finished }

    public var id: String
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
    /// Trace prefix identity, one hash per `prefixHashBlockSize` prompt tokens.
    public var prefixHashes: [UInt64]
    /// Chained hashes of the full blocks of prompt + outputs computed so far.
    public var blockHashes: [UInt64] = []
    /// KV block table: entry i holds tokens [i·bs, (i+1)·bs).
    public var blocks: [Int32] = []
    /// Leading blocks already registered in the prefix cache.
    public var numCachedBlocks: Int = 0
    /// Whether the first token was produced (for the event log).
    public var producedFirstToken = false
    /// Prefix-cache tokens found at the first admission.
    public var firstAdmissionHit: Int? = nil

    /// Prompt plus outputs so far.
    @inline(__always) public var numTokens: Int { promptTokens + numOutput }
}
