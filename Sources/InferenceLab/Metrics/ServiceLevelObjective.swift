/// Latency targets a request must meet to count towards goodput (as in vLLM's benchmark:
/// `--goodput ttft:MS tpot:MS e2el:MS`). Shared by the analyzer's `summary --slo-*` and the
/// sweep's goodput and SLO attainment columns.
public struct ServiceLevelObjective: Sendable, Equatable {
    /// Largest acceptable time to first token in milliseconds (nil: no TTFT target).
    public var ttftMs: Double?
    /// Largest acceptable time per output token in milliseconds (nil: no TPOT target).
    public var tpotMs: Double?
    /// Largest acceptable end-to-end latency in milliseconds (nil: no E2E target).
    public var e2eMs: Double?

    public init(ttftMs: Double? = nil, tpotMs: Double? = nil, e2eMs: Double? = nil) {
        self.ttftMs = ttftMs
        self.tpotMs = tpotMs
        self.e2eMs = e2eMs
    }

    /// Whether a finished request meets every target. A request with one output token has no
    /// TPOT and meets the TPOT target.
    public func isMet(by r: RequestOutcome) -> Bool {
        guard r.status == .finished else { return false }
        if let ttftMs {
            let ttft = r.ttft * 1000
            guard !ttft.isNaN, ttft <= ttftMs else { return false }
        }
        if let tpotMs, r.outputTokens > 1 {
            let tpot = r.tpot * 1000
            guard !tpot.isNaN, tpot <= tpotMs else { return false }
        }
        if let e2eMs {
            let e2e = r.e2e * 1000
            guard !e2e.isNaN, e2e <= e2eMs else { return false }
        }
        return true
    }
}

/// Counts the finished requests that meet a ``ServiceLevelObjective``.
public struct GoodputCounter: Sendable {
    public let objective: ServiceLevelObjective
    public private(set) var completed = 0
    public private(set) var met = 0

    public init(objective: ServiceLevelObjective) { self.objective = objective }

    public mutating func add(_ r: RequestOutcome) {
        guard r.status == .finished else { return }
        completed += 1
        if objective.isMet(by: r) { met += 1 }
    }

    /// Requests per second meeting the objective, over the summary's duration (first arrival
    /// to last finish, the denominator of `request_throughput`).
    public func goodput(duration: Double) -> Double {
        duration > 0 ? Double(met) / duration : 0
    }

    /// The fraction of completed requests meeting the objective (0 when none completed).
    public var attainment: Double { completed > 0 ? Double(met) / Double(completed) : 0 }
}
