/// Generates the configured synthetic workload: open-loop arrival processes, closed-loop
/// users or multi-turn sessions (``SessionWorkload``), with lengths from the configured
/// distributions.
///
/// Deterministic for a seed. Draw order, open loop: the first inter-arrival gap at
/// construction, then for each request its input length, output length and the next gap.
/// Closed loop draws lengths only; sessions are described at ``SessionWorkload``. Request ids
/// are "0", "1", … in generation order (which is arrival order), the same ids a generated
/// trace without `request_id` gets from its line numbers.
public struct SyntheticSource: RequestSource {
    private let workload: WorkloadConfig
    private var rng: Xoshiro256
    private var generated = 0
    private var nextArrival: Double?
    /// Closed loop: due times of users' next requests (ascending; equal times keep insertion order).
    private var pendingUsers: [Double] = []
    /// Sessions: the conversations.
    private var sessions: SessionWorkload?

    /// The workload of `config`: its `[workload]` table, with sessions' prefix hashes in
    /// blocks of the scheduler's `prefix_hash_block_size`, made only as far as the model's
    /// `max_seq_len` reaches (a longer prompt is rejected whatever its hashes).
    public init(_ config: SimulatorConfig) {
        self.init(config.workload, prefixHashBlockSize: config.scheduler.prefixHashBlockSize,
                  hashedTokenLimit: config.model.maxSeqLen)
    }

    /// The workload of `workload`; sessions hash their prompts in blocks of
    /// `prefixHashBlockSize` tokens, up to `hashedTokenLimit` tokens.
    public init(_ workload: WorkloadConfig, prefixHashBlockSize: Int = 16, hashedTokenLimit: Int = Int(Int32.max)) {
        self.workload = workload
        self.rng = Xoshiro256(seed: workload.seed)
        switch workload.arrivalPattern {
        case .closedLoop:
            let users = min(workload.numConcurrentUsers ?? 0, workload.numRequests ?? Int.max)
            pendingUsers = Array(repeating: 0, count: max(users, 0))
        case .sessions:
            sessions = SessionWorkload(workload, hashBlockSize: prefixHashBlockSize,
                                       hashedTokenLimit: hashedTokenLimit, rng: &rng)
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
        case .batched, .closedLoop, .sessions, .trace: return 0
        }
    }

    private func withinDuration(_ t: Double) -> Bool {
        guard let d = workload.durationSecs else { return true }
        return t <= d
    }

    public mutating func peekArrivalTime() -> Double? {
        if limitReached { return nil }
        if let sessions {
            let t = sessions.nextTime
            return withinDuration(t) ? t : nil
        }
        if workload.arrivalPattern == .closedLoop {
            guard let t = pendingUsers.first, withinDuration(t) else { return nil }
            return t
        }
        guard let t = nextArrival, withinDuration(t) else { return nil }
        return t
    }

    public mutating func next() -> RequestSpec {
        if sessions != nil {
            defer { generated += 1 }
            return sessions!.next(id: String(generated), rng: &rng)
        }
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

    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {
        if sessions != nil {
            if let key = sessionKey, key <= UInt64(Int.max) { sessions!.completed(session: Int(key), finished: finished, at: t, rng: &rng) }
            return
        }
        guard workload.arrivalPattern == .closedLoop else { return }
        let due = t + workload.thinkTime
        // Keep ascending order; a new entry goes after equal ones.
        var i = pendingUsers.count
        while i > 0 && pendingUsers[i - 1] > due { i -= 1 }
        pendingUsers.insert(due, at: i)
    }

    public var isExhausted: Bool {
        if limitReached { return true }
        if let sessions {
            // A turn in the system may still bring its session's next turn; otherwise the
            // earliest due turn or session start must be within the duration.
            return sessions.awaiting == 0 && !withinDuration(sessions.nextTime)
        }
        if workload.arrivalPattern == .closedLoop {
            if let d = workload.durationSecs, let t = pendingUsers.first, t > d { return true }
            return false  // completions may still bring arrivals
        }
        guard let t = nextArrival else { return true }
        return !withinDuration(t)
    }
}
