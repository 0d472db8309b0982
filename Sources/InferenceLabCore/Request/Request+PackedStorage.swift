// Speed only: the counters are stored as Int32, so a `Request` row is 64 bytes (one cache
// line instead of two for each request the step loops touch); the properties are Ints.

extension Request {
    /// The stored counters. Each is bounded by `max_model_len` or by the number of
    /// preemptions; traces bound priorities to Int32, and the initializer clamps.
    struct PackedCounters: Sendable, BitwiseCopyable {
        var priority: Int32
        var promptTokens: Int32
        var maxTokens: Int32
        var numComputed: Int32 = 0
        var numOutput: Int32 = 0
        var placeholders: Int32 = 0
        var inFlightTokens: Int32 = 0
        var staleOutputTokens: Int32 = 0
        var numPreemptions: Int32 = 0
        var numCachedBlocks: Int32 = 0
        var numBlocks: Int32 = 0

        init(priority: Int, promptTokens: Int, maxTokens: Int) {
            self.priority = Int32(clamping: priority)
            self.promptTokens = Int32(truncatingIfNeeded: promptTokens)
            self.maxTokens = Int32(truncatingIfNeeded: maxTokens)
        }
    }

    /// Lower is more urgent (vLLM's priority policy).
    public var priority: Int {
        get { Int(counters.priority) }
        set { counters.priority = Int32(clamping: newValue) }
    }
    public var promptTokens: Int {
        get { Int(counters.promptTokens) }
        set { counters.promptTokens = Int32(truncatingIfNeeded: newValue) }
    }
    /// vLLM's `max_tokens`.
    public var maxTokens: Int {
        get { Int(counters.maxTokens) }
        set { counters.maxTokens = Int32(truncatingIfNeeded: newValue) }
    }
    /// KV written or scheduled to be written (advanced at schedule time).
    public var numComputed: Int {
        get { Int(counters.numComputed) }
        set { counters.numComputed = Int32(truncatingIfNeeded: newValue) }
    }
    /// Output tokens produced so far.
    public var numOutput: Int {
        get { Int(counters.numOutput) }
        set { counters.numOutput = Int32(truncatingIfNeeded: newValue) }
    }
    /// Async scheduling: sampled tokens in flight.
    public var placeholders: Int {
        get { Int(counters.placeholders) }
        set { counters.placeholders = Int32(truncatingIfNeeded: newValue) }
    }
    /// Async scheduling: tokens scheduled whose output has not been processed yet.
    public var inFlightTokens: Int {
        get { Int(counters.inFlightTokens) }
        set { counters.inFlightTokens = Int32(truncatingIfNeeded: newValue) }
    }
    /// Async scheduling: in-flight tokens that belong to a preempted incarnation.
    public var staleOutputTokens: Int {
        get { Int(counters.staleOutputTokens) }
        set { counters.staleOutputTokens = Int32(truncatingIfNeeded: newValue) }
    }
    public var numPreemptions: Int {
        get { Int(counters.numPreemptions) }
        set { counters.numPreemptions = Int32(truncatingIfNeeded: newValue) }
    }
    /// Leading blocks already registered in the prefix cache (kept by the
    /// ``KVCacheManager``).
    public var numCachedBlocks: Int {
        get { Int(counters.numCachedBlocks) }
        set { counters.numCachedBlocks = Int32(truncatingIfNeeded: newValue) }
    }
    /// Length of the request's KV block table (kept by the ``KVCacheManager``, here so that
    /// the step loop need not touch the table itself when no block is added).
    public var numBlocks: Int {
        get { Int(counters.numBlocks) }
        set { counters.numBlocks = Int32(truncatingIfNeeded: newValue) }
    }
}
