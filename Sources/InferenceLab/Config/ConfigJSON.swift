/// The fully resolved configuration as one compact JSON object, for the event-log header.
///
/// Tables and keys have the TOML names, in a fixed order:
/// `{"hardware":{…},"model":{…},"scheduler":{…},"workload":{…,"input_len_dist":{"type":…},
/// "output_len_dist":{…}},"compute":{…},"engine":{…},"simulation":{"log_interval":…},"derived":{…}}`;
/// `"engine"` only when `[engine]` has a non-zero cost or names a `vllm_version`.
/// Optional values that are `nil` are left out. Numbers are written with Swift's shortest
/// round-trip representation (`1.513e+15`), so they read back to the same `Double`;
/// non-finite numbers become `null`. `"derived"` holds the values the simulation computes from
/// the config: `kv_bytes_per_token`, `kv_pool_bytes`, `usable_kv_blocks`, `weight_bytes` and the
/// effective `long_prefill_token_threshold`.
public func resolvedConfigJSON(_ config: SimulatorConfig) -> String {
    var root = ConfigJSONObject()
    // Every table and key of the schema, in declaration order; a key whose `inHeaderWhen`
    // says no (e.g. `tensor_parallel_size` = 1, so single-GPU headers keep their bytes) or
    // whose value is unset is left out.
    for table in ConfigSchema.tables where table.inHeaderWhen?(config) ?? true {
        var object = tableObject(table, config)
        if table.name == "cluster" && !config.cluster.pools.isEmpty {
            object.add("pools", raw: "[" + config.cluster.pools.map { poolObject($0, config).text }.joined(separator: ",") + "]")
        }
        root.add(table.name, object: object)
    }
    root.add("derived", object: derivedObject(config))
    return root.text
}

/// One table's keys, in declaration order.
private func tableObject(_ table: ConfigTableSchema, _ config: SimulatorConfig) -> ConfigJSONObject {
    var object = ConfigJSONObject()
    for key in table.keys where key.inHeaderWhen?(config) ?? true {
        if let value = key.get(config) { object.add(key.name, value) }
    }
    return object
}

/// The values the simulation computes from a node's config.
private func derivedObject(_ config: SimulatorConfig) -> ConfigJSONObject {
    var derived = ConfigJSONObject()
    derived.add("kv_bytes_per_token", config.kvBytesPerToken)
    derived.add("kv_pool_bytes", config.kvPoolBytes)
    derived.add("usable_kv_blocks", config.usableKVBlocks)
    derived.add("weight_bytes", config.weightBytes)
    derived.add("long_prefill_token_threshold", config.effectiveLongPrefillThreshold)
    return derived
}

/// A `[[cluster.pool]]` entry: `{"name":…,"role":…,"replicas":…,"hardware":{…},"scheduler":{…},
/// "compute":{…},"engine":{…},"derived":{…}}`, its tables resolved as the pool's node has them.
private func poolObject(_ pool: ReplicaPool, _ fleet: SimulatorConfig) -> ConfigJSONObject {
    let node = fleet.node(of: pool)
    var object = tableObject(ConfigSchema.clusterPool, fleet.withPoolEntry(pool))
    for table in ConfigSchema.tables where ReplicaPool.tableNames.contains(table.name) {
        object.add(table.name, object: tableObject(table, node))
    }
    object.add("derived", object: derivedObject(node))
    return object
}

/// A JSON object built member by member, in insertion order.
private struct ConfigJSONObject {
    private var members: [String] = []

    var text: String { "{" + members.joined(separator: ",") + "}" }

    mutating func add(_ key: String, raw: String) {
        members.append(jsonString(key) + ":" + raw)
    }

    mutating func add(_ key: String, string value: String) { add(key, raw: jsonString(value)) }
    mutating func add(_ key: String, object: ConfigJSONObject) { add(key, raw: object.text) }
    mutating func add(_ key: String, _ value: Bool) { add(key, raw: value ? "true" : "false") }
    mutating func add(_ key: String, _ value: Int) { add(key, raw: String(value)) }
    mutating func add(_ key: String, _ value: Double) {
        add(key, raw: value.isFinite ? value.description : "null")
    }

    /// A schema value: a distribution as an object with its `type` first.
    mutating func add(_ key: String, _ value: ConfigValue) {
        switch value {
        case .integer(let i): add(key, i)
        case .unsigned(let u): add(key, raw: String(u))
        case .number(let x): add(key, x)
        case .boolean(let b): add(key, b)
        case .text(let t): add(key, string: t)
        case .distribution(let d):
            let (type, parameters) = LengthDistributionSchema.parameters(of: d)
            var object = ConfigJSONObject()
            object.add("type", string: type)
            for p in parameters { object.add(p.name, p.value) }
            add(key, object: object)
        }
    }
}

/// `value` as a JSON string literal.
private func jsonString(_ value: String) -> String { JSONText.string(value) }
