/// The per-replica part of a fleet's HTML report (schema-2 log), keyed by replica index: each
/// replica's row and the load imbalance (the ``FleetBalance`` that `summary --by-replica`
/// prints), its steps, the `route` records naming it, and where its time series sit in the
/// report's ``TimeBuckets``.
///
/// Memory: a few numbers per replica, and `windows × replicas × 3` bucket entries for the
/// series; no per-request state beyond the per-replica reducers the report already keeps.
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
/// replica (``ReplicaReport/Metric``), added as replicas are seen so that they share the
/// fleet-wide windows.
public struct ReplicaSeriesLayout: Sendable, Equatable {
    /// Index of replica 0's first series.
    public let first: Int
    /// Replicas with series.
    public private(set) var replicas = 0

    /// A layout whose series start at `first`, the fleet-wide series count of `buckets`.
    public init(first: Int) { self.first = first }

    /// The series index of `metric` of `replica`.
    public func index(_ replica: Int, _ metric: ReplicaReport.Metric) -> Int {
        first + replica * ReplicaReport.Metric.allCases.count + metric.rawValue
    }

    /// Adds the series of replicas up to `replica` to `buckets` if they are not there yet.
    public mutating func ensure(_ replica: Int, in buckets: inout TimeBuckets) {
        guard replica >= replicas else { return }
        buckets.addSeries((replica + 1 - replicas) * ReplicaReport.Metric.allCases.count)
        replicas = replica + 1
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

    /// Replica `replica`'s `metric` per window (``windowValues(_:carries:)``; 0 before its first step).
    public func replicaValues(_ replica: Int, _ metric: ReplicaReport.Metric) -> [Double] {
        guard let replicas, replica < replicas.layout.replicas else { return Array(repeating: 0, count: buckets.used) }
        return windowValues(replicas.layout.index(replica, metric), carries: true)
    }

    /// Per window, the minimum, median and maximum of `metric` across the replicas (the
    /// median of an even count is the mean of the middle two). Empty for a one-node log.
    public func replicaSpread(_ metric: ReplicaReport.Metric) -> [(min: Double, median: Double, max: Double)] {
        guard let replicas, replicas.count > 0 else { return [] }
        let series = (0..<replicas.count).map { replicaValues($0, metric) }
        return (0..<buckets.used).map { i in
            let v = series.map { $0[i] }.sorted()
            let n = v.count
            let median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
            return (v[0], median, v[n - 1])
        }
    }

    /// Centre times of the windows in use, in seconds since the first time seen.
    public var windowCentres: [Double] {
        (0..<buckets.used).map { buckets.start($0) + buckets.width / 2 - buckets.origin }
    }
}
