/// The per-replica part of a fleet's HTML report (schema-2 log), keyed by replica index: each
/// replica's row and the load imbalance (the ``FleetBalance`` that `summary --by-replica`
/// prints), its steps, the `route` records naming it, and where its time series sit in the
/// report's ``TimeBuckets``.
///
/// Memory: a few numbers per replica, and `windows × 3` bucket entries per replica that ran a
/// step; no per-request state beyond the per-replica reducers the report already keeps.
public struct ReplicaReport: Sendable {
    /// The per-replica time series: each replica's step values, as the one-node charts plot
    /// them for the node.
    public enum Metric: Int, CaseIterable, Sendable {
        /// Running requests after each step.
        case running
        /// Waiting requests after each step.
        case waiting
        /// KV blocks in use over usable blocks after each step, in percent.
        case kvUsed
    }

    /// One row per replica and the coefficients of variation, exactly as `summary
    /// --by-replica` computes them.
    public var balance: FleetBalance
    /// Steps of each replica (in the measured window, as its summary counts them).
    public var steps: [Int]
    /// `route` records naming each replica (the router's decisions, warmup included).
    public var routed: [Int]
    /// Where the series are.
    public var layout: ReplicaSeriesLayout

    /// Replicas in the log (the highest replica index seen, plus one).
    public var count: Int { balance.rows.count }
}

/// Where each replica's series sit in a ``TimeBuckets``: after the fleet-wide series, three per
/// replica (``ReplicaReport/Metric``), added when the replica's first step is read so that they
/// share the fleet-wide windows. A replica that ran no step has none (its values are 0): a
/// stray high replica index costs one integer per lower index, not their series.
public struct ReplicaSeriesLayout: Sendable, Equatable {
    /// Per replica, the index of its first series, or -1 when it has none.
    private var base: [Int] = []

    public init() {}

    /// The series index of `metric` of `replica`; nil when the replica ran no step.
    public func index(_ replica: Int, _ metric: ReplicaReport.Metric) -> Int? {
        guard replica >= 0, replica < base.count, base[replica] >= 0 else { return nil }
        return base[replica] + metric.rawValue
    }

    /// The index of replica `replica`'s first series (its ``ReplicaReport/Metric`` series
    /// follow in order), added to `buckets` if it has none yet.
    public mutating func ensure(_ replica: Int, in buckets: inout TimeBuckets) -> Int {
        if let i = index(replica, .running) { return i - ReplicaReport.Metric.running.rawValue }
        while base.count <= replica { base.append(-1) }
        base[replica] = buckets.addSeries(ReplicaReport.Metric.allCases.count)
        return base[replica]
    }
}

/// `route` records per replica, counted from the reader's callback.
final class RouteCounts {
    var counts: [Int] = []
    func add(_ replica: Int) {
        guard replica >= 0 else { return }
        while counts.count <= replica { counts.append(0) }
        counts[replica] += 1
    }
}

extension ReportData {
    /// Window values of series `index` (one per window in use): the window's mean, and in a
    /// window without observations the previous window's value when `carries` (levels such as
    /// queue lengths and KV use: the node is idle and keeps them), else 0.
    public func windowValues(_ index: Int, carries: Bool) -> [Double] {
        var last = 0.0
        return (0..<buckets.used).map { i in
            let stats = buckets.buckets[index][i]
            if stats.count > 0 { last = stats.mean } else if !carries { last = 0 }
            return last
        }
    }

    /// Replica `replica`'s `metric` per window (``windowValues(_:carries:)``; 0 before its
    /// first step, and throughout for a replica that ran none).
    public func replicaValues(_ replica: Int, _ metric: ReplicaReport.Metric) -> [Double] {
        guard let index = replicas?.layout.index(replica, metric) else { return Array(repeating: 0, count: buckets.used) }
        return windowValues(index, carries: true)
    }

    /// Per window, the minimum, median and maximum of `metric` across the replicas (the
    /// median of an even count is the mean of the middle two). Empty for a one-node log.
    /// Replicas that ran no step count as zeros without being stored.
    public func replicaSpread(_ metric: ReplicaReport.Metric) -> [(min: Double, median: Double, max: Double)] {
        guard let replicas, replicas.count > 0 else { return [] }
        let series = (0..<replicas.count).compactMap { replicas.layout.index($0, metric) }.map { windowValues($0, carries: true) }
        let zeros = replicas.count - series.count
        return (0..<buckets.used).map { i in
            // The sorted values of the replicas with series, and `zeros` zeros slotted in
            // where 0 belongs.
            let v = series.map { $0[i] }.sorted()
            let p = v.firstIndex { $0 >= 0 } ?? v.count
            func rank(_ j: Int) -> Double { j < p ? v[j] : j < p + zeros ? 0 : v[j - zeros] }
            let n = replicas.count
            let median = n % 2 == 1 ? rank(n / 2) : (rank(n / 2 - 1) + rank(n / 2)) / 2
            return (rank(0), median, rank(n - 1))
        }
    }

    /// Centre times of the windows in use, in seconds since the first time seen.
    public var windowCentres: [Double] {
        (0..<buckets.used).map { buckets.start($0) + buckets.width / 2 - buckets.origin }
    }
}
