extension ConfigSchema {
    /// `[cluster]`: a fleet of replicas of the node the other tables describe, behind a router
    /// (docs/fleet.md). Present, it makes the run a fleet (schema `inference-lab.events/2`);
    /// left out, the run is one node and nothing about it changes. Written into the event-log
    /// header only for a fleet.
    public static let cluster = ConfigTableSchema("cluster", keys: [
        ConfigKey("replicas", .count, default: .value(.integer(1)), range: .positive, unit: "replicas",
                  doc: "≥ 1; identical copies of the node the other tables describe", unavailableInBrowser: fleetsInTheCLI,
                  get: { .integer($0.cluster.replicas) },
                  set: { c, v in if let i = v?.integerValue { c.cluster.replicas = i } }),
        ConfigKey("router", .choice(choices(RouterPolicy.self), label: "router"), default: .value(.text("round_robin")),
                  doc: "`round_robin`, `random`, `least_outstanding`, `least_tokens`, `least_kv`, `prefix_affinity`, `session_affinity`, `weighted` ([fleet.md](fleet.md#routers))",
                  unavailableInBrowser: fleetsInTheCLI,
                  get: { .text($0.cluster.router.rawValue) },
                  set: { c, v in if let p = choice(v, as: RouterPolicy.self) { c.cluster.router = p } }),
        ConfigKey("router_refresh_interval", .number, default: .value(.number(0)), range: .nonNegativeSeconds, unit: "s",
                  doc: "≥ 0, finite; the router sees each replica's load as of its last refresh, every this many seconds (0: the exact current load)",
                  unavailableInBrowser: fleetsInTheCLI,
                  get: { .number($0.cluster.routerRefreshInterval) },
                  set: { c, v in if let x = v?.numberValue { c.cluster.routerRefreshInterval = x } }),
        // Read as a signed integer: a negative seed is an error, never a trap.
        ConfigKey("router_seed", .integer(0...Int.max), default: .value(.unsigned(0)),
                  doc: "0 … 2⁶³−1; seed of the `random` router", unavailableInBrowser: fleetsInTheCLI,
                  get: { .unsigned($0.cluster.routerSeed) },
                  set: { c, v in
                      switch v {
                      case .unsigned(let u)?: c.cluster.routerSeed = u
                      case .integer(let i)? where i >= 0: c.cluster.routerSeed = UInt64(i)
                      default: break
                      }
                  }),
        weightKey("weight_outstanding", default: 1, doc: "≥ 0, finite; `weighted` router: weight of the queue scorer (fewest unfinished requests)",
                  get: { $0.weightOutstanding }, set: { $0.weightOutstanding = $1 }),
        weightKey("weight_tokens", default: 0, doc: "≥ 0, finite; `weighted` router: weight of the outstanding-tokens scorer",
                  get: { $0.weightTokens }, set: { $0.weightTokens = $1 }),
        weightKey("weight_kv", default: 1, doc: "≥ 0, finite; `weighted` router: weight of the KV-use scorer (1 − blocks used / usable)",
                  get: { $0.weightKV }, set: { $0.weightKV = $1 }),
        weightKey("weight_prefix", default: 1, doc: "≥ 0, finite; `weighted` router: weight of the prefix scorer (cached leading blocks / the prompt's blocks)",
                  get: { $0.weightPrefix }, set: { $0.weightPrefix = $1 }),
        ConfigKey("kv_transfer_bandwidth", .number, default: .value(.number(50e9)), range: .positive, unit: "bytes/s",
                  doc: "> 0, finite; disaggregated pools: bytes per second each GPU of a prefill replica sends its shard of a request's KV cache at (50e9: a 400 Gb/s RDMA NIC per GPU)",
                  unavailableInBrowser: fleetsInTheCLI, inHeaderWhen: { $0.isDisaggregated },
                  get: { .number($0.cluster.kvTransferBandwidth) },
                  set: { c, v in if let x = v?.numberValue { c.cluster.kvTransferBandwidth = x } }),
        ConfigKey("kv_transfer_latency", .number, default: .value(.number(0.0005)), range: .nonNegativeSeconds, unit: "s",
                  doc: "≥ 0, finite; disaggregated pools: seconds each KV transfer costs besides its bytes",
                  unavailableInBrowser: fleetsInTheCLI, inHeaderWhen: { $0.isDisaggregated },
                  get: { .number($0.cluster.kvTransferLatency) },
                  set: { c, v in if let x = v?.numberValue { c.cluster.kvTransferLatency = x } }),
    ], resolve: { _, c in
        c.cluster.isEnabled = true
        return []
    }, rules: { c, issues in c.clusterRules(&issues) }, inHeaderWhen: { $0.cluster.isEnabled })

    /// `[[cluster.pool]]`: the keys of one pool entry besides its tables (those are
    /// ``ReplicaPool/tableNames``, read with their own schemas). Not one of ``tables``: an entry
    /// is read once per pool, and these keys read and write the last pool of `cluster.pools`,
    /// the entry being read (or written into the event-log header).
    public static let clusterPool = ConfigTableSchema("cluster.pool", keys: [
        poolKey("name", .text, default: .required, doc: "unique within the fleet",
                get: { .text($0.name) }, set: { p, v in if let t = v.textValue { p.name = t } }),
        poolKey("role", .choice(choices(ReplicaRole.self), label: "role"), default: .value(.text("mixed")),
                doc: "`mixed` (whole requests), `prefill` (the prompt and first token) or `decode` (the output tokens, once the KV cache has moved); a fleet with prefill or decode pools has both and no mixed pool",
                get: { .text($0.role.rawValue) }, set: { p, v in if let r = choice(v, as: ReplicaRole.self) { p.role = r } }),
        poolKey("replicas", .count, default: .value(.integer(1)), range: .positive, unit: "replicas", doc: "≥ 1",
                get: { .integer($0.replicas) }, set: { p, v in if let i = v.integerValue { p.replicas = i } }),
    ])

    /// A key of ``clusterPool``, on the last pool of `cluster.pools`.
    private static func poolKey(
        _ name: String, _ kind: ConfigValueKind, default value: ConfigDefault, range: ConfigRange = .any,
        unit: String = "—", doc: String,
        get: @escaping @Sendable (ReplicaPool) -> ConfigValue,
        set: @escaping @Sendable (inout ReplicaPool, ConfigValue) -> Void
    ) -> ConfigKey {
        ConfigKey(name, kind, default: value, range: range, unit: unit, doc: doc, unavailableInBrowser: fleetsInTheCLI,
                  get: { $0.cluster.pools.last.map(get) },
                  set: { c, v in
                      guard let v, !c.cluster.pools.isEmpty else { return }
                      set(&c.cluster.pools[c.cluster.pools.count - 1], v)
                  })
    }

    /// Why the browser page does not take `[cluster]` keys: it runs one node.
    private static let fleetsInTheCLI = "the browser page runs one node: replay fleets with the command-line tool"

    /// A scorer weight of the `weighted` router.
    private static func weightKey(
        _ name: String, default value: Double, doc: String,
        get: @escaping @Sendable (ClusterConfig) -> Double,
        set: @escaping @Sendable (inout ClusterConfig, Double) -> Void
    ) -> ConfigKey {
        ConfigKey(name, .number, default: .value(.number(value)), range: .nonNegative, doc: doc,
                  unavailableInBrowser: fleetsInTheCLI,
                  get: { .number(get($0.cluster)) },
                  set: { c, v in if let x = v?.numberValue { set(&c.cluster, x) } })
    }
}
