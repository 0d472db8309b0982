import InferenceLabCore

/// A config given as plain values: dotted TOML keys (`hardware.compute_flops`,
/// `workload.input_len_dist.type`) each set to a number or a piece of text.
///
/// It is how the WebAssembly build receives a config: JavaScript flattens a TOML file (or a
/// form) into keys and values, and numbers cross as IEEE doubles, so nothing is parsed from
/// decimal text here (Embedded Swift has no `Double(String)`). Like the TOML loader,
/// ``build()`` is driven by ``ConfigSchema``: it converts each declared key to its kind and
/// lets ``ConfigTableSchema/apply(_:to:)`` apply defaults, requirements and hooks, so the same
/// keys give the same ``SimulatorConfig`` as `ConfigLoader` gives for the TOML file:
///
/// - a table with no key set takes its value from ``SimulatorConfig/default``;
/// - inside a table with some key set, a key is required only where it is used and the
///   others take the reader's defaults (optional model and hardware numbers stay unset);
/// - `compute_flops` may be replaced by `compute_flops_bf16` / `compute_flops_fp8`, picked
///   by `bytes_per_param`; `kv_cache_capacity = 0` means "derive";
/// - booleans and names are text (`true`, `false`, `fcfs`, `lognormal`, case-insensitive for
///   choices); integers are numbers with no fraction, or decimal text (for seeds above 2^53).
///
/// Not supported here: `preset` (the page resolves presets from the catalog before setting
/// keys, exactly as the loader merges them) and trace replay (there are no files).
/// `engine.vllm_version` is recorded (it still picks vLLM's scheduler defaults here); the
/// page merges the engine profile's cost keys itself (`resolvePresets` and
/// `resolveEngineFlat` in tools/web/inference-lab.js), as it does for presets.
public struct FlatConfig: Sendable {
    /// A key's value.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    private var entries: [(key: String, value: Value)] = []

    public init() {}

    /// Every key this builder accepts, `table.key` (distribution keys under
    /// `workload.input_len_dist.` and `workload.output_len_dist.`): the schema's keys but
    /// those the browser cannot use (``ConfigKey/unavailableInBrowser``).
    public static let knownKeys: [String] = {
        var keys: [String] = [], distributionKeys: [String] = []
        for table in ConfigSchema.tables {
            for key in table.keys where key.unavailableInBrowser == nil {
                if case .distribution = key.kind {
                    for k in LengthDistributionSchema.allKeys { distributionKeys.append(table.name + "." + key.name + "." + k) }
                } else {
                    keys.append(table.name + "." + key.name)
                }
            }
        }
        return keys + distributionKeys
    }()

    /// Sets `key` (a later value for the same key replaces the earlier one).
    /// - Throws: an unknown key, with the valid keys of its table.
    public mutating func set(_ key: String, _ value: Value) throws(ConfigIssue) {
        guard FlatConfig.knownKeys.contains(where: { same($0, key) }) else {
            var message = "unknown key"
            if let reason = FlatConfig.declaredKey(key)?.unavailableInBrowser { message += " (" + reason + ")" }
            throw ConfigIssue(.error, key: key, message)
        }
        if let i = entries.firstIndex(where: { same($0.key, key) }) { entries[i].value = value }
        else { entries.append((key, value)) }
    }

    /// Removes every key.
    public mutating func removeAll() { entries.removeAll() }

    /// The keys set so far, in the order first set.
    public var keys: [String] { entries.map { $0.key } }

    // MARK: - Reading values

    private func value(_ key: String) -> Value? {
        entries.first(where: { same($0.key, key) })?.value
    }

    private func has(_ key: String) -> Bool { value(key) != nil }

    private func tablePresent(_ table: String) -> Bool {
        let prefix = table + "."
        return entries.contains { hasPrefix($0.key, prefix) }
    }

    /// The schema's declaration of `table.key`, if any.
    private static func declaredKey(_ dotted: String) -> ConfigKey? {
        for table in ConfigSchema.tables where hasPrefix(dotted, table.name + ".") {
            let name = String(decoding: Array(dotted.utf8.dropFirst(table.name.utf8.count + 1)), as: UTF8.self)
            return table.key(name)
        }
        return nil
    }

    private func double(_ key: String) throws(ConfigIssue) -> Double? {
        switch value(key) {
        case nil: return nil
        case .number(let x)?: return x
        case .text(let t)?:
            if let i = FlatConfig.parseInteger(t) { return Double(i) }
            throw ConfigIssue(.error, key: key, "expected a number, got the string \"" + t + "\"")
        }
    }

