/// `diff`: two event logs compared metric by metric, request by request and step by step.
///
/// Reads one log twice and the other once, so at most one of them may be standard input:
/// the first pass reduces the reference log (A, or B when A is `-`) and keeps each finished
/// request's TTFT and E2E by id; the second pass streams the other log, matching its
/// requests against those and comparing its step records, in lockstep, with a second reader
/// of the reference log until the schedules diverge. Memory: the reference log's latency
/// samples, plus two readers' live requests.
public struct LogDiff: Sendable {
    public var a: LogSummary
    public var b: LogSummary
    /// Every summary key, in the simulator's `--json` order.
    public var metrics: [MetricDelta]
    public var requests: RequestLatencyDiff
    /// The first step where the schedules differ; nil when they never do.
    public var divergence: ScheduleDivergence?
    /// Step records compared (equal ones, plus the diverging one).
    public var stepsCompared: Int

    /// Compares the logs at `pathA` and `pathB`.
    /// - Parameters:
    ///   - top: how many of the most changed requests to list.
    /// - Throws: ``InputError`` for unreadable, malformed or incomplete logs (unless
    ///   `allowIncomplete`), or when both paths are `-`.
    public static func compute(pathA: String, pathB: String, top: Int = 10,
                               allowIncomplete: Bool = false) throws(InputError) -> LogDiff {
        guard pathA != "-" || pathB != "-" else {
            throw InputError(file: "<stdin>", "only one of the two logs can be read from standard input")
        }
        let referenceIsA = pathA != "-"
        let referencePath = referenceIsA ? pathA : pathB
        let otherPath = referenceIsA ? pathB : pathA

        // Pass 1: the reference log.
        let reference = try EventLogReader(path: referencePath, allowIncomplete: allowIncomplete)
        var referenceMetrics = try reference.makeMetricsReducer()
        var requests = RequestLatencyDiff(top: top, referenceIsA: referenceIsA)
        var tracker = RequestTracker()
        while let event = try reference.next() {
            referenceMetrics.consume(event)
            if let outcome = tracker.consume(event) { requests.addReference(outcome) }
        }
        let referenceSummary = LogSummary(header: reference.header, end: reference.end,
                                          summary: referenceMetrics.summary(), slo: nil)

        // Pass 2: the other log, with the reference log replayed alongside for its steps.
        let other = try EventLogReader(path: otherPath, allowIncomplete: allowIncomplete)
        var otherMetrics = try other.makeMetricsReducer()
        var otherTracker = RequestTracker()
        var replay: EventLogReader? = try EventLogReader(path: referencePath, allowIncomplete: allowIncomplete)
        var replayTracker = RequestTracker()
        var compared = 0
        var divergence: ScheduleDivergence?

        func named(_ r: StepRecord?, _ ids: RequestTracker) -> NamedStep? { r.map { NamedStep($0, ids: ids) } }
        func diverged(_ ref: StepRecord?, _ oth: StepRecord?, _ what: String) -> ScheduleDivergence {
            let refStep = named(ref, replayTracker), othStep = named(oth, otherTracker)
            return ScheduleDivergence(index: compared, a: referenceIsA ? refStep : othStep,
                                      b: referenceIsA ? othStep : refStep, what: what)
        }

        while let event = try other.next() {
            otherMetrics.consume(event)
            if let outcome = otherTracker.consume(event) { requests.addOther(outcome) }
            guard case .step(let step) = event, let r = replay else { continue }
            compared += 1
            var refStep: StepRecord?
            while let e = try r.next() {
                _ = replayTracker.consume(e)
                if case .step(let s) = e { refStep = s; break }
            }
            if let refStep {
                if let what = ScheduleDivergence.difference(refStep, replayTracker, step, otherTracker) {
                    divergence = diverged(refStep, step, what)
                    replay = nil
                }
            } else {
                divergence = diverged(nil, step, "length")
                replay = nil
            }
        }
        if let r = replay {
            // The other log ended: the reference log must have no step left either.
            while let e = try r.next() {
                _ = replayTracker.consume(e)
                if case .step(let s) = e {
                    compared += 1
                    divergence = diverged(s, nil, "length")
                    break
                }
            }
        }
        requests.finish()
        let otherSummary = LogSummary(header: other.header, end: other.end, summary: otherMetrics.summary(), slo: nil)
        let a = referenceIsA ? referenceSummary : otherSummary
        let b = referenceIsA ? otherSummary : referenceSummary
        return LogDiff(a: a, b: b, metrics: MetricDelta.all(a.fields, b.fields), requests: requests,
                       divergence: divergence, stepsCompared: compared)
    }
}
