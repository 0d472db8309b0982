/// The valid range of one key's value, checked by ``SimulatorConfig/validate()`` (rules that
/// relate several keys stay as code there). Each case has its own message, so the errors read
/// as before the schema existed.
public enum ConfigRange: Sendable {
    /// Anything the type allows (or checked only by a cross-key rule).
    case any
    /// > 0 and finite: "must be a positive finite number" (a number) or "must be a positive
    /// integer" (an integer, which must also be at most 2³¹−1, as the TOML reader requires:
    /// products of counts and sizes then fit 64 bits).
    case positive
    /// ≥ 0 and finite: "must be ≥ 0" (an integer: in 0…2³¹−1).
    case nonNegative
    /// ≥ 0 and finite, in seconds: "must be ≥ 0 seconds".
    case nonNegativeSeconds
    /// (0, 1]: a share that cannot be zero.
    case fraction
    /// [0, 1): a share kept back, which cannot be everything.
    case fractionBelowOne
    /// An integer in `range`; the reasons are said in the messages
    /// (`(one block is vLLM's null block)`, `(block ids are 32-bit)`).
    case integerIn(ClosedRange<Int>, belowReason: String, aboveReason: String)

    /// The message for `value` when it is out of range, or nil when it is valid.
    public func violation(_ value: ConfigValue) -> String? {
        switch (self, value) {
        case (.any, _): return nil
        case (.positive, .integer(let i)):
            if i <= 0 { return "must be a positive integer, got \(i)" }
            return i > Int(Int32.max) ? "must be at most \(Int32.max), got \(i)" : nil
        case (.positive, .unsigned(let u)): return u > 0 ? nil : "must be a positive integer, got \(u)"
        case (.positive, let v):
            guard let x = v.numberValue else { return nil }
            return x > 0 && x.isFinite ? nil : "must be a positive finite number, got \(x)"
        case (.nonNegative, .integer(let i)):
            return i >= 0 && i <= Int(Int32.max) ? nil : "must be in 0...\(Int32.max), got \(i)"
        case (.nonNegative, let v):
            guard let x = v.numberValue else { return nil }
            return x >= 0 && x.isFinite ? nil : "must be ≥ 0, got \(x)"
        case (.nonNegativeSeconds, let v):
            guard let x = v.numberValue else { return nil }
            return x >= 0 && x.isFinite ? nil : "must be ≥ 0 seconds, got \(x)"
        case (.fraction, let v):
            guard let x = v.numberValue else { return nil }
            return x > 0 && x <= 1 ? nil : "must be in (0, 1], got \(x)"
        case (.fractionBelowOne, let v):
            guard let x = v.numberValue else { return nil }
            return x >= 0 && x < 1 ? nil : "must be in [0, 1), got \(x)"
        case (.integerIn(let range, let belowReason, let aboveReason), let v):
            guard let i = v.integerValue else { return nil }
            if i < range.lowerBound { return "must be ≥ \(range.lowerBound) \(belowReason), got \(i)" }
            return i > range.upperBound ? "must be at most \(range.upperBound) \(aboveReason), got \(i)" : nil
        }
    }
}
