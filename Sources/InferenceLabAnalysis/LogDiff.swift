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
    /// Whether either log is a fleet's (schema 2): then routing decisions are compared.
    public var isFleet = false
    /// The first request routed differently (another request, or another replica, at the same
    /// position in routing order); nil when the routes agree.
    public var routeDivergence: RouteDivergence? = nil
    /// Routing decisions compared.
    public var routesCompared = 0

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
        let oneA = try readerA.makeMetricsReducer(), oneB = try readerB.makeMetricsReducer()
        // One reducer per replica (a one-node log has one).
        var metricsA = FleetMetrics(header: readerA.header, one: oneA)
        var metricsB = FleetMetrics(header: readerB.header, one: oneB)
        let routesA = RouteQueue(), routesB = RouteQueue()
        readerA.onRoute = { _, id, replica, _ in routesA.items.append((id, replica)) }
        readerB.onRoute = { _, id, replica, _ in routesB.items.append((id, replica)) }
        var routesCompared = 0
        var routeDivergence: RouteDivergence?
        func compareRoutes(final: Bool) {
            let n = min(routesA.items.count - routesA.head, routesB.items.count - routesB.head)
            for _ in 0..<n {
                let a = routesA.items[routesA.head], b = routesB.items[routesB.head]
                routesA.head += 1; routesB.head += 1
                routesCompared += 1
                if routeDivergence == nil && (a.0 != b.0 || a.1 != b.1) {
                    routeDivergence = RouteDivergence(index: routesCompared, a: a, b: b)
                }
            }
            routesA.compact(); routesB.compact()
            if final && routeDivergence == nil {
                let a = routesA.head < routesA.items.count ? routesA.items[routesA.head] : nil
                let b = routesB.head < routesB.items.count ? routesB.items[routesB.head] : nil
                if a != nil || b != nil { routeDivergence = RouteDivergence(index: routesCompared + 1, a: a, b: b) }
            }
        }
        var requests = RequestLatencyDiff(top: top)
        var trackerA = RequestTracker(), trackerB = RequestTracker()
        var compared = 0
        var divergence: ScheduleDivergence?

        /// Reads `reader` up to and including its next step record (nil at its end).
        func nextStep(_ reader: EventLogReader, _ metrics: inout FleetMetrics, _ tracker: inout RequestTracker,
                      isA: Bool) throws(InputError) -> StepRecord? {
            while let event = try reader.next() {
                metrics.consume(event, replica: reader.replica)
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
            compareRoutes(final: false)
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
        compareRoutes(final: true)
        let a = LogSummary(header: readerA.header, end: readerA.end, summary: metricsA.summary(), slo: nil)
        let b = LogSummary(header: readerB.header, end: readerB.end, summary: metricsB.summary(), slo: nil)
        return LogDiff(a: a, b: b, metrics: MetricDelta.all(a.fields, b.fields), requests: requests,
                       divergence: divergence, stepsCompared: compared, isFleet: readerA.isFleet || readerB.isFleet,
                       routeDivergence: routeDivergence, routesCompared: routesCompared)
    }
}

/// The first routing decision where two fleet logs differ.
public struct RouteDivergence: Sendable, Equatable {
    /// 1-based position in routing order.
    public var index: Int
    /// Each log's decision there (request id, replica); nil when that log has no more.
    public var aID: String?, aReplica: Int?
    public var bID: String?, bReplica: Int?

    init(index: Int, a: (String, Int)?, b: (String, Int)?) {
        self.index = index
        aID = a?.0; aReplica = a?.1
        bID = b?.0; bReplica = b?.1
    }

    /// `request 'x' → replica 3` or `no more routes`.
    static func text(_ id: String?, _ replica: Int?) -> String {
        guard let id, let replica else { return "no more routes" }
        return "request '\(id)' → replica \(replica)"
    }
}

/// Routing decisions read and not yet compared.
final class RouteQueue {
    var items: [(String, Int)] = []
    var head = 0
    func compact() {
        if head > 4096 && head * 2 > items.count { items.removeFirst(head); head = 0 }
    }
}
