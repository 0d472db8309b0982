/// `diff`: two event logs compared metric by metric, request by request and step by step.
///
/// Reads each log once, so either may be a pipe (`<(zcat a.jsonl.gz)`) or standard input:
/// both are streamed in lockstep, one step record at a time, each reduced by its own
/// ``MetricsReducer`` while the step records are compared until the schedules diverge.
/// Finished requests are matched by id as they come; memory: the latency samples, plus the
/// requests finished in one log and not yet in the other, plus two readers' live requests.
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
        let readerA = try EventLogReader(path: pathA, allowIncomplete: allowIncomplete)
        let readerB = try EventLogReader(path: pathB, allowIncomplete: allowIncomplete)
        var metricsA = try readerA.makeMetricsReducer()
        var metricsB = try readerB.makeMetricsReducer()
        var requests = RequestLatencyDiff(top: top)
        var trackerA = RequestTracker(), trackerB = RequestTracker()
        var compared = 0
        var divergence: ScheduleDivergence?

        /// Reads `reader` up to and including its next step record (nil at its end).
        func nextStep(_ reader: EventLogReader, _ metrics: inout MetricsReducer, _ tracker: inout RequestTracker,
                      isA: Bool) throws(InputError) -> StepRecord? {
            while let event = try reader.next() {
                metrics.consume(event)
                if let outcome = tracker.consume(event) {
                    if isA { requests.addReference(outcome) } else { requests.addOther(outcome) }
                }
                if case .step(let step) = event { return step }
            }
            return nil
        }

        while true {
            let stepA = try nextStep(readerA, &metricsA, &trackerA, isA: true)
            let stepB = try nextStep(readerB, &metricsB, &trackerB, isA: false)
            if stepA == nil && stepB == nil { break }
            guard divergence == nil else { continue }
            compared += 1
            let what: String?
            if let stepA, let stepB {
                what = ScheduleDivergence.difference(stepA, trackerA, stepB, trackerB)
            } else {
                what = "length"
            }
            if let what {
                divergence = ScheduleDivergence(index: compared, a: stepA.map { NamedStep($0, ids: trackerA) },
                                                b: stepB.map { NamedStep($0, ids: trackerB) }, what: what)
            }
        }
        requests.finish()
        let a = LogSummary(header: readerA.header, end: readerA.end, summary: metricsA.summary(), slo: nil)
        let b = LogSummary(header: readerB.header, end: readerB.end, summary: metricsB.summary(), slo: nil)
        return LogDiff(a: a, b: b, metrics: MetricDelta.all(a.fields, b.fields), requests: requests,
                       divergence: divergence, stepsCompared: compared)
    }
}
