/// `[[cluster.pool]]`: the pools of a fleet, each read as the fleet's document with the pool's
/// own `[hardware]`, `[scheduler]`, `[compute]` and `[engine]` keys over the fleet's
/// (`[cluster.pool.hardware]` after a `[[cluster.pool]]` header belongs to that pool), or over
/// the built-in default's table when the file has none. A pool table that names a `preset`
/// starts from that preset instead.
///
/// A pool's node goes through the same reading as the fleet's (presets, a derived KV pool, the
/// GPU's calibration profile); a problem in a key the pool sets is reported at the pool's key
/// (`cluster.pool[1].hardware.tensor_parallel_size`, pools counted from 0), anything else at
/// the fleet's.
extension ConfigDocumentReader {
    /// Reads every pool of `entries` (the value of `cluster.pool`).
    mutating func readPools(_ entries: TOMLNode) -> [ReplicaPool] {
        guard case .array(let items) = entries else {
            diagnostics.report(.value, at: ["cluster", "pool"],
                               "expected an array of tables ([[cluster.pool]] entries), got \(entries.kindAndValue)")
            return []
        }
        var pools: [ReplicaPool] = []
        for (i, item) in items.enumerated() {
            if let pool = readPool(item, index: i) { pools.append(pool) }
        }
        return pools
    }

    private mutating func readPool(_ item: TOMLNode, index i: Int) -> ReplicaPool? {
        let path = ["cluster", "pool[\(i)]"]
        guard case .table(let entries) = item else {
            diagnostics.report(.value, at: path, "expected a table ([[cluster.pool]]), got \(item.kindAndValue)")
            return nil
        }
        let own = ConfigTableReader(path: path, node: item)
        own.rejectUnknownKeys(allowed: ConfigSchema.clusterPool.keyNames + ReplicaPool.tableNames,
                              context: "a [[cluster.pool]] entry", &diagnostics)
        // The entry's own keys, through their schema, into a pool of the default node.
        var entry = SimulatorConfig.default.withPoolEntry(ReplicaPool(name: "", node: .default))
        read(own, as: ConfigSchema.clusterPool, into: &entry)
        let fields = entry.cluster.pools[0]

        // The fleet's document with the pool's tables merged over its own.
        var merged = root
        var overridden: [String: Set<String>] = [:]
        for table in ReplicaPool.tableNames {
            guard let node = entries[table] else { continue }
            guard case .table(let poolKeys) = node else {
                diagnostics.report(.value, at: path + [table], "expected a table ([cluster.pool.\(table)]), got \(node.kindAndValue)")
                continue
            }
            // A pool table that names a preset starts from that preset alone; otherwise its
            // keys go over the fleet's table.
            var base: [String: TOMLNode] = [:]
            if poolKeys["preset"] == nil {
                if case .table(let t)? = root[table] { base = t } else { base = Self.builtInTable(table) }
            }
            for (key, value) in poolKeys { base[key] = value }
            merged[table] = .table(base)
            overridden[table] = Set(poolKeys.keys)
        }
        merged["cluster"] = nil
        var poolDiagnostics = diagnostics.child { dotted in
            guard let table = dotted.first, let keys = overridden[table] else { return dotted }
            if dotted.count == 1 || keys.contains(dotted[1]) { return path + dotted }
            return dotted
        }
        var reader = ConfigDocumentReader(root: merged, diagnostics: poolDiagnostics, configDirectory: configDirectory)
        let node = reader.read()
        poolDiagnostics = reader.diagnostics
        diagnostics.absorb(poolDiagnostics)
        for (warningPath, message) in reader.warnings {
            let mapped = poolDiagnostics.mapped(warningPath)
            if mapped != warningPath { warnings.append((mapped, message)) }
        }
        guard own.has("name") else { return nil }
        return ReplicaPool(name: fields.name, role: fields.role, replicas: fields.replicas, node: node)
    }

    /// The built-in default's table `name` as TOML (what a file without the table gets), for a
    /// pool that sets some of its keys.
    static func builtInTable(_ name: String) -> [String: TOMLNode] {
        var entries: [String: TOMLNode] = [:]
        guard let schema = ConfigSchema.table(name) else { return entries }
        for key in schema.keys {
            switch key.get(SimulatorConfig.default) {
            case .integer(let i)?: entries[key.name] = .integer(i)
            case .unsigned(let u)?: entries[key.name] = .integer(Int(u))
            case .number(let x)?: entries[key.name] = .float(x)
            case .boolean(let b)?: entries[key.name] = .boolean(b)
            case .text(let t)?: entries[key.name] = .string(t)
            case .distribution?, nil: continue
            }
        }
        return entries
    }
}
