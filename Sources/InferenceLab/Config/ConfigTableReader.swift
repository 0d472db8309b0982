/// Typed reads from one table of a config file, reporting every problem with its key path.
///
/// Each read returns `nil` both when the key is absent and when its value is unusable; in
/// the second case the problem is already recorded in the diagnostics.
struct ConfigTableReader {
    /// The largest integer any count or size may take (``ConfigValueKind/maximumCount``).
    static let maximumInteger = ConfigValueKind.maximumCount

    /// Key path of this table, e.g. `["workload", "input_len_dist"]`.
    let path: [String]
    /// The table's entries; empty when the file does not have the table.
    let entries: [String: TOMLNode]
    /// Whether the file has this table.
    let isPresent: Bool

    init(path: [String], node: TOMLNode?) {
        self.path = path
        if case .table(let entries)? = node {
            self.entries = entries
            self.isPresent = true
        } else {
            self.entries = [:]
            self.isPresent = false
        }
    }

    func has(_ key: String) -> Bool { entries[key] != nil }

    private func wrongType(_ key: String, expected: String, got node: TOMLNode, _ d: inout ConfigDiagnostics) {
        d.report(.value, at: path + [key], "expected \(expected), got \(node.kindAndValue)")
    }

    /// A string.
    func string(_ key: String, _ d: inout ConfigDiagnostics) -> String? {
        guard let node = entries[key] else { return nil }
        if case .string(let s) = node { return s }
        wrongType(key, expected: "a string", got: node, &d)
        return nil
    }

    /// A boolean.
    func bool(_ key: String, _ d: inout ConfigDiagnostics) -> Bool? {
        guard let node = entries[key] else { return nil }
        if case .boolean(let b) = node { return b }
        wrongType(key, expected: "a boolean (true or false)", got: node, &d)
        return nil
    }

    /// A number: a TOML float, or an integer converted to `Double`.
    func double(_ key: String, _ d: inout ConfigDiagnostics) -> Double? {
        guard let node = entries[key] else { return nil }
        switch node {
        case .float(let x): return x
        case .integer(let i): return Double(i)
        default:
            wrongType(key, expected: "a number", got: node, &d)
            return nil
        }
    }

    /// An integer in `minimum...maximum` (a count, a size, an index: never negative).
    func integer(_ key: String, minimum: Int = 0, maximum: Int = maximumInteger,
                 _ d: inout ConfigDiagnostics) -> Int? {
        guard let node = entries[key] else { return nil }
        guard case .integer(let i) = node else {
            wrongType(key, expected: "an integer", got: node, &d)
            return nil
        }
        if i < minimum {
            let what = minimum == 0 ? "a non-negative integer" : minimum == 1 ? "a positive integer" : "an integer ≥ \(minimum)"
            d.report(.value, at: path + [key], "must be \(what), got \(i)")
            return nil
        }
        if i > maximum {
            d.report(.value, at: path + [key], "must be at most \(maximum), got \(i)")
            return nil
        }
        return i
    }

    /// A string naming one of `choices`, ignoring case; returns the canonical spelling.
    ///
    /// - Parameter what: the value's name in messages, e.g. "policy".
    func choice(_ key: String, among choices: [String], what: String, _ d: inout ConfigDiagnostics) -> String? {
        guard let raw = string(key, &d) else { return nil }
        if let value = choices.first(where: { $0 == raw.lowercased() }) { return value }
        d.report(.value, at: path + [key], NameSuggestion.unknownValueMessage(what, raw, among: choices))
        return nil
    }

    /// The value of `key` converted to the kind its declaration states (`nil` when absent or
    /// unusable, the problem reported). Distributions are read by the document reader.
    func value(of key: ConfigKey, _ d: inout ConfigDiagnostics) -> ConfigValue? {
        switch key.kind {
        case .integer(let range):
            return integer(key.name, minimum: range.lowerBound, maximum: range.upperBound, &d).map { .integer($0) }
        case .number: return double(key.name, &d).map { .number($0) }
        case .boolean: return bool(key.name, &d).map { .boolean($0) }
        case .text: return string(key.name, &d).map { .text($0) }
        case .choice(let choices, let label): return choice(key.name, among: choices, what: label, &d).map { .text($0) }
        case .distribution: return nil
        }
    }

    /// Reports `missing` keys of this table: at the table's header line, as
    /// `is required[ reason] but missing from [table]`.
    func report(_ missing: [MissingConfigKey], _ d: inout ConfigDiagnostics) {
        for m in missing {
            if let detail = m.detail {
                d.report(.missing, at: path + [m.name], "is required" + detail)
            } else {
                var message = "is required"
                if let reason = m.reason { message += " " + reason }
                message += " but missing from [\(path.joined(separator: "."))]"
                d.report(.missing, at: path + [m.name], message)
            }
        }
    }

    /// Reports every key not in `allowed`, in file order, with a suggestion.
    ///
    /// - Parameter context: how the table is named in messages (default `[path]`).
    func rejectUnknownKeys(allowed: [String], context: String? = nil, _ d: inout ConfigDiagnostics) {
        let tableName = context ?? "[\(path.joined(separator: "."))]"
        for key in entries.keys.sorted() where !allowed.contains(key) {
            var message: String
            let isTable: Bool
            if case .table = entries[key]! { isTable = true } else { isTable = false }
            if isTable {
                message = "unknown table [\((path + [key]).joined(separator: "."))]"
            } else {
                message = "unknown key in \(tableName)"
            }
            if let near = NameSuggestion.nearest(to: key, among: allowed) {
                message += "; did you mean \"\(near)\"?"
            } else if isTable && ConfigSchema.tableNames.contains(key) {
                // A table of the whole config written inside another (a pool's [model]).
                message += "; [\(key)] is set once, at the top level of the config; valid keys here: \(allowed.joined(separator: ", "))"
            } else if !isTable, let home = ConfigSchema.table(defining: key), home != path.first {
                message += "; \"\(key)\" belongs in [\(home)]"
            } else {
                message += "; valid keys: \(allowed.joined(separator: ", "))"
            }
            d.report(.structure, at: path + [key], message)
        }
    }
}