    private func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigIssue) -> Int? {
        let i: Int64
        switch value(key) {
        case nil: return nil
        case .number(let x)?:
            guard x == x.rounded(), abs(x) <= 9_007_199_254_740_992 else {
                throw ConfigIssue(.error, key: key, "expected an integer, got a number with a fraction")
            }
            i = Int64(x)
        case .text(let t)?:
            guard let parsed = FlatConfig.parseInteger(t) else {
                throw ConfigIssue(.error, key: key, "expected an integer, got the string \"" + t + "\"")
            }
            i = parsed
        }
        guard i >= Int64(range.lowerBound) else { throw ConfigIssue(.error, key: key, FlatConfig.tooSmall(range.lowerBound)) }
        guard i <= Int64(range.upperBound) else {
            throw ConfigIssue(.error, key: key, "must be at most " + String(range.upperBound) + ", got " + String(i))
        }
        return Int(i)
    }

    private static func tooSmall(_ minimum: Int) -> String {
        minimum == 0 ? "must be a non-negative integer" : "must be a positive integer"
    }

    private func text(_ key: String) throws(ConfigIssue) -> String? {
        switch value(key) {
        case nil: return nil
        case .text(let t)?: return t
        case .number?: throw ConfigIssue(.error, key: key, "expected a string, got a number")
        }
    }

    private func bool(_ key: String) throws(ConfigIssue) -> Bool? {
        guard let t = try text(key) else { return nil }
        if same(t, "true") { return true }
        if same(t, "false") { return false }
        throw ConfigIssue(.error, key: key, "expected a boolean (true or false), got \"" + t + "\"")
    }

    private func choice(_ key: String, among choices: [String]) throws(ConfigIssue) -> String? {
        guard let raw = try text(key) else { return nil }
        let lower = FlatConfig.asciiLowercased(raw)
        for c in choices where same(c, lower) { return c }
        var valid = ""
        for c in choices { valid += (valid.isEmpty ? "" : ", ") + c }
        throw ConfigIssue(.error, key: key, "unknown value \"" + raw + "\"; valid values: " + valid)
    }

    // MARK: - Building

    /// The config these keys describe (not yet validated: ``Simulator`` validates it).
    /// - Throws: the first wrong value or missing key, naming the key.
    public func build() throws(ConfigIssue) -> SimulatorConfig {
        var config = SimulatorConfig.default
        for table in ConfigSchema.tables {
            guard tablePresent(table.name) || table.readsDefaultsWhenAbsent else { continue }
            var read: [(name: String, value: ConfigValue)] = []
            for key in table.keys where key.unavailableInBrowser == nil {
                if let v = try convert(key, table.name + "." + key.name) { read.append((key.name, v)) }
            }
            let values = read, prefix = table.name + "."
            let input = ConfigTableInput(
                value: { name in values.first(where: { same($0.name, name) })?.value },
                isPresent: { name in self.has(prefix + name) || self.tablePresent(prefix + name) })
            if let m = table.apply(input, to: &config).first {
                throw ConfigIssue(.error, key: prefix + m.name, m.shortMessage)
            }
        }
        ConfigSchema.applyVLLMDefaults(&config) { self.has($0) }
        return config
    }

    /// `key`'s value converted to its declared kind, or nil when it is not set.
    private func convert(_ key: ConfigKey, _ dotted: String) throws(ConfigIssue) -> ConfigValue? {
        switch key.kind {
        case .integer(let range): return try integer(dotted, in: range).map { .integer($0) }
        case .number: return try double(dotted).map { .number($0) }
        case .boolean: return try bool(dotted).map { .boolean($0) }
        case .text: return try text(dotted).map { .text($0) }
        case .choice(let choices, _):
            guard let c = try choice(dotted, among: choices) else { return nil }
            // The browser has no files to replay.
            if same(dotted, "workload.arrival_pattern") && same(c, "trace") {
                throw ConfigIssue(.error, key: dotted, "\"trace\" needs a trace file: use the command-line tool")
            }
            return .text(c)
        case .distribution: return try distribution(dotted).map { .distribution($0) }
        }
    }

    /// A length distribution from `table.type` and that type's keys; nil when no key of it is set.
    private func distribution(_ table: String) throws(ConfigIssue) -> LengthDistribution? {
        guard tablePresent(table) else { return nil }
        let rawType = try require(try text(table + ".type"), table, because: "(a length distribution with a type)")
        let type = FlatConfig.asciiLowercased(rawType)
        guard let shape = LengthDistributionSchema.shape(type) else {
            var valid = ""
            for t in LengthDistributionSchema.types { valid += (valid.isEmpty ? "" : ", ") + t }
            throw ConfigIssue(.error, key: table + ".type", "unknown distribution type \"" + rawType + "\"; valid values: " + valid)
        }
        let allowed = shape.keys
        for e in entries where hasPrefix(e.key, table + ".") {
            let k = String(decoding: Array(e.key.utf8.dropFirst(table.utf8.count + 1)), as: UTF8.self)
            if !allowed.contains(where: { same($0, k) }) {
                throw ConfigIssue(.error, key: e.key, "unknown key for type = \"" + type + "\"")
            }
        }
        var read: [(name: String, value: ConfigValue)] = []
        for p in shape.parameters {
            let dotted = table + "." + p.name
            switch p.kind {
            case .integer(let range): if let i = try integer(dotted, in: range) { read.append((p.name, .integer(i))) }
            default: if let x = try double(dotted) { read.append((p.name, .number(x))) }
            }
        }
        let values = read
        let (d, missing) = LengthDistributionSchema.make(type: type, ConfigTableInput(
            value: { name in values.first(where: { same($0.name, name) })?.value },
            isPresent: { name in self.has(table + "." + name) }))
        if let m = missing.first { throw ConfigIssue(.error, key: table + "." + m.name, m.shortMessage) }
        return d
    }

    private func require<T>(_ v: T?, _ key: String, because reason: String) throws(ConfigIssue) -> T {
        guard let v else { throw ConfigIssue(.error, key: key, "is required " + reason) }
        return v
    }

    // MARK: - Text helpers (ASCII only: no Unicode tables needed)

    /// A decimal integer (optional sign, digits, `_` separators as in TOML), or nil.
    public static func parseInteger(_ t: String) -> Int64? {
        var value: Int64 = 0, negative = false, digits = 0, first = true
        for b in t.utf8 {
            defer { first = false }
            if first && (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) { negative = b == UInt8(ascii: "-"); continue }
            if b == UInt8(ascii: "_") && digits > 0 { continue }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = s
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    static func asciiLowercased(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        for b in s.utf8 { bytes.append(b >= 65 && b <= 90 ? b + 32 : b) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Byte-wise string equality (no Unicode normalisation, so no Unicode tables in the module).
@inline(__always)
func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// Byte-wise prefix test.
func hasPrefix(_ s: String, _ prefix: String) -> Bool { s.utf8.starts(with: prefix.utf8) }
