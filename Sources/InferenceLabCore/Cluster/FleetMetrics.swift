/// Folds a fleet's events into one ``MetricsReducer`` per replica: the fleet's ``Summary``
/// (same keys as a one-node run), each replica's, and the load imbalance across them.
public struct FleetMetrics: ClusterEventSink {
    @usableFromInline var _replicas: [MetricsReducer]
    @usableFromInline var _routed: [Int]
    /// Each replica's reducer.
    public var replicas: [MetricsReducer] { _replicas }
    /// Requests routed to each replica.
    public var routed: [Int] { _routed }

    /// Each replica's role (all `mixed` unless the fleet is disaggregated).
    public private(set) var roles: [ReplicaRole]

    public init(config: SimulatorConfig) {
        let nodes = config.replicaNodes
        _replicas = nodes.map { MetricsReducer(config: $0.config) }
        _routed = Array(repeating: 0, count: nodes.count)
        roles = nodes.map { $0.role }
    }

    /// A fleet of `replicas` nodes with these hardware peaks (the analyzer).
    public init(replicas n: Int, computeFlops: Double, memoryBandwidth: Double) {
        _replicas = Array(repeating: MetricsReducer(computeFlops: computeFlops, memoryBandwidth: memoryBandwidth),
                          count: max(n, 1))
        _routed = Array(repeating: 0, count: max(n, 1))
        roles = Array(repeating: .mixed, count: max(n, 1))
    }

    /// Sets the replicas' roles and their hardware peaks (the analyzer, from a log's header).
    public mutating func setReplicas(roles: [ReplicaRole], peaks: [(computeFlops: Double, memoryBandwidth: Double)]) {
        for (k, peak) in peaks.enumerated() {
            grow(to: k)
            if _replicas[k].computeFlops != peak.computeFlops || _replicas[k].memoryBandwidth != peak.memoryBandwidth {
                _replicas[k] = MetricsReducer(computeFlops: peak.computeFlops, memoryBandwidth: peak.memoryBandwidth)
            }
        }
        if !roles.isEmpty { grow(to: roles.count - 1) }
        for (k, role) in roles.enumerated() { self.roles[k] = role }
    }

    @inlinable
    public mutating func consume(_ event: SimulationEvent, replica: Int) {
        if replica >= _replicas.count { grow(to: replica) }
        _replicas[replica].consume(event)
    }

    public mutating func route(_ record: RouteRecord) {
        grow(to: record.replica)
        _routed[record.replica] += 1
        switch record.phase {
        case .mixed: break
        case .prefill: roles[record.replica] = .prefill
        case .decode: roles[record.replica] = .decode
        }
    }

    /// Makes sure replicas 0 … n − 1 exist (a replica that never got a request has none of
    /// its own events).
    public mutating func ensureReplicas(_ n: Int) { if n > 0 { grow(to: n - 1) } }

    @usableFromInline
    mutating func grow(to replica: Int) {
        while _replicas.count <= replica {
            _replicas.append(MetricsReducer(computeFlops: _replicas[0].computeFlops, memoryBandwidth: _replicas[0].memoryBandwidth))
            _routed.append(0)
            roles.append(.mixed)
        }
    }

    /// The whole fleet's summary.
    public func summary() -> Summary { MetricsReducer.fleetSummary(_replicas, roles: roles) }

    /// Replica `k`'s summary alone.
    public func replicaSummary(_ k: Int) -> Summary { _replicas[k].summary() }

    /// The per-replica rows and the imbalance.
    public func balance() -> FleetBalance {
        FleetBalance(_replicas.map { $0.summary() }, busy: _replicas.map { $0.busySeconds }, roles: roles)
    }
}

/// How evenly a fleet's work was spread: per replica its requests, tokens and busy time, and
/// for each the coefficient of variation (population standard deviation over the mean; 0 for
/// equal loads or a zero mean). In a disaggregated fleet the replicas are compared within
/// their role (prefill with prefill, decode with decode) and each coefficient is the larger
/// of the two.
public struct FleetBalance: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var replica: Int
        public var role: ReplicaRole = .mixed
        /// Requests that arrived at the replica (accepted or rejected).
        public var requests: Int
        public var completed: Int
        /// Prompt plus output tokens of its completed requests.
        public var tokens: Int
        /// Seconds its steps ran.
        public var busySeconds: Double
        public var ttftP50: Double, ttftP99: Double, e2eP50: Double, e2eP99: Double
    }
    public var rows: [Row]
    public var requestsCV: Double
    public var tokensCV: Double
    public var busyCV: Double

    public init(_ summaries: [Summary], busy: [Double], roles: [ReplicaRole] = []) {
        var rows: [Row] = []
        for (k, s) in summaries.enumerated() {
            rows.append(Row(replica: k, role: k < roles.count ? roles[k] : .mixed, requests: s.arrived, completed: s.completed,
                            tokens: s.totalInputTokens + s.totalOutputTokens, busySeconds: busy[k],
                            ttftP50: s.ttft.p50, ttftP99: s.ttft.p99, e2eP50: s.e2e.p50, e2eP99: s.e2e.p99))
        }
        self.rows = rows
        requestsCV = 0; tokensCV = 0; busyCV = 0
        for role in ReplicaRole.allCases {
            let group = rows.filter { $0.role == role }
            requestsCV = max(requestsCV, Self.cv(group.map { Double($0.requests) }))
            tokensCV = max(tokensCV, Self.cv(group.map { Double($0.tokens) }))
            busyCV = max(busyCV, Self.cv(group.map { $0.busySeconds }))
        }
    }

    /// Whether some replica is a prefill or decode replica.
    public var isDisaggregated: Bool { rows.contains { $0.role != .mixed } }

    /// Coefficient of variation: σ / μ (population σ); 0 when μ is 0.
    public static func cv(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        var sum = 0.0
        for x in xs { sum += x }
        let mean = sum / Double(xs.count)
        guard mean > 0 else { return 0 }
        var sq = 0.0
        for x in xs { sq += (x - mean) * (x - mean) }
        return squareRoot(sq / Double(xs.count)) / mean
    }
}
