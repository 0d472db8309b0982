/// One summary key in two runs: A's value, B's value and the change from A to B.
public struct MetricDelta: Sendable, Equatable {
    public var key: String
    public var a: Double
    public var b: Double

    /// b − a.
    public var absolute: Double { b - a }

    /// (b − a) / |a|: 0 when both are equal, ±infinity when a is 0 and b is not.
    public var relative: Double {
        if a == b { return 0 }
        if a == 0 { return b > 0 ? .infinity : -.infinity }
        return (b - a) / abs(a)
    }

    /// Deltas for every key of `a`'s fields, in order (`b` must have the same keys).
    public static func all(_ a: [(String, Double)], _ b: [(String, Double)]) -> [MetricDelta] {
        var bValues: [String: Double] = [:]
        for (k, v) in b { bValues[k] = v }
        return a.map { MetricDelta(key: $0.0, a: $0.1, b: bValues[$0.0] ?? .nan) }
    }
}
