/// Latency targets a request must meet to count towards goodput (as in vLLM's benchmark:
/// `--goodput ttft:MS tpot:MS`).
public struct ServiceLevelObjective: Sendable, Equatable {
    /// Largest acceptable time to first token in milliseconds (nil: no TTFT target).
    public var ttftMs: Double?
    /// Largest acceptable time per output token in milliseconds (nil: no TPOT target).
    public var tpotMs: Double?

    public init(ttftMs: Double? = nil, tpotMs: Double? = nil) {
        self.ttftMs = ttftMs
        self.tpotMs = tpotMs
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
