/// A `--fail-if` condition of `diff`: a threshold on how one summary key changed from A to B.
///
/// Forms: `KEY>+X%` / `KEY<-X%` (relative change in percent), `KEY>X` / `KEY<X` (absolute
/// change, in the key's unit); `>=` and `<=` are accepted too. For example
/// `p99_ttft_ms>+5%` holds when B's p99 TTFT is more than 5 % above A's, and
/// `preemptions>100` when B preempted more than 100 times more than A.
public struct FailCondition: Sendable, Equatable, CustomStringConvertible {
    public enum Comparison: String, Sendable {
        case greater = ">", less = "<", greaterOrEqual = ">=", lessOrEqual = "<="
    }

    public var key: String
    public var comparison: Comparison
    public var threshold: Double
    /// Whether `threshold` is a percentage of A's value.
    public var relative: Bool
    /// The condition as written.
    public var text: String

    public var description: String { text }

    /// Parses `text`, checking the key against `keys`.
    /// - Throws: ``InputError`` (file `--fail-if`) naming what is wrong.
    public init(parsing text: String, keys: [String]) throws(InputError) {
        self.text = text
        let chars = Array(text.filter { !$0.isWhitespace })
        guard let opIndex = chars.firstIndex(where: { $0 == ">" || $0 == "<" }) else {
            throw InputError(file: "--fail-if", field: text, "expected KEY>+X%, KEY>X or KEY<-X% (no '>' or '<')")
        }
        key = String(chars[..<opIndex])
        var rest = opIndex + 1
        let orEqual = rest < chars.count && chars[rest] == "="
        if orEqual { rest += 1 }
        switch (chars[opIndex], orEqual) {
        case (">", false): comparison = .greater
        case (">", true): comparison = .greaterOrEqual
        case ("<", false): comparison = .less
        default: comparison = .lessOrEqual
        }
        var number = String(chars[rest...])
        relative = number.hasSuffix("%")
        if relative { number.removeLast() }
        guard !key.isEmpty else {
            throw InputError(file: "--fail-if", field: text, "missing the summary key before '\(comparison.rawValue)'")
        }
        guard keys.contains(key) else {
            throw InputError(file: "--fail-if", field: text, "unknown summary key '\(key)'\(Self.hint(key, keys))")
        }
        guard let value = Double(number), value.isFinite else {
            throw InputError(file: "--fail-if", field: text, "expected a number after '\(comparison.rawValue)', got '\(number)'")
        }
        threshold = value
    }

    /// The change this condition looks at: relative (in percent) or absolute.
    public func change(_ d: MetricDelta) -> Double {
        relative ? d.relative * 100 : d.absolute
    }

    /// Which run lacks a value for the key (`A`, `B` or `A and B`: a latency with no samples,
    /// e.g. a run that completed no request), or nil when both have one.
    public static func missingSide(_ d: MetricDelta) -> String? {
        switch (d.a.isNaN, d.b.isNaN) {
        case (true, true): return "A and B"
        case (true, false): return "A"
        case (false, true): return "B"
        case (false, false): return nil
        }
    }

    /// Whether the condition holds for `d`. A value missing on either side cannot be shown
    /// not to have regressed, so the condition then holds (the gate fails).
    public func holds(for d: MetricDelta) -> Bool {
        if Self.missingSide(d) != nil { return true }
        let c = change(d)
        guard !c.isNaN else { return false }
        switch comparison {
        case .greater: return c > threshold
        case .less: return c < threshold
        case .greaterOrEqual: return c >= threshold
        case .lessOrEqual: return c <= threshold
        }
    }

    private static func hint(_ key: String, _ keys: [String]) -> String {
        guard let near = keys.min(by: { distance($0, key) < distance($1, key) }),
              distance(near, key) <= max(2, key.count / 3) else { return "" }
        return " (did you mean '\(near)'?)"
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var row = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: y.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[y.count]
    }
}
