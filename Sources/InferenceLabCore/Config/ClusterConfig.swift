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

/// `[cluster]`: a fleet of identical replicas of the node the rest of the config describes,
/// behind one router. A config without the table runs one node (``isEnabled`` false).
public struct ClusterConfig: Sendable, Equatable {
    /// Whether the config has a `[cluster]` table: the run is a fleet and its event log uses
    /// schema `inference-lab.events/2`.
    public var isEnabled: Bool
    /// Number of replicas (≥ 1).
    public var replicas: Int
    public var router: RouterPolicy
    /// Seconds between refreshes of the load the router sees; 0: exact current state.
    public var routerRefreshInterval: Double
    /// Seed of the `random` router's generator.
    public var routerSeed: UInt64
    /// Weights of the `weighted` router's scorers.
    public var weightOutstanding: Double
    public var weightTokens: Double
    public var weightKV: Double
    public var weightPrefix: Double

    public init(isEnabled: Bool = false, replicas: Int = 1, router: RouterPolicy = .roundRobin,
                routerRefreshInterval: Double = 0, routerSeed: UInt64 = 0,
                weightOutstanding: Double = 1, weightTokens: Double = 0, weightKV: Double = 1, weightPrefix: Double = 1) {
        self.isEnabled = isEnabled
        self.replicas = replicas
        self.router = router
        self.routerRefreshInterval = routerRefreshInterval
        self.routerSeed = routerSeed
        self.weightOutstanding = weightOutstanding
        self.weightTokens = weightTokens
        self.weightKV = weightKV
        self.weightPrefix = weightPrefix
    }
}
