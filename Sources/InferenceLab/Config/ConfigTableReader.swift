/// Typed reads from one table of a config file, reporting every problem with its key path.
///
/// Each read returns `nil` both when the key is absent and when its value is unusable; in
/// the second case the problem is already recorded in the diagnostics.
struct ConfigTableReader {
    /// The largest integer any count or size may take. Keeping counts below 2³¹ means that
    /// products of two of them cannot overflow, so no value in a file can trap.
    static let maximumInteger = Int(Int32.max)

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

    /// A string naming one of `E`'s cases, ignoring case.
    ///
    /// - Parameter what: the value's name in messages, e.g. "policy".
    func choice<E: CaseIterable & RawRepresentable>(_ key: String, what: String, as type: E.Type = E.self,
                                                    _ d: inout ConfigDiagnostics) -> E? where E.RawValue == String {
        guard let raw = string(key, &d) else { return nil }
        if let value = E.allCases.first(where: { $0.rawValue == raw.lowercased() }) { return value }
        let valid = E.allCases.map(\.rawValue)
        var message = "unknown \(what) \"\(raw)\""
        if let near = NameSuggestion.nearest(to: raw, among: valid) {
            message += "; did you mean \"\(near)\"? Valid values: "
        } else {
            message += "; valid values: "
        }
        message += valid.joined(separator: ", ")
        d.report(.value, at: path + [key], message)
        return nil
    }

    /// Records a missing key (at the table's header line) when `value` is `nil` because the
    /// key is absent; a present but bad value has been reported already.
    ///
    /// - Parameter reason: why it is required, e.g. `for arrival_pattern = "poisson"`.
    @discardableResult
    func require<T>(_ value: T?, _ key: String, because reason: String? = nil, _ d: inout ConfigDiagnostics) -> T? {
        if value == nil && !has(key) {
            var message = "is required"
            if let reason { message += " " + reason }
            message += " but missing from [\(path.joined(separator: "."))]"
            d.report(.missing, at: path + [key], message)
        }
        return value
    }

    /// Reports every key not in `allowed`, in file order, with a suggestion.
    ///
    /// - Parameter context: how the table is named in messages (default `[path]`).
    func rejectUnknownKeys(allowed: [String], context: String? = nil, _ d: inout ConfigDiagnostics) {
        let tableName = context ?? "[\(path.joined(separator: "."))]"
        for key in entries.keys.sorted() where !allowed.contains(key) {
            var message: String
            if case .table = entries[key]! {
                message = "unknown table [\((path + [key]).joined(separator: "."))]"
            } else {
                message = "unknown key in \(tableName)"
            }
            if let near = NameSuggestion.nearest(to: key, among: allowed) {
                message += "; did you mean \"\(near)\"?"
            } else if let home = ConfigSchema.table(defining: key), home != path.first {
                message += "; \"\(key)\" belongs in [\(home)]"
            } else {
                message += "; valid keys: \(allowed.joined(separator: ", "))"
            }
            d.report(.structure, at: path + [key], message)
        }
    }
}
