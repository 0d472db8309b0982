/// The values a reader found in one table, as a table's hooks and conditional requirements
/// see them.
public struct ConfigTableInput {
    /// A key's converted value; `nil` when the key is absent or its value was unusable (the
    /// reader has reported that already).
    public let value: (String) -> ConfigValue?
    /// Whether the key is present at all (even with an unusable value).
    public let isPresent: (String) -> Bool

    public init(value: @escaping (String) -> ConfigValue?, isPresent: @escaping (String) -> Bool) {
        self.value = value
        self.isPresent = isPresent
    }

    /// The text value of `key`, if any (a choice's canonical spelling).
    public func text(_ key: String) -> String? { value(key)?.textValue }
}

/// A required key that a table leaves out, as found by ``ConfigTableSchema/apply(_:to:)``.
/// Readers word the message: `is required[ reason] but missing from [table]` (TOML) or
/// `is required[ reason]`.
public struct MissingConfigKey: Sendable {
    /// The key's name inside its table (`memory_bandwidth`).
    public let name: String
    /// Why it is required here, e.g. `for arrival_pattern = "poisson"`; nil when always required.
    public let reason: String?
    /// A complete explanation that replaces the usual wording after "is required", e.g.
    /// `: bytes_per_param = 1 (FP8) but this hardware has no compute_flops_fp8`.
    public let detail: String?

    public init(name: String, reason: String? = nil, detail: String? = nil) {
        self.name = name
        self.reason = reason
        self.detail = detail
    }

    /// `is required[ reason]` (or with the detail), without naming the table.
    public var shortMessage: String {
        if let detail { return "is required" + detail }
        if let reason { return "is required " + reason }
        return "is required"
    }
}
