/// Per-request latency changes between two runs of the same requests, matched by id.
///
/// The logs may be fed in any interleaving (``LogDiff`` reads them in lockstep): a request
/// finished in one log waits, by id, until it finishes in the other. Memory: one (TTFT, E2E)
/// pair per request finished in one log and not yet in the other, and the `top` most
/// changed requests.
public struct RequestLatencyDiff: Sendable {
    /// One request's TTFT and E2E in both runs (seconds).
    public struct Change: Sendable, Equatable {
        public var id: String
        public var ttftA: Double, ttftB: Double
        public var e2eA: Double, e2eB: Double
        public var ttftDelta: Double { ttftB - ttftA }
        public var e2eDelta: Double { e2eB - e2eA }
    }

    /// Requests finished in both logs.
    public private(set) var matched = 0
    /// Requests finished in only one of the logs.
    public private(set) var onlyInA = 0
    public private(set) var onlyInB = 0
    /// Matched requests whose E2E grew, shrank, stayed exactly equal.
    public private(set) var slower = 0
    public private(set) var faster = 0
    public private(set) var unchanged = 0
    private var ttftDeltaSum = 0.0
    private var e2eDeltaSum = 0.0
    /// The most changed requests by |ΔE2E| (then |ΔTTFT|, then id), largest first.
    public private(set) var top: [Change] = []
    public let topCount: Int

    /// The latencies of the reference log's requests not yet finished in the other, by id.
    private var reference: [String: (ttft: Double, e2e: Double)] = [:]
    /// The latencies of the other log's requests not yet finished in the reference log.
    private var other: [String: (ttft: Double, e2e: Double)] = [:]
    /// Whether the reference log is A (deltas are always B − A).
    private let referenceIsA: Bool

    public init(top: Int, referenceIsA: Bool = true) {
        topCount = max(top, 0)
        self.referenceIsA = referenceIsA
    }

    /// Mean TTFT and E2E change over matched requests (seconds).
    public var meanTTFTDelta: Double { matched > 0 ? ttftDeltaSum / Double(matched) : 0 }
    public var meanE2EDelta: Double { matched > 0 ? e2eDeltaSum / Double(matched) : 0 }

    /// Records a finished request of the reference log.
    public mutating func addReference(_ r: RequestOutcome) {
        guard r.status == .finished else { return }
        guard let oth = other.removeValue(forKey: r.id) else {
            reference[r.id] = (r.ttft, r.e2e)
            return
        }
        match(id: r.id, ref: (r.ttft, r.e2e), oth: oth)
    }

    /// Records a finished request of the other log.
    public mutating func addOther(_ r: RequestOutcome) {
        guard r.status == .finished else { return }
        guard let ref = reference.removeValue(forKey: r.id) else {
            other[r.id] = (r.ttft, r.e2e)
            return
        }
        match(id: r.id, ref: ref, oth: (r.ttft, r.e2e))
    }

    private mutating func match(id: String, ref: (ttft: Double, e2e: Double), oth r: (ttft: Double, e2e: Double)) {
        let c = referenceIsA
            ? Change(id: id, ttftA: ref.ttft, ttftB: r.ttft, e2eA: ref.e2e, e2eB: r.e2e)
            : Change(id: id, ttftA: r.ttft, ttftB: ref.ttft, e2eA: r.e2e, e2eB: ref.e2e)
        matched += 1
        ttftDeltaSum += c.ttftDelta
        e2eDeltaSum += c.e2eDelta
        if c.e2eDelta > 0 { slower += 1 } else if c.e2eDelta < 0 { faster += 1 } else { unchanged += 1 }
        insertTop(c)
    }

    /// Counts the requests only one log finished; call once at the end.
    public mutating func finish() {
        if referenceIsA { onlyInA += reference.count; onlyInB += other.count } else { onlyInB += reference.count; onlyInA += other.count }
        reference.removeAll()
        other.removeAll()
    }

    private static func ranksBefore(_ x: Change, _ y: Change) -> Bool {
        let ex = abs(x.e2eDelta), ey = abs(y.e2eDelta)
        if ex != ey { return ex > ey }
        let tx = abs(x.ttftDelta), ty = abs(y.ttftDelta)
        if tx != ty { return tx > ty }
        return x.id < y.id
    }

    private mutating func insertTop(_ c: Change) {
        guard topCount > 0, c.e2eDelta != 0 || c.ttftDelta != 0 else { return }
        if top.count == topCount, let last = top.last, !Self.ranksBefore(c, last) { return }
        var lo = 0, hi = top.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.ranksBefore(top[mid], c) { lo = mid + 1 } else { hi = mid }
        }
        top.insert(c, at: lo)
        if top.count > topCount { top.removeLast() }
    }
}
