/// Number formatting for the analyzer's text, CSV and HTML output (no Foundation formatters:
/// the same bytes on every platform).
public enum TextFormat {
    /// `v` rounded to `digits` decimals ("-" for NaN and infinities).
    public static func fixed(_ v: Double, _ digits: Int = 2) -> String { DecimalText.fixed(v, digits) }

    /// The shortest round-trip form; integers without a fraction; empty for NaN (CSV cells).
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "" : (v > 0 ? "inf" : "-inf") }
        return JSONText.number(v)
    }

    /// A signed value with `digits` decimals: `+1.25`, `-0.50`, `0.00`.
    public static func signed(_ v: Double, _ digits: Int = 2) -> String {
        guard v.isFinite else { return v.isNaN ? "-" : (v > 0 ? "+inf" : "-inf") }
        let text = fixed(v, digits)
        return v > 0 && text != fixed(0, digits) ? "+" + text : text
    }

    /// About three significant digits with a k/M/G suffix, for axis ticks: 950, 1.2k, 35M.
    public static func compact(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        let a = abs(v)
        let (scaled, suffix): (Double, String) =
            a >= 1e9 ? (v / 1e9, "G") : a >= 1e6 ? (v / 1e6, "M") : a >= 1e4 ? (v / 1e3, "k") : (v, "")
        let s = abs(scaled)
        let digits = s == 0 || s >= 100 || s == s.rounded() ? 0 : s >= 10 ? 1 : s >= 1 ? 2 : s >= 0.1 ? 2 : 3
        var text = fixed(scaled, digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + suffix
    }

    /// Right-aligns `text` in `width` columns (left-aligns with `left`).
    public static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let n = max(width - text.count, 0)
        return left ? text + String(repeating: " ", count: n) : String(repeating: " ", count: n) + text
    }
}
