/// One table of a config file (`[scheduler]`): its keys in order, and the hooks for what is
/// not a plain key-to-field copy.
public struct ConfigTableSchema: Sendable {
    /// The table's name (`scheduler`).
    public let name: String
    /// The keys, in the order messages list them (and the event-log header writes them).
    public let keys: [ConfigKey]
    /// Whether a file that leaves the table out gets the keys' defaults (`[simulation]`:
    /// `log_interval = 100`) instead of the table of ``SimulatorConfig/default``.
    public let readsDefaultsWhenAbsent: Bool
    /// Derives fields from several keys after they are set (the `[hardware]` peak chosen by
    /// precision); returns the required keys it found missing.
    public let resolve: (@Sendable (ConfigTableInput, inout SimulatorConfig) -> [MissingConfigKey])?
    /// Checks that relate several keys, run by ``SimulatorConfig/validate()`` after this
    /// table's ranges (with every issue found so far).
    public let rules: (@Sendable (SimulatorConfig, inout [ConfigIssue]) -> Void)?
    /// When the table is written into the event-log header; nil: always.
    public let inHeaderWhen: (@Sendable (SimulatorConfig) -> Bool)?
    /// Keys whose absence is reported before the others', in this order (`[hardware]`: the
    /// name, then `bytes_per_param` and `compute_flops`, which depends on it); the rest follow
    /// in key order.
    public let missingKeysFirst: [String]

    public init(
        _ name: String,
        keys: [ConfigKey],
        readsDefaultsWhenAbsent: Bool = false,
        resolve: (@Sendable (ConfigTableInput, inout SimulatorConfig) -> [MissingConfigKey])? = nil,
        rules: (@Sendable (SimulatorConfig, inout [ConfigIssue]) -> Void)? = nil,
        inHeaderWhen: (@Sendable (SimulatorConfig) -> Bool)? = nil,
        missingKeysFirst: [String] = []
    ) {
        self.name = name
        self.keys = keys
        self.readsDefaultsWhenAbsent = readsDefaultsWhenAbsent
        self.resolve = resolve
        self.rules = rules
        self.inHeaderWhen = inHeaderWhen
        self.missingKeysFirst = missingKeysFirst
    }

    /// The key called `name`, if the table has one.
    public func key(_ name: String) -> ConfigKey? {
        for key in keys where sameName(key.name, name) { return key }
        return nil
    }

    /// The names of the keys, in order.
    public var keyNames: [String] { keys.map { $0.name } }

    /// The key that names a catalog preset, if the table has one.
    public var presetKey: ConfigKey? {
        for key in keys {
            switch key.role {
            case .presetName, .presetValue: return key
            default: continue
            }
        }
        return nil
    }

    /// Sets every field of this table in `config` from the values a reader found: a value that
    /// was read, else the key's default (also for a key whose value was unusable; the reader
    /// has reported it). Then runs ``resolve``.
    ///
    /// - Returns: the required keys that are missing: those of ``missingKeysFirst`` first, the
    ///   others in key order (the hook's last).
    public func apply(_ input: ConfigTableInput, to config: inout SimulatorConfig) -> [MissingConfigKey] {
        var missing: [MissingConfigKey] = []
        for key in keys {
            if case .presetName = key.role { continue }
            if let value = input.value(key.name) {
                key.set(&config, value)
                continue
            }
            if !input.isPresent(key.name) {
                if case .required = key.defaultValue {
                    missing.append(MissingConfigKey(name: key.name))
                    continue
                }
                if let reason = key.requiredWhen?(input) {
                    missing.append(MissingConfigKey(name: key.name, reason: reason.isEmpty ? nil : reason))
                    continue
                }
            }
            key.set(&config, key.defaultValue.value)
        }
        if let resolve { missing += resolve(input, &config) }
        guard !missingKeysFirst.isEmpty else { return missing }
        var first: [MissingConfigKey] = []
        for name in missingKeysFirst {
            for m in missing where sameName(m.name, name) { first.append(m) }
        }
        for m in missing where !missingKeysFirst.contains(where: { sameName($0, m.name) }) { first.append(m) }
        return first
    }

    /// The range problems of this table's keys in `config`, in key order.
    public func rangeIssues(_ config: SimulatorConfig, into issues: inout [ConfigIssue]) {
        for key in keys {
            if case .any = key.range { continue }
            if let when = key.checkedWhen, !when(config) { continue }
            guard let value = key.get(config), let message = key.range.violation(value) else { continue }
            issues.append(ConfigIssue(.error, key: name + "." + key.name, message))
        }
    }
}

/// Byte-wise name equality (no Unicode normalisation, so the WebAssembly build needs no
/// Unicode tables for it).
@inline(__always)
func sameName(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
