/// What one `schedule()` call decided: vLLM's `SchedulerOutput`, reduced to what the
/// simulator needs. Buffers are reused from step to step.
public struct ScheduledBatch: Sendable {
    /// One scheduled request.
    public struct Entry: Sendable, BitwiseCopyable {
        /// The request's serial at scheduling time (a slot may be reused before the output of
        /// an in-flight step is processed).
        var serial: UInt64
        public var slot: RequestSlot
        /// Tokens scheduled.
        public var tokens: Int32
        /// Tokens in the KV cache before the step (prefix hits included).
        public var context: Int32
        /// Whether the entry reaches the end of the request's known tokens and so samples one.
        public var samples: Bool
        /// Whether the entry is a decode: one token fed back after the whole prompt.
        public var isDecode: Bool
    }

    /// Scheduled requests in vLLM's order: running first, then admitted from waiting.
    private var entries = RowTable<Entry>(capacity: 64)
    /// Requests preempted while building the batch, in order.
    public var preempted: [RequestSlot] = []
    /// Prefix-cache hits found at (re)admission: slot, tokens, and whether it was a resume.
    public var cacheHits: [(slot: RequestSlot, tokens: Int, resumed: Bool)] = []

    public init() {}

    /// Number of scheduled requests.
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.count == 0 }

    /// The entry at `index` (0 ..< count).
    public subscript(index: Int) -> Entry { entries[index] }

    /// Replaces `chunks` with the batch's (context, tokens) pairs, for the step-time model.
    public func chunks(into chunks: inout [ScheduledChunk]) {
        entries.map(into: &chunks, filler: ScheduledChunk(context: 0, tokens: 0)) {
            ScheduledChunk(context: Int($0.context), tokens: Int($0.tokens))
        }
    }

    /// Replaces `slots` and `tokens` with the batch's slots and token counts.
    public func slotsAndTokens(into slots: inout [RequestSlot], _ tokens: inout [Int32]) {
        entries.map(into: &slots, filler: 0) { $0.slot }
        entries.map(into: &tokens, filler: 0) { $0.tokens }
    }

    /// Tokens of the entries that are not decodes (prefill chunks), and the number of decode
    /// entries (one token fed back after the whole prompt), in one pass.
    public var prefillTokensAndDecodes: (prefillTokens: Int, decodes: Int) {
        var prefill = 0, decodes = 0
        for e in 0..<count {
            if entries[e].isDecode { decodes += 1 } else { prefill += Int(entries[e].tokens) }
        }
        return (prefill, decodes)
    }

    public var totalTokens: Int {
        var n = 0
        for e in 0..<count { n += Int(entries[e].tokens) }
        return n
    }

    mutating func reset() {
        entries.removeAll()
        preempted.removeAll(keepingCapacity: true)
        cacheHits.removeAll(keepingCapacity: true)
    }

    mutating func append(slot: RequestSlot, serial: UInt64, tokens n: Int, context: Int) {
        entries.append(Entry(serial: serial, slot: slot, tokens: Int32(n), context: Int32(context),
                             samples: false, isDecode: false))
    }

    /// Lets `update` change every entry, in order (the scheduler's final word on each: whether
    /// it samples, whether it is a decode; docs/scheduler.md §4.5).
    @inline(__always)
    mutating func updateEntries(_ update: (inout Entry) -> Void) {
        let rows = entries.mutableRows()
        for index in 0..<rows.count { update(&rows[index]) }
    }

    /// Removes the entry of `slot` (a priority victim that was already scheduled); returns its
    /// tokens.
    mutating func remove(slot: RequestSlot) -> Int? {
        var i = 0
        while i < count && entries[i].slot != slot { i += 1 }
        guard i < count else { return nil }
        let n = Int(entries[i].tokens)
        entries.remove(at: i)
        return n
    }
}
