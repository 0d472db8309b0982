/// Summary statistics of a latency distribution, in the unit of the samples.
public struct LatencyStats: Sendable, Equatable {
    /// Samples; the other values are 0 when there are none.
    public var count = 0
    public var mean = 0.0
    /// The smallest and the largest sample.
    public var min = 0.0, max = 0.0
    /// Percentiles (``Percentile/of(_:_:)``).
    public var p50 = 0.0, p90 = 0.0, p95 = 0.0, p99 = 0.0

    public init() {}

    /// The statistics with every value multiplied by `factor` (e.g. seconds → ms).
    public func scaled(by factor: Double) -> LatencyStats {
        var s = self
        s.mean *= factor; s.min *= factor; s.max *= factor
        s.p50 *= factor; s.p90 *= factor; s.p95 *= factor; s.p99 *= factor
        return s
    }
}

/// Exact percentiles with linear interpolation between closest ranks (numpy's default):
/// for n sorted samples, quantile q sits at position q·(n − 1).
public enum Percentile {
    /// - Precondition: `sorted` is ascending and not empty.
    public static func of(_ sorted: [Double], _ q: Double) -> Double {
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = Swift.min(lo + 1, sorted.count - 1)
        let frac = pos - Double(lo)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac
    }

    /// Statistics of unweighted samples (sorts a copy).
    public static func stats(_ samples: [Double]) -> LatencyStats {
        var s = LatencyStats()
        guard !samples.isEmpty else { return s }
        let sorted = RadixSort.sorted(samples) ?? samples.sorted()
        var sum = 0.0
        for v in sorted { sum += v }
        s.count = sorted.count
        s.mean = sum / Double(sorted.count)
        s.min = sorted[0]
        s.max = sorted[sorted.count - 1]
        s.p50 = of(sorted, 0.50); s.p90 = of(sorted, 0.90)
        s.p95 = of(sorted, 0.95); s.p99 = of(sorted, 0.99)
        return s
    }
}

/// Samples stored as (value, multiplicity) runs: pooled inter-token latencies, where every
/// request decoding in a step sees the same gap, take one run per step instead of one value
/// per token. Percentiles are exact, as if every sample were stored.
public struct WeightedSamples: Sendable {
    public private(set) var values: [Double] = []
    public private(set) var weights: [Int] = []
    public private(set) var count = 0
    private var sum = 0.0

    public init() {}

    public mutating func append(_ v: Double, weight: Int = 1) {
        count += weight
        sum += v * Double(weight)
        if let last = values.last, last == v { weights[weights.count - 1] += weight; return }
        values.append(v)
        weights.append(weight)
    }

    /// The value at 0-based rank `k` of the sorted multiset.
    private static func value(atRank k: Int, sorted: [Double], cumulative: [Int]) -> Double {
        // cumulative[i] = total weight of sorted[0...i]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > k { hi = mid } else { lo = mid + 1 }
        }
        return sorted[lo]
    }

    public func stats() -> LatencyStats {
        var s = LatencyStats()
        guard count > 0 else { return s }
        let sorted: [Double], sortedWeights: [Int]
        if let radix = RadixSort.sorted(values, weights: weights) {
            (sorted, sortedWeights) = radix
        } else {
            let order = values.indices.sorted { values[$0] < values[$1] }
            sorted = order.map { values[$0] }
            sortedWeights = order.map { weights[$0] }
        }
        var cumulative: [Int] = []
        cumulative.reserveCapacity(sorted.count)
        var acc = 0
        for w in sortedWeights { acc += w; cumulative.append(acc) }
        func q(_ p: Double) -> Double {
            let pos = p * Double(count - 1)
            let lo = Int(pos.rounded(.down))
            let frac = pos - Double(lo)
            let a = Self.value(atRank: lo, sorted: sorted, cumulative: cumulative)
            let b = Self.value(atRank: Swift.min(lo + 1, count - 1), sorted: sorted, cumulative: cumulative)
            return a + (b - a) * frac
        }
        s.count = count
        s.mean = sum / Double(count)
        s.min = sorted[0]
        s.max = sorted[sorted.count - 1]
        s.p50 = q(0.50); s.p90 = q(0.90); s.p95 = q(0.95); s.p99 = q(0.99)
        return s
    }
}
