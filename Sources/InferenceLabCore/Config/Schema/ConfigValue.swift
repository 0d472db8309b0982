/// One config value as the schema passes it between a reader and a ``SimulatorConfig``:
/// what a TOML file, the browser's flat keys or the event-log header hold for one key.
public enum ConfigValue: Sendable {
    /// An integer (a count, a size, an index).
    case integer(Int)
    /// An unsigned 64-bit integer (the seed, which may exceed `Int.max` when set in code).
    case unsigned(UInt64)
    /// A number (SI units).
    case number(Double)
    /// A boolean.
    case boolean(Bool)
    /// A string: a name, a path, or the canonical spelling of an enumerated choice.
    case text(String)
    /// A length distribution (a sub-table with a `type`).
    case distribution(LengthDistribution)

    /// The value as an `Int`, if it is an integer.
    public var integerValue: Int? {
        switch self {
        case .integer(let i): return i
        case .unsigned(let u): return u <= UInt64(Int.max) ? Int(u) : nil
        default: return nil
        }
    }

    /// The value as a `Double`: a number, or an integer converted.
    public var numberValue: Double? {
        switch self {
        case .number(let x): return x
        case .integer(let i): return Double(i)
        case .unsigned(let u): return Double(u)
        default: return nil
        }
    }

    /// The value as a `Bool`, if it is one.
    public var booleanValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    /// The value as a `String`, if it is text.
    public var textValue: String? {
        if case .text(let t) = self { return t }
        return nil
    }

    /// The value as a length distribution, if it is one.
    public var distributionValue: LengthDistribution? {
        if case .distribution(let d) = self { return d }
        return nil
    }
}
