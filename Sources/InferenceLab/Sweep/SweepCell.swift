/// One cell of a sweep table: a number (NaN: no value), text, or nothing.
public enum SweepCell: Sendable, Equatable {
    case number(Double)
    case text(String)
    case empty

    /// The CSV field: numbers as ``JSONText/number(_:)`` (empty when not finite), text quoted
    /// when it holds a comma, a quote or a line break.
    public var csv: String {
        switch self {
        case .number(let x): return x.isFinite ? JSONText.number(x) : ""
        case .text(let s):
            guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        case .empty: return ""
        }
    }

    /// The JSON value: numbers as ``JSONText/number(_:)`` (`null` when not finite), text as
    /// a string, nothing as `null`.
    public var json: String {
        switch self {
        case .number(let x): return JSONText.number(x)
        case .text(let s): return JSONText.string(s)
        case .empty: return "null"
        }
    }

    /// The number, if the cell holds a finite one.
    public var number: Double? {
        if case .number(let x) = self, x.isFinite { return x }
        return nil
    }

    /// How the cell is stored in a point file: `n:NUMBER`, `s:TEXT` or `-`.
    var stored: String {
        switch self {
        case .number(let x): return "n:" + (x.isFinite ? JSONText.number(x) : "nan")
        case .text(let s): return "s:" + s.replacingAll("\n", with: " ")
        case .empty: return "-"
        }
    }

    /// Reads ``stored`` back (the same value: numbers are written in shortest round-trip form).
    init?(stored: Substring) {
        if stored == "-" { self = .empty; return }
        if stored.hasPrefix("s:") { self = .text(String(stored.dropFirst(2))); return }
        if stored.hasPrefix("n:") {
            let text = stored.dropFirst(2)
            if text == "nan" { self = .number(.nan); return }
            guard let x = Double(text) else { return nil }
            self = .number(x)
            return
        }
        return nil
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

extension SweepCell {
    /// An axis value's cell: a number when the text is one, else text.
    public static func axisValue(_ text: String) -> SweepCell {
        if let x = Double(text), x.isFinite, text.first != "+" { return .number(x) }
        return .text(text)
    }
}
