import TOMLKit

/// One dotted `KEY = VALUE` applied to a config document as if the file had written it
/// (`"hardware.preset" = "h200-sxm"`, `scheduler.max_num_batched_tokens = 4096`).
///
/// Overrides are applied to the parsed document before presets resolve, so a changed
/// `preset` pulls in that preset's values, and the document is then read and validated as
/// usual. A problem with an overridden key names the place the override was written (a sweep
/// spec's file and line, or `--set`), not the config file.
public struct ConfigOverride: Sendable {
    /// The dotted key, e.g. `scheduler.max_num_batched_tokens`.
    public var key: String
    /// Where the override was written, for messages: a file (a sweep spec) or `--set`.
    public var file: String
    /// The 1-based line in ``file``, when it has one.
    public var line: Int?
    /// The value, as TOML.
    var value: TOMLNode

    /// The key split at its dots.
    var path: [String] { key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    init(key: String, value: TOMLNode, file: String, line: Int?) {
        self.key = key
        self.value = value
        self.file = file
        self.line = line
    }

    /// Parses `KEY=VALUE` as given to `--set`: VALUE is read as a TOML value (`4096`, `0.5`,
    /// `true`, `"text"`, `{ type = "fixed", value = 8 }`); text that is not a TOML value is
    /// taken as a string, so `hardware.preset=h200-sxm` needs no quotes.
    ///
    /// - Throws: ``InputError`` naming `file` (e.g. `--set`) when there is no `=` or the key
    ///   is not a dotted `table.key`.
    public init(parsing text: String, file: String = "--set") throws(InputError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw InputError(file: file, "expected KEY=VALUE (e.g. hardware.preset=h200-sxm), got \"\(text)\"")
        }
        let key = text[..<equals].trimmedForOverride
        let raw = text[text.index(after: equals)...].trimmedForOverride
        try Self.checkKey(key, file: file, line: nil)
        var value: TOMLNode = .string(raw)
        if let root = try? TOMLNode.parseDocument("v = " + raw), let parsed = root["v"] { value = parsed }
        self.init(key: key, value: value, file: file, line: nil)
    }

    /// Rejects a key that is not `table.key[.key…]` made of non-empty parts.
    static func checkKey(_ key: String, file: String, line: Int?) throws(InputError) {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count < 2 || parts.contains(where: \.isEmpty) {
            throw InputError(file: file, line: line, field: key.isEmpty ? nil : key,
                             "a config key must be dotted as TABLE.KEY (e.g. scheduler.max_num_batched_tokens)")
        }
        // An entry index (`pool[1]`) must be a whole number from 0; any other bracket would
        // name a table that no config has.
        for part in parts where part.contains("[") || part.contains("]") {
            guard arrayEntry(String(part)) != nil else {
                throw InputError(file: file, line: line, field: key,
                                 "\(part): an entry of an array of tables is NAME[i], i a whole number from 0 (e.g. cluster.pool[1].replicas)")
            }
        }
    }

    /// The value as text for tables and messages: strings bare, numbers as TOML writes them.
    public var valueText: String { value.plainText }

    /// Sets every override in `root`, creating tables on the way.
    ///
    /// - Throws: ``InputError`` at the override when a part of its key is already a value
    ///   that is not a table (`hardware.preset.x`).
    static func apply(_ overrides: [ConfigOverride], to root: inout [String: TOMLNode]) throws(InputError) {
        for o in overrides {
            let path = o.path
            if let problem = set(o.value, at: path[...], in: &root, above: []) {
                throw InputError(file: o.file, line: o.line, field: o.key, "cannot set: " + problem)
            }
        }
    }

    /// Sets `path` in `table`, making the tables it names; a component `name[i]` is entry `i`
    /// of the array of tables `name` (`cluster.pool[1].replicas`), which must exist.
    /// - Returns: why it cannot, or nil.
    private static func set(_ value: TOMLNode, at path: ArraySlice<String>, in table: inout [String: TOMLNode],
                            above: [String]) -> String? {
        let head = path.first!
        if let (name, index) = arrayEntry(head) {
            let array = (above + [name]).joined(separator: ".")
            guard case .array(var items)? = table[name], index < items.count, case .table(var entry) = items[index] else {
                return "the config has no [[\(array)]] entry \(index) (entries are counted from 0)"
            }
            guard path.count > 1 else { return "\(head) is a whole [[\(array)]] entry; set its keys one by one" }
            if let problem = set(value, at: path.dropFirst(), in: &entry, above: above + [head]) { return problem }
            items[index] = .table(entry)
            table[name] = .array(items)
            return nil
        }
        if path.count == 1 {
            table[head] = value
            return nil
        }
        var inner: [String: TOMLNode]
        switch table[head] {
        case nil: inner = [:]
        case .table(let t)?: inner = t
        default: return "a part of the key is already a value, not a table"
        }
        if let problem = set(value, at: path.dropFirst(), in: &inner, above: above + [head]) { return problem }
        table[head] = .table(inner)
        return nil
    }

    /// `name[i]` as (name, i): entry `i` of the array of tables `name`.
    static func arrayEntry(_ component: String) -> (String, Int)? {
        guard component.hasSuffix("]"), let open = component.firstIndex(of: "["),
              let index = Int(component[component.index(after: open)..<component.index(before: component.endIndex)]),
              index >= 0, open > component.startIndex else { return nil }
        return (String(component[..<open]), index)
    }
}

/// Where the overrides of one load were written, so that a problem at an overridden key is
/// located there.
struct OverrideLocations {
    let overrides: [ConfigOverride]

    /// The override that sets `path` or a table above it (the last such, as the last wins).
    func override(at path: [String]) -> ConfigOverride? {
        overrides.last { o in
            let p = o.path
            return path.count >= p.count && Array(path[..<p.count]) == p
        }
    }
}

extension TOMLNode {
    /// The value as a user would write it on a command line: strings bare, other scalars as
    /// TOML, arrays and tables in TOML's inline form.
    var plainText: String {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .float(let x): return x.description
        case .boolean(let b): return b ? "true" : "false"
        case .array(let items): return "[" + items.map(\.inlineTOML).joined(separator: ", ") + "]"
        case .table: return inlineTOML
        case .other(let type): return "\(type)"
        }
    }

    /// The value in TOML's inline syntax (strings quoted, table keys sorted).
    var inlineTOML: String {
        switch self {
        case .string(let s): return JSONText.string(s)
        case .table(let entries):
            return "{ " + entries.keys.sorted().map { "\($0) = \(entries[$0]!.inlineTOML)" }.joined(separator: ", ") + " }"
        default: return plainText
        }
    }
}

// TOMLNode holds only values (TOMLKit's `TOMLType` is a plain enum).
extension TOMLNode: @unchecked Sendable {}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmedForOverride: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

extension ConfigOverride {
    /// An override setting `key` to a number (a float in TOML), written at `file:line`.
    public static func number(key: String, value: Double, file: String, line: Int?) -> ConfigOverride {
        ConfigOverride(key: key, value: .float(value), file: file, line: line)
    }
}
