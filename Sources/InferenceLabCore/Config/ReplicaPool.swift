/// What a replica of a fleet does with a request (`[[cluster.pool]] role`; docs/fleet.md).
public enum ReplicaRole: String, CaseIterable, Sendable {
    /// The whole request: prefill and decode on the same replica.
    case mixed
    /// Computes the prompt and the first token (vLLM's prefill instance of a disaggregated
    /// deployment); the request's KV cache then moves to a decode replica.
    case prefill
    /// Generates the output tokens of requests whose prompt a prefill replica computed; admits
    /// a request once its KV cache has arrived.
    case decode
}

/// One `[[cluster.pool]]` entry: `replicas` copies of a node that shares the fleet's model and
/// workload but may have its own `[hardware]`, `[scheduler]`, `[compute]` and `[engine]`
/// (a fleet that mixes GPUs, or disaggregated prefill and decode pools).
public struct ReplicaPool: Sendable, Equatable {
    /// Unique within the fleet; names the pool in messages and the event-log header.
    public var name: String
    public var role: ReplicaRole
    /// Number of replicas (≥ 1).
    public var replicas: Int
    /// The pool's node: the fleet's config with the pool's table overrides applied and
    /// resolved (a preset, a derived KV pool, a calibration profile are the pool's own).
    public var hardware: HardwareConfig
    public var scheduler: SchedulerConfig
    public var compute: ComputeConfig
    public var engine: EngineConfig

    public init(name: String, role: ReplicaRole = .mixed, replicas: Int = 1, hardware: HardwareConfig,
                scheduler: SchedulerConfig, compute: ComputeConfig, engine: EngineConfig) {
        self.name = name
        self.role = role
        self.replicas = replicas
        self.hardware = hardware
        self.scheduler = scheduler
        self.compute = compute
        self.engine = engine
    }

    /// A pool of `config`'s own node.
    public init(name: String, role: ReplicaRole = .mixed, replicas: Int = 1, node config: SimulatorConfig) {
        self.init(name: name, role: role, replicas: replicas, hardware: config.hardware,
                  scheduler: config.scheduler, compute: config.compute, engine: config.engine)
    }

    /// The tables a pool may override.
    public static let tableNames = ["hardware", "scheduler", "compute", "engine"]
}

extension SimulatorConfig {
    /// The node of `pool`: this config with the pool's four tables, and no pools of its own.
    public func node(of pool: ReplicaPool) -> SimulatorConfig {
        var c = self
        c.hardware = pool.hardware
        c.scheduler = pool.scheduler
        c.compute = pool.compute
        c.engine = pool.engine
        c.cluster.pools = []
        c.cluster.replicas = pool.replicas
        return c
    }

    /// The fleet's replicas in order: each one's role and node config. Without pools,
    /// `[cluster] replicas` copies of this node, all `mixed`.
    public var replicaNodes: [(role: ReplicaRole, config: SimulatorConfig)] {
        if cluster.pools.isEmpty {
            return Array(repeating: (.mixed, self), count: max(cluster.replicas, 1))
        }
        var nodes: [(role: ReplicaRole, config: SimulatorConfig)] = []
        for pool in cluster.pools {
            let node = self.node(of: pool)
            for _ in 0..<max(pool.replicas, 1) { nodes.append((pool.role, node)) }
        }
        return nodes
    }

    /// This config with `pool` as its only pool: what the keys of ``ConfigSchema/clusterPool``
    /// (a `[[cluster.pool]]` entry's own keys, which act on the last pool) read and write.
    public func withPoolEntry(_ pool: ReplicaPool) -> SimulatorConfig {
        var c = self
        c.cluster.pools = [pool]
        return c
    }

    /// Whether the fleet has prefill and decode pools (disaggregated serving).
    public var isDisaggregated: Bool { cluster.pools.contains { $0.role != .mixed } }
}

extension SimulatorConfig {
    /// `[cluster]`'s cross-key rules: the pools' names and roles, and each pool's node.
    func clusterRules(_ issues: inout [ConfigIssue]) {
        guard !cluster.pools.isEmpty else { return }
        func error(_ key: String, _ message: String) { issues.append(ConfigIssue(.error, key: key, message)) }
        var names: [String] = []
        var fleetNode = self
        fleetNode.cluster.pools = []
        let fleetIssues = fleetNode.validate()
        for (i, pool) in cluster.pools.enumerated() {
            let key = "cluster.pool[\(i)]"
            if names.contains(pool.name) { error(key + ".name", "\"\(pool.name)\" names two pools; pool names must differ") }
            names.append(pool.name)
            if pool.name.isEmpty { error(key + ".name", "must not be empty") }
            var entryIssues: [ConfigIssue] = []
            ConfigSchema.clusterPool.rangeIssues(withPoolEntry(pool), into: &entryIssues)
            for issue in entryIssues {
                issues.append(ConfigIssue(issue.severity, key: key + issue.key.dropFirst(ConfigSchema.clusterPool.name.count), issue.message))
            }
            if pool.scheduler.blockSize != scheduler.blockSize {
                error(key + ".scheduler.block_size",
                      "(\(pool.scheduler.blockSize)) differs from the fleet's (\(scheduler.blockSize)); every pool caches prefixes in blocks of the same size")
            }
            if pool.scheduler.prefixHashBlockSize != scheduler.prefixHashBlockSize {
                error(key + ".scheduler.prefix_hash_block_size", "differs from the fleet's; every pool hashes prefixes the same way")
            }
            // The pool's node, as a one-node config: its problems the fleet's node does not
            // have, at the pool's keys.
            for issue in node(of: pool).validate() where !issue.key.hasPrefix("cluster.")
                && !fleetIssues.contains(where: { $0.key == issue.key && $0.message == issue.message }) {
                let table = issue.key.split(separator: ".").first.map(String.init) ?? ""
                let poolKey = ReplicaPool.tableNames.contains(table) ? key + "." + issue.key : issue.key
                issues.append(ConfigIssue(issue.severity, key: poolKey, "(pool \"\(pool.name)\") " + issue.message))
            }
        }
        let roles = cluster.pools.map { $0.role }
        let hasPrefill = roles.contains(.prefill), hasDecode = roles.contains(.decode)
        if hasPrefill || hasDecode {
            if let i = roles.firstIndex(of: .mixed) {
                error("cluster.pool[\(i)].role", "a fleet with prefill and decode pools cannot also have mixed pools")
            } else if !hasDecode {
                error("cluster.pool", "prefill pools need at least one decode pool to hand their requests to")
            } else if !hasPrefill {
                error("cluster.pool", "decode pools need at least one prefill pool to compute the prompts")
            }
        }
    }
}
