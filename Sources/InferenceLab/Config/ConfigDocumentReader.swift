/// Turns a parsed TOML document into a ``SimulatorConfig``, table by table, driven by the
/// declarations of ``ConfigSchema``.
///
/// A table the file leaves out takes its value from ``SimulatorConfig/default`` (the values of
/// `configs/config.toml`); `[simulation]` takes the original's default `log_interval = 100`.
/// Inside a table that is present, every declared key is converted to its declared kind (a
/// wrong type or a count out of range is reported), and ``ConfigTableSchema/apply(_:to:)``
/// sets the fields: a value read, else the key's default, else a missing-key report for a
/// required key (the hardware and model numbers, the arrival pattern, the arrival rate of a
/// rate-driven pattern, the length distributions of a generator).
///
/// `[hardware]`, `[model]` and `[compute]` may name a catalog preset (`preset = "h100-sxm"`,
/// see ``Catalog``): the preset's table is read first and the file's own keys in that table
/// override it.
struct ConfigDocumentReader {
    var root: [String: TOMLNode]
    var diagnostics: ConfigDiagnostics
    /// The config file's directory, where presets are looked for first.
    let configDirectory: String?
    /// Keys that are valid but have no effect here (a closed-loop key with Poisson arrivals):
    /// where, and why (``ConfigKey/ignoredWhen``).
    var warnings: [(path: [String], message: String)] = []

    init(root: [String: TOMLNode], diagnostics: ConfigDiagnostics, configDirectory: String? = nil) {
        self.root = root
        self.diagnostics = diagnostics
        self.configDirectory = configDirectory
    }

    /// Reads the whole document; check `diagnostics.firstError` before using the result.
    mutating func read() -> SimulatorConfig {
        rejectUnknownTables()
        // `[[cluster.pool]]` entries are read after the fleet's own tables.
        var poolEntries: TOMLNode?
        if case .table(var cluster)? = root["cluster"], let pools = cluster.removeValue(forKey: "pool") {
            poolEntries = pools
            root["cluster"] = .table(cluster)
        }
        var config = SimulatorConfig.default
        for schema in ConfigSchema.tables {
            let t = schema.name == "compute" ? computeTable() : table(schema.name)
            guard t.isPresent || schema.readsDefaultsWhenAbsent else { continue }
            read(t, as: schema, into: &config)
        }
        ConfigSchema.applyVLLMDefaults(&config) { dotted in
            let path = dotted.split(separator: ".").map(String.init)
            return ConfigTableReader(path: [path[0]], node: root[path[0]]).has(path[1])
        }
        if let poolEntries {
            config.cluster.pools = readPools(poolEntries)
            if ConfigTableReader(path: ["cluster"], node: root["cluster"]).has("replicas") {
                diagnostics.report(.value, at: ["cluster", "replicas"],
                                   "give either [cluster] replicas or [[cluster.pool]] entries (each with its replicas), not both")
            }
            if !config.cluster.pools.isEmpty {
                config.cluster.replicas = config.cluster.pools.reduce(0) { $0 + $1.replicas }
            }
        }
        return config
    }

    /// Converts every key of one table and sets the table's fields of `config`.
    mutating func read(_ t: ConfigTableReader, as schema: ConfigTableSchema, into config: inout SimulatorConfig) {
        var values: [String: ConfigValue] = [:]
        for key in schema.keys where t.has(key.name) {
            if case .distribution = key.kind {
                values[key.name] = readDistribution(in: t, key: key.name)
            } else {
                values[key.name] = t.value(of: key, &diagnostics)
            }
        }
        // A distribution left out is reported by `apply` when it is required.
        let input = ConfigTableInput(value: { values[$0] }, isPresent: { t.has($0) })
        for key in schema.keys where t.has(key.name) {
            if let message = key.ignoredWhen?(input) { warnings.append((t.path + [key.name], message)) }
        }
        t.report(schema.apply(input, to: &config), &diagnostics)
    }

    /// The top-level table `name`, with its unknown keys reported and its preset merged.
    mutating func table(_ name: String) -> ConfigTableReader {
        let own = ConfigTableReader(path: [name], node: root[name])
        let keys = ConfigSchema.keys(of: name)
        if own.isPresent, let keys {
            own.rejectUnknownKeys(allowed: keys, &diagnostics)
        }
        guard let kind = Catalog.Kind.allCases.first(where: { $0.table == name }),
              let presetDeclaration = ConfigSchema.table(name)?.presetKey, case let presetKey = presetDeclaration.name,
              own.has(presetKey), let value = own.string(presetKey, &diagnostics) else { return own }
        let preset = kind.presetName(for: value)
        // The preset's table, overridden key by key by the file's.
        let entry: Catalog.Entry
        switch Catalog.find(kind, named: preset, configDirectory: configDirectory) {
        case .success(let e): entry = e
        case .failure(let f):
            diagnostics.report(.value, at: [name, presetKey], f.message)
            return own
        }
        return merged(own, over: entry, table: name, kind: kind)
    }

