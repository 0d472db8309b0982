/// A request's scheduler state (vLLM's `v1/request.py`, the parts that matter here).
///
/// Plain values only, so reading one is a copy of a few words; the request's id and its
/// variable-length state (block table, block hashes, trace prefix hashes) live in parallel
/// arrays of the ``Scheduler``.
public struct Request: Sendable, BitwiseCopyable {
    /// Where a request is in its life.
    public enum Status: UInt8, Sendable, BitwiseCopyable { case waiting, running, preempted, finished }

    // Counters are stored as Int32 (every one is bounded by `max_model_len` or by the number
    // of preemptions; traces bound priorities to Int32, and the initializer clamps), so a row
    // is 64 bytes: one cache line instead of two for each request the step loops touch. The
    // public properties are Ints.

    /// Unique in the run (arrival order); seeds the hashes of the request's private blocks.
    public var serial: UInt64
    public var arrivalTime: Double
    private var rank: Int32
    private var prompt: Int32
    private var max: Int32
    private var computed: Int32 = 0
    private var output: Int32 = 0
    private var placeholderCount: Int32 = 0
    private var inFlight: Int32 = 0
    private var staleOutput: Int32 = 0
    private var preemptions: Int32 = 0
    private var cachedBlocks: Int32 = 0
    private var blocks: Int32 = 0
    public var status: Status = .waiting
    /// Whether this step's chunk stops short of the request's known tokens.
    public var isPrefillChunk: Bool = false

    /// Lower is more urgent (vLLM's priority policy).
    public var priority: Int {
        @inline(__always) get { Int(rank) }
        @inline(__always) set { rank = Int32(clamping: newValue) }
    }
    public var promptTokens: Int {
        @inline(__always) get { Int(prompt) }
        @inline(__always) set { prompt = Int32(truncatingIfNeeded: newValue) }
    }
    /// vLLM's `max_tokens`.
    public var maxTokens: Int {
        @inline(__always) get { Int(max) }
        @inline(__always) set { max = Int32(truncatingIfNeeded: newValue) }
    }
    /// KV written or scheduled to be written (advanced at schedule time).
    public var numComputed: Int {
        @inline(__always) get { Int(computed) }
        @inline(__always) set { computed = Int32(truncatingIfNeeded: newValue) }
    }
    /// Output tokens produced so far.
    public var numOutput: Int {
        @inline(__always) get { Int(output) }
        @inline(__always) set { output = Int32(truncatingIfNeeded: newValue) }
    }
    /// Async scheduling: sampled tokens in flight.
    public var placeholders: Int {
        @inline(__always) get { Int(placeholderCount) }
        @inline(__always) set { placeholderCount = Int32(truncatingIfNeeded: newValue) }
    }
    /// Async scheduling: tokens scheduled whose output has not been processed yet.
    public var inFlightTokens: Int {
        @inline(__always) get { Int(inFlight) }
        @inline(__always) set { inFlight = Int32(truncatingIfNeeded: newValue) }
    }
    /// Async scheduling: in-flight tokens that belong to a preempted incarnation.
    public var staleOutputTokens: Int {
        @inline(__always) get { Int(staleOutput) }
        @inline(__always) set { staleOutput = Int32(truncatingIfNeeded: newValue) }
    }
    public var numPreemptions: Int {
        @inline(__always) get { Int(preemptions) }
        @inline(__always) set { preemptions = Int32(truncatingIfNeeded: newValue) }
    }
    /// Leading blocks already registered in the prefix cache.
    public var numCachedBlocks: Int {
        @inline(__always) get { Int(cachedBlocks) }
        @inline(__always) set { cachedBlocks = Int32(truncatingIfNeeded: newValue) }
    }

    /// Length of the request's KV block table (kept here so that the step loop need not touch
    /// the table itself when no block is added).
    public var numBlocks: Int {
        @inline(__always) get { Int(blocks) }
        @inline(__always) set { blocks = Int32(truncatingIfNeeded: newValue) }
    }

    public init(serial: UInt64, arrivalTime: Double, promptTokens: Int, maxTokens: Int, priority: Int) {
        self.serial = serial
        self.arrivalTime = arrivalTime
        rank = Int32(clamping: priority)
        prompt = Int32(truncatingIfNeeded: promptTokens)
        max = Int32(truncatingIfNeeded: maxTokens)
    }

    /// Prompt plus outputs so far.
    @inline(__always) public var numTokens: Int { Int(prompt) + Int(output) }
}
