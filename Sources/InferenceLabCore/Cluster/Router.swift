/// Chooses the replica for each arriving request (`[cluster] router`; the formulas and their
/// sources are in docs/fleet.md).
///
/// The router sees each replica's ``ReplicaLoad`` as of its last refresh and, for the prefix
/// scorers, the number of the request's leading blocks already cached on each replica. Ties
/// go to the lowest replica index, so a run is deterministic.
public struct Router: Sendable {
    public let policy: RouterPolicy
    public let replicas: Int
    let weights: (outstanding: Double, tokens: Double, kv: Double, prefix: Double)
    var rng: Xoshiro256
    var routed = 0
    /// `session_affinity`: the replica each session went to first.
    /// Keyed by the FNV-1a hash of the session key (String hashing would need Unicode tables
    /// in the WebAssembly build).
    var sessions: [UInt64: Int] = [:]
    /// Reads a request's session key (nil: no session). The one place the session is read.
    public init(_ cluster: ClusterConfig) {
        self.init(cluster, replicas: cluster.replicas, seed: cluster.routerSeed)
    }

    /// A router of `cluster`'s policy over `replicas` candidates (a disaggregated fleet has one
    /// for its prefill replicas and one for its decode replicas), with its own seed.
    public init(_ cluster: ClusterConfig, replicas: Int, seed: UInt64) {
        policy = cluster.router
        self.replicas = max(replicas, 1)
        weights = (cluster.weightOutstanding, cluster.weightTokens, cluster.weightKV, cluster.weightPrefix)
        rng = Xoshiro256(seed: seed)
    }

    /// Whether the router needs each replica's cached prefix blocks.
    public var usesPrefix: Bool {
        policy == .prefixAffinity || (policy == .weighted && weights.prefix > 0)
    }

    /// The replica for `spec`.
    /// - Parameters:
    ///   - loads: each replica's load as the router sees it.
    ///   - prefixBlocks: each replica's cached leading blocks of the prompt (when
    ///     ``usesPrefix``), and `promptBlocks` the prompt's full blocks.
    ///   - scores: replaced by the per-replica scores of a comparing router (empty otherwise).
    public mutating func choose(_ spec: RequestSpec, loads: [ReplicaLoad], prefixBlocks: [Int], promptBlocks: Int,
                                scores: inout [Double]) -> Int {
        scores.removeAll(keepingCapacity: true)
        defer { routed += 1 }
        let n = replicas
        switch policy {
        case .roundRobin:
            return routed % n
        case .random:
            return Int(rng.next() % UInt64(n))
        case .leastOutstanding:
            for l in loads { scores.append(Double(l.outstanding)) }
            return Self.argmin(scores)
        case .leastTokens:
            for l in loads { scores.append(Double(l.outstandingTokens)) }
            return Self.argmin(scores)
        case .leastKV:
            for l in loads { scores.append(l.kvUse) }
            return Self.argmin(scores)
        case .prefixAffinity:
            for b in prefixBlocks { scores.append(Double(b)) }
            var best = 0
            for k in 1..<n where prefixBlocks[k] > prefixBlocks[best]
                || (prefixBlocks[k] == prefixBlocks[best] && loads[k].outstanding < loads[best].outstanding) {
                best = k
            }
            return best
        case .sessionAffinity:
            // The trace's `session_id` (or the synthetic session), as ``RequestSpec/sessionKey``.
            let key = spec.sessionKey
            if let key, let k = sessions[key] { return k }
            var best = 0
            for k in 1..<n where loads[k].outstanding < loads[best].outstanding { best = k }
            if let key { sessions[key] = best }
            return best
        case .weighted:
            Self.weightedScores(loads: loads, prefixBlocks: prefixBlocks, promptBlocks: promptBlocks,
                                weights: weights, into: &scores)
            var best = 0
            for k in 1..<n where scores[k] > scores[best] { best = k }
            return best
        }
    }

    /// The first index of the smallest value.
    static func argmin(_ values: [Double]) -> Int {
        var best = 0
        for k in 1..<values.count where values[k] < values[best] { best = k }
        return best
    }

    /// `weighted`: Σ wᵢ·sᵢ / Σ wᵢ per replica, each scorer in [0, 1], higher better:
    /// queue and tokens (max − x) / (max − min) (1 when all equal), KV 1 − use, prefix cached
    /// blocks / prompt blocks (0 for a prompt without full blocks).
    static func weightedScores(loads: [ReplicaLoad], prefixBlocks: [Int], promptBlocks: Int,
                               weights w: (outstanding: Double, tokens: Double, kv: Double, prefix: Double),
                               into scores: inout [Double]) {
        var qMin = Int.max, qMax = Int.min, tMin = Int.max, tMax = Int.min
        for l in loads {
            qMin = min(qMin, l.outstanding); qMax = max(qMax, l.outstanding)
            tMin = min(tMin, l.outstandingTokens); tMax = max(tMax, l.outstandingTokens)
        }
        let total = w.outstanding + w.tokens + w.kv + w.prefix
        for k in 0..<loads.count {
            let l = loads[k]
            let q = qMax == qMin ? 1 : Double(qMax - l.outstanding) / Double(qMax - qMin)
            let t = tMax == tMin ? 1 : Double(tMax - l.outstandingTokens) / Double(tMax - tMin)
            let kv = 1 - l.kvUse
            let p = promptBlocks > 0 && k < prefixBlocks.count ? Double(prefixBlocks[k]) / Double(promptBlocks) : 0
            let sum = w.outstanding * q + w.tokens * t + w.kv * kv + w.prefix * p
            scores.append(total > 0 ? sum / total : 0)
        }
    }
}
