/// What the HTML report plots, gathered from an event log in one pass.
///
/// Time series are downsampled into ``TimeBuckets`` (bounded memory); the TTFT and E2E
/// distributions keep one sample per finished request, as every summary does. A fleet's log
/// (schema 2) adds ``replicas``: each replica's row and its own series on the same windows.
public struct ReportData: Sendable {
    /// Series indices in ``buckets``.
    public enum Series: Int, CaseIterable, Sendable {
        case kvUsed, running, waiting, prefillTokens, decodeTokens, outputTokens, arrivals, finishes
    }

    public var name: String
    public var header: EventLogHeader
    public var end: EventLogEnd?
    public var summary: Summary
    public var buckets: TimeBuckets
    /// Sorted samples in milliseconds.
    public var ttftMs: [Double]
    public var e2eMs: [Double]
    /// A fleet's log (schema 2): the per-replica table, routes and series; nil for one node.
    public var replicas: ReplicaReport?

    /// Reads the log at `path` (`-`: standard input).
    public static func read(path: String, allowIncomplete: Bool = false, buckets capacity: Int = 400) throws(InputError) -> ReportData {
        let reader = try EventLogReader(path: path, allowIncomplete: allowIncomplete)
        let one = try reader.makeMetricsReducer()
        // One reducer per replica (a one-node log has one), so a fleet's summary is right.
        var metrics = FleetMetrics(header: reader.header, one: one)
        var tracker = RequestTracker()
        var buckets = TimeBuckets(series: Series.allCases.count, capacity: capacity)
        var ttft: [Double] = [], e2e: [Double] = []
        // A fleet: each replica's series after the fleet-wide ones, and its route records.
        let fleet = reader.isFleet
        var layout = ReplicaSeriesLayout()
        let routes = RouteCounts()
        if fleet { reader.onRoute = { _, _, replica, _ in routes.add(replica) } }
        while let event = try reader.next() {
            metrics.consume(event, replica: reader.replica)
            if let o = tracker.consume(event), o.status == .finished, metrics.roles[reader.replica] != .prefill {
                ttft.append(o.ttft * 1000)
                e2e.append(o.e2e * 1000)
            }
            switch event {
            case .warmupEnded:
                // The latency plots cover the measured window, as the summary does.
                ttft.removeAll()
                e2e.removeAll()
            case .arrival(let a):
                let i = buckets.index(a.time)
                buckets.add(series: Series.arrivals.rawValue, at: i, 1)
            case .rejected(let t, _, _, _):
                let i = buckets.index(t)
                buckets.add(series: Series.arrivals.rawValue, at: i, 1)
            case .finished(let t, _, _, _):
                let i = buckets.index(t)
                buckets.add(series: Series.finishes.rawValue, at: i, 1)
            case .step(let r):
                // A step may be longer than a window: its values count in every window it
                // overlaps, weighted by the overlap, and its output tokens are spread over them.
                let start = r.time, end = r.time + r.duration
                // A fleet: this replica's series (added at its first step).
                let replica = reader.replica
                let base = fleet ? layout.ensure(replica, in: &buckets) : 0
                let last = buckets.index(end)  // first: this may widen the windows
                let first = buckets.index(start)
                let kv = r.kvBlocksTotal > 0 ? Double(r.kvBlocksUsed) / Double(r.kvBlocksTotal) : 0
                let outputs = Double(r.batchSlots.count - r.noTokenSlots.count)
                for i in first...max(first, last) {
                    let lo = max(start, buckets.start(i)), hi = min(end, buckets.start(i) + buckets.width)
                    let overlap = r.duration > 0 ? max(hi - lo, 0) : 0
                    let share = r.duration > 0 ? overlap / r.duration : (i == first ? 1 : 0)
                    guard share > 0 || i == first else { continue }
                    buckets.add(series: Series.kvUsed.rawValue, at: i, kv * 100, weight: overlap)
                    buckets.add(series: Series.running.rawValue, at: i, Double(r.running), weight: overlap)
                    if fleet {
                        buckets.add(series: base + ReplicaReport.Metric.running.rawValue, at: i, Double(r.running), weight: overlap)
                        buckets.add(series: base + ReplicaReport.Metric.waiting.rawValue, at: i, Double(r.waiting), weight: overlap)
                        buckets.add(series: base + ReplicaReport.Metric.kvUsed.rawValue, at: i, kv * 100, weight: overlap)
                    }
                    buckets.add(series: Series.waiting.rawValue, at: i, Double(r.waiting), weight: overlap)
                    buckets.add(series: Series.prefillTokens.rawValue, at: i, Double(r.prefillTokens), weight: overlap)
                    buckets.add(series: Series.decodeTokens.rawValue, at: i, Double(r.decodeTokens), weight: overlap)
                    buckets.add(series: Series.outputTokens.rawValue, at: i, outputs * share)
                }
            default:
                break
            }
        }
        ttft.sort()
        e2e.sort()
        var replicas: ReplicaReport?
        if fleet {
            reader.onRoute = nil
            // A replica that never got a request has no events of its own.
            metrics.ensureReplicas(routes.counts.count)
            let n = metrics.replicas.count
            // The rows and coefficients of `summary --by-replica` (FleetMetrics.balance()),
            // from summaries computed once, which also give the steps.
            let summaries = metrics.replicas.map { $0.summary() }
            replicas = ReplicaReport(balance: FleetBalance(summaries, busy: metrics.replicas.map(\.busySeconds), roles: metrics.roles),
                                     steps: summaries.map(\.steps),
                                     routed: (0..<n).map { $0 < routes.counts.count ? routes.counts[$0] : 0 },
                                     layout: layout)
        }
        return ReportData(name: reader.name, header: reader.header, end: reader.end, summary: metrics.summary(),
                          buckets: buckets, ttftMs: ttft, e2eMs: e2e, replicas: replicas)
    }

    /// A series' bucket statistics, with the bucket's centre time.
    public func points(_ s: Series) -> [(t: Double, stats: BucketStats)] {
        (0..<buckets.used).map { (buckets.start($0) + buckets.width / 2, buckets.buckets[s.rawValue][$0]) }
    }

    /// A counter series as a rate per second: the bucket's sum over its width.
    public func rate(_ s: Series) -> [(x: Double, y: Double)] {
        points(s).map { ($0.t, $0.stats.sum / buckets.width) }
    }

    /// Up to `count` points of the empirical CDF of sorted samples: (value, fraction ≤ value).
    public static func cdf(_ sorted: [Double], points count: Int = 300) -> [(x: Double, y: Double)] {
        guard !sorted.isEmpty else { return [] }
        let n = sorted.count
        if n <= count { return sorted.enumerated().map { ($0.element, Double($0.offset + 1) / Double(n)) } }
        return (0...count).map { k in
            let rank = Swift.min(n - 1, Int((Double(k) / Double(count) * Double(n - 1)).rounded()))
            return (sorted[rank], Double(rank + 1) / Double(n))
        }
    }
}
