/// The bucket arithmetic shared by the time series of the HTML report (`TimeBuckets`) and of
/// the browser build (`TimeSeriesSink`): equal-width buckets over a run whose length is not
/// known while streaming. The width starts small and doubles whenever a time falls past the
/// last of `capacity` buckets; the owner then merges its buckets pairwise (2i and 2i + 1 into
/// i), so memory stays bounded however long the run is.
public struct DoublingBucketWidth: Sendable {
    /// The most buckets in use at once.
    public let capacity: Int
    /// The width of one bucket, in seconds.
    public private(set) var width: Double

    /// - Parameters:
    ///   - capacity: the most buckets in use at once.
    ///   - initialWidth: the first width in seconds.
    public init(capacity: Int, initialWidth: Double) {
        self.capacity = capacity
        width = initialWidth
    }

    /// Whether offset `x` (seconds from the first bucket's start) falls past the last bucket.
    /// While it does, the owner merges its buckets pairwise and calls ``doubleWidth()``.
    public func isPastLastBucket(_ x: Double) -> Bool {
        (x / width).rounded(.down) >= Double(capacity)
    }

    /// Doubles the width, after the owner merged its buckets pairwise.
    public mutating func doubleWidth() { width *= 2 }

    /// The index of the bucket holding offset `x` (0 for a negative offset).
    public func index(of x: Double) -> Int {
        Swift.max(0, Int((x / width).rounded(.down)))
    }
}
