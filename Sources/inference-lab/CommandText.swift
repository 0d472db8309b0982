// Text helpers of the calibrate, steptime and catalog commands: TOML quoting, padding and
// number formats.

import InferenceLab

/// `s` as a TOML basic string (backslashes and quotes escaped).
func quoted(_ s: String) -> String {
    "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
}

extension String {
    /// The string with every `a` replaced by `b`.
    func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }

    /// The string padded with spaces on the right to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// `x` with `digits` decimals (``DecimalText/fixed(_:_:)``); Swift's shortest form for values
/// that are not finite or whose magnitude is 1e15 or more (a Double has no fraction digits left
/// to show there).
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite && abs(x) < 1e15 else { return "\(x)" }
    return DecimalText.fixed(x, digits)
}

/// `s` padded with spaces on the left to `width` characters.
func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

/// `x` rounded to 5 significant digits, in Swift's shortest form (`5.3723e-05`).
func significant(_ x: Double) -> String {
    guard x != 0 && x.isFinite else { return x.description }
    var scale = 1.0
    while abs(x) * scale < 1e4 { scale *= 10 }
    return ((x * scale).rounded() / scale).description
}
