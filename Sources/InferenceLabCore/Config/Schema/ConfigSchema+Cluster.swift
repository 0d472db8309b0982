extension ConfigSchema {
    /// `[cluster]`: a fleet of replicas of the node the other tables describe, behind a router
    /// (docs/fleet.md). Present, it makes the run a fleet (schema `inference-lab.events/2`);
    /// left out, the run is one node and nothing about it changes. Written into the event-log
    /// header only for a fleet.
    public static let cluster = ConfigTableSchema("cluster", keys: [
        .field("replicas", 1, range: .positive, unit: "replicas",
               doc: "≥ 1; identical copies of the node the other tables describe", unavailableInBrowser: fleetsInTheCLI,
               get: { $0.cluster.replicas }, set: { $0.cluster.replicas = $1 }),
        .choice("router", RouterPolicy.roundRobin, label: "router",
                doc: "`round_robin`, `random`, `least_outstanding`, `least_tokens`, `least_kv`, `prefix_affinity`, `session_affinity`, `weighted` ([fleet.md](fleet.md#routers))",
                unavailableInBrowser: fleetsInTheCLI,
                get: { $0.cluster.router }, set: { $0.cluster.router = $1 }),
        .field("router_refresh_interval", 0, range: .nonNegativeSeconds, unit: "s",
               doc: "≥ 0, finite; the router sees each replica's load as of its last refresh, every this many seconds (0: the exact current load)",
               unavailableInBrowser: fleetsInTheCLI,
               get: { $0.cluster.routerRefreshInterval }, set: { $0.cluster.routerRefreshInterval = $1 }),
        .seed("router_seed", 0, doc: "0 … 2⁶³−1; seed of the `random` router", unavailableInBrowser: fleetsInTheCLI,
              get: { $0.cluster.routerSeed }, set: { $0.cluster.routerSeed = $1 }),
        weightKey("weight_outstanding", default: 1, doc: "≥ 0, finite; `weighted` router: weight of the queue scorer (fewest unfinished requests)",
                  get: { $0.cluster.weightOutstanding }, set: { $0.cluster.weightOutstanding = $1 }),
        weightKey("weight_tokens", default: 0, doc: "≥ 0, finite; `weighted` router: weight of the outstanding-tokens scorer",
                  get: { $0.cluster.weightTokens }, set: { $0.cluster.weightTokens = $1 }),
        weightKey("weight_kv", default: 1, doc: "≥ 0, finite; `weighted` router: weight of the KV-use scorer (1 − blocks used / usable)",
                  get: { $0.cluster.weightKV }, set: { $0.cluster.weightKV = $1 }),
        weightKey("weight_prefix", default: 1, doc: "≥ 0, finite; `weighted` router: weight of the prefix scorer (cached leading blocks / the prompt's blocks)",
                  get: { $0.cluster.weightPrefix }, set: { $0.cluster.weightPrefix = $1 }),
        .field("kv_transfer_bandwidth", 50e9, range: .positive, unit: "bytes/s",
               doc: "> 0, finite; disaggregated pools: bytes per second each GPU of a prefill replica sends its shard of a request's KV cache at (50e9: a 400 Gb/s RDMA NIC per GPU)",
               unavailableInBrowser: fleetsInTheCLI, inHeaderWhen: { $0.isDisaggregated },
               get: { $0.cluster.kvTransferBandwidth }, set: { $0.cluster.kvTransferBandwidth = $1 }),
        .field("kv_transfer_latency", 0.0005, range: .nonNegativeSeconds, unit: "s",
               doc: "≥ 0, finite; disaggregated pools: seconds each KV transfer costs besides its bytes",
               unavailableInBrowser: fleetsInTheCLI, inHeaderWhen: { $0.isDisaggregated },
               get: { $0.cluster.kvTransferLatency }, set: { $0.cluster.kvTransferLatency = $1 }),
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

    /// A scorer weight of the `weighted` router: ≥ 0, with no unit.
    private static func weightKey(
        _ name: String, default value: Double, doc: String,
        get: @escaping @Sendable (SimulatorConfig) -> Double,
        set: @escaping @Sendable (inout SimulatorConfig, Double) -> Void
    ) -> ConfigKey {
        .field(name, .value(value), range: .nonNegative, doc: doc, unavailableInBrowser: fleetsInTheCLI, get: get, set: set)
    }
}
