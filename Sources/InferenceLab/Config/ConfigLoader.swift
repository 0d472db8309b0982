import TOMLKit

/// Reads TOML config files into a validated ``SimulatorConfig``.
///
/// The schema is the original inference-lab's five tables (`[hardware]`, `[model]`,
/// `[scheduler]`, `[workload]` with `[workload.input_len_dist]` / `[workload.output_len_dist]`,
/// `[simulation]`) plus our additions and `[compute]`, as ``ConfigSchema`` declares them (every
/// key's type, default, requirement and range). Unlike the original, reading is strict:
/// an unknown table or key, a wrong type or an out-of-range value is an ``InputError`` naming
/// the file, the 1-based line and the dotted key, with a "did you mean …?" for misspellings.
///
/// - A table the file leaves out takes the value of ``SimulatorConfig/default`` (the values of
///   `configs/config.toml`); a missing `[simulation]` means `log_interval = 100`.
/// - A key is required only where it is used and has no sensible default: the hardware and
///   model numbers when those tables are present, `arrival_pattern`, `arrival_rate` for
///   poisson/gamma/uniform/fixed_rate, and the length distributions for every pattern but
///   `trace`. `kv_cache_capacity = 0` means "derive it", as in the original.
/// - Numbers: integers are accepted where a float is expected; counts and sizes must be
///   integers in 0...2³¹−1; `seed` is a non-negative integer.
/// - Enumerated values (`policy`, `arrival_pattern`, distribution `type`, `[compute] model`)
///   ignore case.
/// - After reading, ``SimulatorConfig/validate()`` runs: its first error is thrown (located at
///   the key it names), its warnings are returned in ``LoadedConfig/warnings``.
/// - `[hardware]`, `[model]` and `[compute]` may start from a catalog preset
///   (`preset = "h100-sxm"`, ``Catalog``); the table's other keys override the preset's.
/// - `[hardware]` may give the peak per precision (`compute_flops_bf16`, `compute_flops_fp8`)
///   instead of `compute_flops`; `bytes_per_param` (1 = FP8) picks one.
/// - `trace_path` is kept as written (relative paths are relative to the working directory).
///
/// Tools exit with ``InputError/exitCode`` (2) when this throws.
public enum ConfigLoader {
    /// Reads and validates the config file at `path`.
    ///
    /// - Throws: ``InputError`` if the file cannot be read, is not UTF-8 TOML, or does not
    ///   describe a valid configuration.
    /// - Parameter overrides: dotted keys applied to the document as if written in it, before
    ///   presets resolve (``ConfigOverride``); a problem at one names where it was written.
    public static func load(path: String, overrides: [ConfigOverride] = []) throws(InputError) -> LoadedConfig {
        let text: String
        switch ConfigFileReader.readText(path: path) {
        case .success(let t): text = t
        case .failure(let reason): throw InputError(file: path, message: reason.message)
        }
        return try parse(text, file: path, overrides: overrides)
    }

    /// The built-in default configuration (``SimulatorConfig/default``, the values of
    /// `configs/config.toml`) with its warnings, named `<built-in default>`.
    public static func builtInDefault() -> LoadedConfig {
        let config = SimulatorConfig.default
        let warnings = config.validate().filter { $0.severity == .warning }.map {
            "<built-in default>: warning: \($0.key): \($0.message)"
        }
        return LoadedConfig(config: config, warnings: warnings)
    }

    /// Where the value of a dotted `key` that the file does not state came from, as a
    /// parenthesis for a warning: the built-in default table, or the table's preset.
    private static func origin(of key: String, root: [String: TOMLNode]) -> String {
        guard let table = key.split(separator: ".").first.map(String.init) else { return "" }
        guard case .table(let entries)? = root[table] else {
            return " (from the built-in default [\(table)]: the file has no [\(table)] table)"
        }
        if case .string(let preset)? = entries["preset"] { return " (from preset \"\(preset)\")" }
        return ""
    }

    /// Parses and validates config text.
    ///
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - file: how to name the source in messages (usually its path).
    /// - Throws: ``InputError`` on a syntax error (with line and column), a schema error or a
    ///   validation error (with line and key).
    ///   - configDirectory: where to look for presets first (default: the directory of `file`).
    ///   - overrides: dotted keys set as if the text had them (``ConfigOverride``).
    public static func parse(_ text: String, file: String, configDirectory: String? = nil,
                             overrides: [ConfigOverride] = []) throws(InputError) -> LoadedConfig {
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            throw InputError(file: file, line: line, message: "contains a NUL byte; a config must be TOML text")
        }
        var root = try TOMLNode.parseDocument(text, file: file)

        try ConfigOverride.apply(overrides, to: &root)
        let locator = TOMLKeyLocator(source: text)
        let diagnostics = ConfigDiagnostics(file: file, locator: locator, overrides: overrides)
        var reader = ConfigDocumentReader(root: root, diagnostics: diagnostics,
                                          configDirectory: configDirectory ?? Catalog.directory(of: file))
        let config = reader.read()
        if let error = reader.diagnostics.firstError { throw error }

        var warnings: [String] = []
        for (path, message) in reader.warnings {
            let (warnFile, warnLine) = diagnostics.place(of: path)
            let place = warnLine.map { "\(warnFile):\($0)" } ?? warnFile
            warnings.append("\(place): warning: \(path.joined(separator: ".")): \(message)")
        }
        for issue in config.validate() {
            let (issueFile, line) = diagnostics.place(of: issue.key.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
            switch issue.severity {
            case .error:
                throw InputError(file: issueFile, line: line, field: issue.key, message: issue.message)
            case .warning:
                let place = line.map { "\(issueFile):\($0)" } ?? issueFile
                let source = line == nil ? origin(of: issue.key, root: root) : ""
                warnings.append("\(place): warning: \(issue.key)\(source): \(issue.message)")
            }
        }
        return LoadedConfig(config: config, warnings: warnings)
    }

    /// Places an issue found after loading (a simulation that stopped on a time that is not
    /// finite, ``Simulator/error``) at the line of the config file that sets its key.
    ///
    /// - Parameters:
    ///   - issue: the problem, naming a dotted config key.
    ///   - path: the config file, or nil for the built-in default (no line then; nor when the
    ///     file does not set the key, e.g. when it comes from a preset).
    public static func locate(_ issue: ConfigIssue, path: String?) -> InputError {
        guard let path else { return InputError(file: "<built-in default>", field: issue.key, issue.message) }
        var line: Int?
        if case .success(let text) = ConfigFileReader.readText(path: path) {
            line = TOMLKeyLocator(source: text).line(ofDotted: issue.key)
        }
        return InputError(file: path, line: line, field: issue.key, issue.message)
    }
}
