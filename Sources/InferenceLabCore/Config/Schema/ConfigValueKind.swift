/// The type of a config key's value, which decides how readers convert what they are given.
public enum ConfigValueKind: Sendable {
    /// An integer in the range (a TOML integer; `2.0` is refused). Values outside the range
    /// are refused by the reader, before validation.
    case integer(ClosedRange<Int>)
    /// A number: a TOML float, or an integer converted.
    case number
    /// A boolean.
    case boolean
    /// Free text (a name or a path).
    case text
    /// One of `choices` (their canonical spelling), matched ignoring ASCII case; `label` names
    /// the value in messages (`unknown policy "lifo"`).
    case choice([String], label: String)
    /// A length distribution: a sub-table with a `type` and that type's keys
    /// (``LengthDistributionSchema``).
    case distribution

    /// The largest integer any count or size may take. Keeping counts below 2³¹ means that
    /// products of two of them cannot overflow, so no value in a file can trap.
    public static let maximumCount = Int(Int32.max)

    /// A count or size: an integer in 0…2³¹−1.
    public static let count = ConfigValueKind.integer(0...maximumCount)

    /// The type as docs/configuration.md names it.
    public var documentedName: String {
        switch self {
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        case .text, .choice: return "string"
        case .distribution: return "table"
        }
    }
}
