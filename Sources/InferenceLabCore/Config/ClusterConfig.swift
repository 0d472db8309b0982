/// How a router picks the replica for an arriving request (`[cluster] router`; docs/fleet.md).
public enum RouterPolicy: String, CaseIterable, Sendable {
    /// Request i in arrival order goes to replica i mod N.
    case roundRobin = "round_robin"
    /// A uniformly random replica from the router's seeded generator.
    case random
    /// Fewest unfinished requests (routed, not yet finished or rejected).
    case leastOutstanding = "least_outstanding"
    /// Fewest outstanding prompt + output tokens.
    case leastTokens = "least_tokens"
    /// Lowest KV-cache use (blocks in use over usable blocks).
    case leastKV = "least_kv"
    /// Most leading prefix-hash blocks already cached on the replica, ties by fewest
    /// unfinished requests.
    case prefixAffinity = "prefix_affinity"
    /// Sticky by session: a session's later turns go where its first went; a new session goes
    /// to the replica with the fewest unfinished requests.
    case sessionAffinity = "session_affinity"
    /// The highest weighted sum of normalised scorers (queue, tokens, KV use, prefix).
    case weighted
}

/// `[cluster]`: a fleet of replicas behind one router: `replicas` identical copies of the node
/// the rest of the config describes, or the `[[cluster.pool]]` entries (``pools``), each with
/// its own node and role. A config without the table runs one node (``isEnabled`` false).
public struct ClusterConfig: Sendable, Equatable {
    /// Whether the config has a `[cluster]` table: the run is a fleet and its event log uses
    /// schema `inference-lab.events/2`.
    public var isEnabled: Bool = false
    /// Number of replicas (≥ 1): with pools, their sum.
    public var replicas: Int = 1
    public var router: RouterPolicy = .roundRobin
    /// Seconds between refreshes of the load the router sees; 0: exact current state.
    public var routerRefreshInterval: Double = 0
    /// Seed of the `random` router's generator.
    public var routerSeed: UInt64 = 0
    /// Weights of the `weighted` router's scorers.
    public var weightOutstanding: Double = 1
    public var weightTokens: Double = 0
    public var weightKV: Double = 1
    public var weightPrefix: Double = 1
    /// The `[[cluster.pool]]` entries, in the order of their replicas (pool 0's replicas come
    /// first); empty: `replicas` copies of the config's own node, all `mixed`.
    public var pools: [ReplicaPool] = []
    /// Bytes per second of the link that moves a request's KV cache from a prefill replica to
    /// a decode replica, per GPU (each GPU of the prefill replica sends its shard in parallel).
    public var kvTransferBandwidth: Double = 50e9
    /// Seconds each KV transfer costs besides its bytes (connection, notification).
    public var kvTransferLatency: Double = 0.0005
}
