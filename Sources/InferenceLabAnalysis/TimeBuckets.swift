/// Statistics of one series within one time bucket.
public struct BucketStats: Sendable, Equatable {
    /// Observations (steps, or events for counters).
    public var count = 0
    public var sum = 0.0
    public var min = Double.infinity
    public var max = -Double.infinity
    /// Σ value × duration and Σ duration, for time-weighted means.
    public var weightedSum = 0.0
    public var weight = 0.0

    public init() {}

    public mutating func add(_ v: Double, weight w: Double = 0) {
        count += 1
        sum += v
        if v < min { min = v }
        if v > max { max = v }
        weightedSum += v * w
        weight += w
    }

    public mutating func merge(_ o: BucketStats) {
        count += o.count
        sum += o.sum
        if o.min < min { min = o.min }
        if o.max > max { max = o.max }
        weightedSum += o.weightedSum
        weight += o.weight
    }

    /// Time-weighted mean when the observations had durations, else the plain mean (NaN when empty).
    public var mean: Double {
        if weight > 0 { return weightedSum / weight }
        return count > 0 ? sum / Double(count) : .nan
    }
}

/// Downsamples time series into a bounded number of equal-width time buckets.
///
/// The run's length is not known while streaming, so the width adapts: it starts small, and
/// whenever a time falls past the last bucket, neighbouring buckets are merged pairwise and
/// the width doubles. After the run there are between `capacity / 2` and `capacity`
/// buckets in use (for a run longer than `capacity` initial widths), each holding min, max,
/// sum and mean per series. Memory: `capacity × series` entries, whatever the log's length.
public struct TimeBuckets: Sendable {
    /// The most buckets kept.
    public var capacity: Int { grid.capacity }
    /// Series kept; ``addSeries(_:)`` adds more.
    public private(set) var seriesCount: Int
    /// Start of bucket 0 (the first time seen).
    public private(set) var origin = Double.nan
    /// Width of one bucket (seconds).
    public var width: Double { grid.width }
    private var grid: DoublingBucketWidth
    /// buckets[series][index]
    public private(set) var buckets: [[BucketStats]]
    /// Buckets in use: 1 + the highest index written.
    public private(set) var used = 0

    /// - Parameters:
    ///   - capacity: most buckets kept (even, at least 2).
    ///   - initialWidth: the first width in seconds.
    public init(series: Int, capacity: Int = 400, initialWidth: Double = 0.001) {
        grid = DoublingBucketWidth(capacity: max(2, capacity & ~1), initialWidth: initialWidth)
        seriesCount = series
        buckets = Array(repeating: Array(repeating: BucketStats(), count: grid.capacity), count: series)
    }

    /// The bucket index of time `t`, widening the buckets until it fits.
    public mutating func index(_ t: Double) -> Int {
        if origin.isNaN { origin = t }
        guard t.isFinite, t > origin else { used = Swift.max(used, 1); return 0 }
        while grid.isPastLastBucket(t - origin) { mergePairs() }
        let i = grid.index(of: t - origin)
        used = Swift.max(used, i + 1)
        return i
    }

    /// Adds `n` empty series on the same windows (a fleet's replicas, as they are seen) and
    /// returns the index of the first one.
    @discardableResult
    public mutating func addSeries(_ n: Int) -> Int {
        let first = seriesCount
        for _ in 0..<max(n, 0) { buckets.append(Array(repeating: BucketStats(), count: capacity)) }
        seriesCount += max(n, 0)
        return first
    }

    public mutating func add(series: Int, at index: Int, _ v: Double, weight: Double = 0) {
        buckets[series][index].add(v, weight: weight)
    }

    /// Merges bucket pairs and doubles the width.
    private mutating func mergePairs() {
        for s in 0..<seriesCount {
            for i in 0..<(capacity / 2) {
                var merged = buckets[s][2 * i]
                merged.merge(buckets[s][2 * i + 1])
                buckets[s][i] = merged
            }
            for i in (capacity / 2)..<capacity { buckets[s][i] = BucketStats() }
        }
        used = (used + 1) / 2
        grid.doubleWidth()
    }

    /// Start time of bucket `i`.
    public func start(_ i: Int) -> Double { origin + Double(i) * width }
}
