/// A linear axis with "nice" tick values (1, 2, 2.5 or 5 × 10ⁿ apart) covering a data range.
public struct AxisScale: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var ticks: [Double]

    /// Ticks covering `[lo, hi]` with about `target` intervals; the axis ends on ticks, or
    /// exactly at `lo` and `hi` when `tight` (ticks then stay inside).
    public init(lo: Double, hi: Double, target: Int = 5, tight: Bool = false) {
        var lo = lo.isFinite ? lo : 0, hi = hi.isFinite ? hi : 1
        if hi < lo { swap(&lo, &hi) }
        if hi == lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            hi += pad
            if lo != 0 { lo -= pad }
        }
        let step = Self.niceStep((hi - lo) / Double(max(target, 1)))
        let first = (lo / step).rounded(.down) * step
        let last = (hi / step).rounded(.up) * step
        var ticks: [Double] = []
        var k = 0
        while true {
            let v = first + Double(k) * step
            if v > last + step * 1e-9 || k > 50 { break }
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        if tight {
            lower = lo
            upper = hi
            self.ticks = ticks.filter { $0 >= lo - step * 1e-9 && $0 <= hi + step * 1e-9 }
        } else {
            lower = first
            upper = ticks.last ?? last
            self.ticks = ticks
        }
    }

    /// The smallest 1/2/2.5/5 × 10ⁿ at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var p = 1.0
        while p * 10 <= raw { p *= 10 }
        while p > raw { p /= 10 }
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where m * p >= raw { return m * p }
        return 10 * p
    }

    /// Position of `v` in [0, 1] along the axis.
    public func fraction(_ v: Double) -> Double {
        upper > lower ? (v - lower) / (upper - lower) : 0
    }
}