    /// `own`'s keys (but the preset key) over the `[name]` table of the `kind` preset `entry`.
    private mutating func merged(_ own: ConfigTableReader, over entry: Catalog.Entry, table name: String,
                                 kind: Catalog.Kind) -> ConfigTableReader {
        let presetKey = kind.presetKey
        let keys = ConfigSchema.keys(of: name)
        let presetDeclaration = ConfigSchema.table(name)?.presetKey
        let presetRoot: [String: TOMLNode]
        do {
            presetRoot = try TOMLNode.parseDocument(entry.text)
        } catch {
            diagnostics.report(.value, at: [name, presetKey], "\(entry.source): TOML syntax error: \(error)")
            return own
        }
        guard case .table(var merged)? = presetRoot[name] else {
            diagnostics.report(.value, at: [name, presetKey], "\(entry.source) has no [\(name)] table")
            return own
        }
        if let keys {
            ConfigTableReader(path: [name], node: .table(merged))
                .rejectUnknownKeys(allowed: keys, context: "[\(name)] of preset \(entry.source)", &diagnostics)
        }
        if merged[presetKey] != nil {
            diagnostics.report(.value, at: [name, presetKey],
                               "preset \(entry.source) names another preset in its [\(name)] table; presets do not nest (copy that preset's keys into it instead)")
            return own
        }
        // A preset name is dropped; a stored value that names a preset (`vllm_version`) is kept.
        let dropsPresetKey: Bool
        if case .presetName? = presetDeclaration?.role { dropsPresetKey = true } else { dropsPresetKey = false }
        for (key, value) in own.entries where key != presetKey || !dropsPresetKey { merged[key] = value }
        return ConfigTableReader(path: [name], node: .table(merged))
    }

    /// `[compute]`, where a catalog GPU's calibration profile stands in for what the file leaves
    /// out (``Catalog/calibrationProfile(forHardwarePreset:configDirectory:)``):
    ///
    /// - no `[compute]` table, and `[hardware] preset` names a GPU with a profile: that profile
    ///   (`model = "calibrated"`); a GPU without one, or hand-written hardware: the default;
    /// - `model = "calibrated"` with neither `preset` nor any factor key: the profile of
    ///   `[hardware] preset`, the file's other keys over it; an error naming the GPUs that
    ///   have one when there is none.
    mutating func computeTable() -> ConfigTableReader {
        let own = table("compute")
        var model: String?
        if case .string(let m)? = own.entries["model"] { model = m }
        guard ConfigSchema.computeUsesHardwareProfile(tablePresent: own.isPresent, model: model,
                                                      isGiven: { own.has($0) }) else { return own }
        let gpu: String?
        if case .table(let hw)? = root["hardware"], case .string(let name)? = hw["preset"], !name.hasSuffix(".toml") {
            gpu = name
        } else {
            gpu = nil
        }
        let profile = gpu.flatMap { Catalog.calibrationProfile(forHardwarePreset: $0, configDirectory: configDirectory) }
        if let profile { return merged(own, over: profile, table: "compute", kind: .calibration) }
        guard own.isPresent else { return own }
        let gpus = Catalog.hardwareWithCalibrationProfiles().joined(separator: ", ")
        let which = gpu.map { "[hardware] preset \"\($0)\" has no calibration profile" }
            ?? "the hardware is not a catalog GPU ([hardware] preset)"
        diagnostics.report(.value, at: ["compute", "model"],
                           "model = \"calibrated\" without a preset or factors needs a calibration profile, but \(which); "
                           + "GPUs with one: \(gpus) (or set [compute] preset, or the factors)")
        return own
    }

    /// Top-level entries must be the known tables.
    private mutating func rejectUnknownTables() {
        let names = ConfigSchema.tableNames
        let valid = names.map { "[\($0)]" }.joined(separator: ", ")
        for key in root.keys.sorted() {
            let node = root[key]!
            if names.contains(key) {
                if case .table = node { continue }
                diagnostics.report(.value, at: [key], "expected a table ([\(key)]), got \(node.kindAndValue)")
                continue
            }
            var message: String
            if case .table = node {
                message = "unknown table [\(key)]"
                if let near = NameSuggestion.nearest(to: key, among: names) {
                    message += "; did you mean [\(near)]?"
                } else {
                    message += "; valid tables: \(valid)"
                }
            } else {
                message = "unknown key at the top level"
                if let home = ConfigSchema.table(defining: key) {
                    message += "; \"\(key)\" belongs in [\(home)]"
                } else {
                    message += "; every key belongs in one of the tables \(valid)"
                }
            }
            diagnostics.report(.structure, at: [key], message)
        }
    }
}
