/// Generates the configured synthetic workload: open-loop arrival processes or closed-loop
/// users, with lengths from the configured distributions.
///
/// Deterministic for a seed. Draw order, open loop: the first inter-arrival gap at
/// construction, then for each request its input length, output length and the next gap.
/// Closed loop draws lengths only. Request ids are "0", "1", … in generation order, the same
/// ids a generated trace without `request_id` gets from its line numbers.
public struct SyntheticSource: RequestSource {
    private let workload: WorkloadConfig
    private var rng: Xoshiro256
    private var generated = 0
    private var nextArrival: Double?
    /// Closed loop: due times of users' next requests (ascending; equal times keep insertion order).
    private var pendingUsers: [Double] = []

    public init(_ workload: WorkloadConfig) {
        self.workload = workload
        self.rng = Xoshiro256(seed: workload.seed)
        switch workload.arrivalPattern {
        case .closedLoop:
            let users = min(workload.numConcurrentUsers ?? 0, workload.numRequests ?? Int.max)
            pendingUsers = Array(repeating: 0, count: max(users, 0))
        default:
            nextArrival = firstArrival()
        }
    }

    private var limitReached: Bool {
        if let n = workload.numRequests, generated >= n { return true }
        return false
    }

    private mutating func firstArrival() -> Double {
        switch workload.arrivalPattern {
        case .uniform, .fixedRate: return 1 / workload.arrivalRate
        case .batched: return 0
        default: return gap()
        }
    }

    private mutating func gap() -> Double {
        switch workload.arrivalPattern {
        case .poisson: return rng.nextExponential(rate: workload.arrivalRate)
        case .gamma:
            let shape = 1 / (workload.cv * workload.cv)
            return rng.nextGamma(shape: shape, scale: 1 / (workload.arrivalRate * shape))
        case .uniform, .fixedRate: return 1 / workload.arrivalRate
        case .burst:
            return rng.nextUnit() < 0.2 ? 0.001 + 0.009 * rng.nextUnit() : 0.5 + 1.5 * rng.nextUnit()
        case .batched, .closedLoop, .trace: return 0
        }
    }

    private func withinDuration(_ t: Double) -> Bool {
        guard let d = workload.durationSecs else { return true }
        return t <= d
    }

    public mutating func peekArrivalTime() -> Double? {
        if limitReached { return nil }
        if workload.arrivalPattern == .closedLoop {
            guard let t = pendingUsers.first, withinDuration(t) else { return nil }
            return t
        }
        guard let t = nextArrival, withinDuration(t) else { return nil }
        return t
    }

    public mutating func next() -> RequestSpec {
        let arrival: Double
        if workload.arrivalPattern == .closedLoop {
            arrival = pendingUsers.removeFirst()
        } else {
            arrival = nextArrival!
        }
        let prompt = workload.inputLengths.sample(using: &rng)
        let output = workload.outputLengths.sample(using: &rng)
        if workload.arrivalPattern != .closedLoop { nextArrival = arrival + gap() }
        defer { generated += 1 }
        return RequestSpec(id: String(generated), arrivalTime: arrival, promptTokens: prompt, outputTokens: output)
    }

    public mutating func requestCompleted(at t: Double) {
        guard workload.arrivalPattern == .closedLoop else { return }
        let due = t + workload.thinkTime
        // Keep ascending order; a new entry goes after equal ones.
        var i = pendingUsers.count
        while i > 0 && pendingUsers[i - 1] > due { i -= 1 }
        pendingUsers.insert(due, at: i)
    }

    public var isExhausted: Bool {
        if limitReached { return true }
        if workload.arrivalPattern == .closedLoop {
            if let d = workload.durationSecs, let t = pendingUsers.first, t > d { return true }
            return false  // completions may still bring arrivals
        }
        guard let t = nextArrival else { return true }
        return !withinDuration(t)
    }
}
