/// A step record with request ids instead of slots, for printing.
public struct NamedStep: Sendable, Equatable {
    public var step: Int
    public var time: Double
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var tokens: Int
    }
    public var batch: [Entry]
    public var preempted: [String]
    public var finished: [String]

    public init(_ r: StepRecord, ids: RequestTracker) {
        step = r.step
        time = r.time
        batch = (0..<r.batchSlots.count).map { Entry(id: ids.id(of: r.batchSlots[$0]), tokens: Int(r.batchTokens[$0])) }
        preempted = r.preemptedSlots.map(ids.id(of:))
        finished = r.finishedSlots.map(ids.id(of:))
    }
}

/// The first step where two runs scheduled differently.
public struct ScheduleDivergence: Sendable, Equatable {
    /// The ordinal of the step record (1-based) where the logs first differ.
    public var index: Int
    /// Each side's step there; nil for a log that ended before it.
    public var a: NamedStep?
    public var b: NamedStep?
    /// What differs first: `batch`, `preempted`, `finished`, or `length` (one log ended).
    public var what: String

    /// Compares two step records by request ids: batch ids and tokens in order, then the
    /// preempted ids, then the finished ids. Returns the first field that differs, or nil.
    public static func difference(_ x: StepRecord, _ xIDs: RequestTracker,
                                  _ y: StepRecord, _ yIDs: RequestTracker) -> String? {
        if x.batchSlots.count != y.batchSlots.count { return "batch" }
        for i in 0..<x.batchSlots.count {
            if x.batchTokens[i] != y.batchTokens[i] || xIDs.id(of: x.batchSlots[i]) != yIDs.id(of: y.batchSlots[i]) {
                return "batch"
            }
        }
        if !sameIDs(x.preemptedSlots, xIDs, y.preemptedSlots, yIDs) { return "preempted" }
        if !sameIDs(x.finishedSlots, xIDs, y.finishedSlots, yIDs) { return "finished" }
        return nil
    }

    private static func sameIDs(_ x: [RequestSlot], _ xIDs: RequestTracker, _ y: [RequestSlot], _ yIDs: RequestTracker) -> Bool {
        guard x.count == y.count else { return false }
        for i in 0..<x.count where xIDs.id(of: x[i]) != yIDs.id(of: y[i]) { return false }
        return true
    }
}
