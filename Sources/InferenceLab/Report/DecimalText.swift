/// Fixed-point number text for reports (no Foundation formatters: the same bytes on every
/// platform). The one rounding used by the simulator's summary table, the analyzer's text,
/// CSV and HTML output and the calibration commands.
public enum DecimalText {
    /// `v` rounded half away from zero to `digits` decimals, with a `-` sign only when the
    /// rounded value is not zero; "-" for NaN and infinities, and Swift's shortest form for
    /// magnitudes of 9e18 and more after scaling.
    public static func fixed(_ v: Double, _ digits: Int = 2) -> String {
        guard v.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(v) * scale).rounded()
        guard r < 9e18 else { return v.description }
        let n = Int64(r)
        let p = Int64(scale)
        var whole = String(n / p)
        if v < 0 && n != 0 { whole = "-" + whole }
        guard digits > 0 else { return whole }
        var frac = String(n % p)
        if frac.count < digits { frac = String(repeating: "0", count: digits - frac.count) + frac }
        return whole + "." + frac
    }
}
