/// What one `schedule()` call decided: vLLM's `SchedulerOutput`, reduced to what the
/// simulator needs. Buffers are reused from step to step.
public struct ScheduledBatch: Sendable {
    /// Scheduled requests in vLLM's order: running first, then admitted from waiting.
    public var slots: [RequestSlot] = []
    /// The request's serial at scheduling time (a slot may be reused before the output of an
    /// in-flight step is processed).
    var serials: [UInt64] = []
    /// Tokens scheduled per entry.
    public var tokens: [Int32] = []
    /// Tokens in the KV cache before the step, per entry (prefix hits included).
    public var contexts: [Int32] = []
    /// Whether the entry reaches the end of the request's known tokens and so samples one.
    public var samples: [Bool] = []
    /// Requests preempted while building the batch, in order.
    public var preempted: [RequestSlot] = []
    /// Prefix-cache hits found at (re)admission: slot, tokens, and whether it was a resume.
    public var cacheHits: [(slot: RequestSlot, tokens: Int, resumed: Bool)] = []

    public init() {}

    public var isEmpty: Bool { slots.isEmpty }
    public var totalTokens: Int {
        var n = 0
        for t in tokens { n += Int(t) }
        return n
    }

    mutating func reset() {
        slots.removeAll(keepingCapacity: true)
        serials.removeAll(keepingCapacity: true)
        tokens.removeAll(keepingCapacity: true)
        contexts.removeAll(keepingCapacity: true)
        samples.removeAll(keepingCapacity: true)
        preempted.removeAll(keepingCapacity: true)
        cacheHits.removeAll(keepingCapacity: true)
    }

    mutating func append(slot: RequestSlot, serial: UInt64, tokens n: Int, context: Int) {
        slots.append(slot)
        serials.append(serial)
        tokens.append(Int32(n))
        contexts.append(Int32(context))
        samples.append(false)
    }

    /// Removes the entry of `slot` (a priority victim that was already scheduled); returns its
    /// tokens.
    mutating func remove(slot: RequestSlot) -> Int? {
        guard let i = slots.firstIndex(of: slot) else { return nil }
        slots.remove(at: i)
        serials.remove(at: i)
        contexts.remove(at: i)
        samples.remove(at: i)
        return Int(tokens.remove(at: i))
    }
}
