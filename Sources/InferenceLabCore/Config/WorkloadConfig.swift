/// How requests arrive.
public enum ArrivalPattern: String, Sendable, CaseIterable {
    /// Exponential inter-arrival times at `arrivalRate`; the first arrival is one sample.
    case poisson
    /// Gamma inter-arrival times with mean 1/`arrivalRate` and coefficient of variation `cv`.
    case gamma
    /// Constant 1/`arrivalRate` spacing, the first at 1/`arrivalRate`.
    case uniform
    /// Same as `uniform`.
    case fixedRate = "fixed_rate"
    /// The original's bursts: with probability 0.2 a gap of U(0.001, 0.01) s, else U(0.5, 2) s.
    case burst
    /// Every request at t = 0.
    case batched
    /// `numConcurrentUsers` users, each sending its next request `thinkTime` after the last
    /// one finished.
    case closedLoop = "closed_loop"
    /// Multi-turn conversations: sessions start at `arrivalRate` per second (exponential gaps
    /// when `cv` = 1, else Gamma with that `cv`); each sends `turnsPerSession` turns, the next
    /// one `thinkTimeMs` after the previous one finished, with the whole conversation so far
    /// as its prompt (``SessionWorkload``).
    case sessions
    /// Requests come from a trace file (`tracePath`); handled by the I/O layer.
    case trace
}

/// A distribution of token counts. Samples are clamped to at least 1 and truncated.
public enum LengthDistribution: Sendable, Equatable {
    case fixed(Int)
    /// Integers in `[min, max]`, inclusive.
    case uniform(min: Int, max: Int)
    case normal(mean: Double, stdDev: Double)
    /// `exp(N(mu, sigma))`: `mean` and `stdDev` are the underlying normal's (median e^mean).
    case lognormal(mean: Double, stdDev: Double)
}

/// The `[workload]` table.
public struct WorkloadConfig: Sendable, Equatable {
    public var arrivalPattern: ArrivalPattern = .poisson
    /// Mean requests per second (open-loop patterns).
    public var arrivalRate: Double = 5
    /// Coefficient of variation of Gamma inter-arrival times (1 = Poisson).
    public var cv: Double = 1
    /// Total requests to generate; open-loop generators need this or `durationSecs`.
    public var numRequests: Int? = 400
    /// No arrivals after this many seconds; in-flight requests still drain.
    public var durationSecs: Double?
    /// Closed-loop users.
    public var numConcurrentUsers: Int?
    /// Closed-loop pause between a finish and that user's next request, in seconds.
    public var thinkTime: Double = 0
    public var inputLengths: LengthDistribution = .lognormal(mean: 6.9, stdDev: 0.7)
    public var outputLengths: LengthDistribution = .lognormal(mean: 5.3, stdDev: 0.8)
    public var seed: UInt64 = 42
    /// Trace to replay when `arrivalPattern == .trace`.
    public var tracePath: String?
    /// Trace replay: every arrival time is multiplied by this (2 = half the request rate,
    /// 0.5 = twice the rate). `num_requests` and `duration_secs` cap a replay as they cap a
    /// generator (`duration_secs` in scaled seconds).
    public var timeScale: Double = 1
    /// Sessions: turns per session (the first turn included).
    public var turnsPerSession: LengthDistribution = .uniform(min: 2, max: 6)
    /// Sessions: new user tokens a later turn adds to the conversation (the first turn's
    /// prompt is drawn from `inputLengths`).
    public var turnInputLengths: LengthDistribution = .lognormal(mean: 4.6, stdDev: 0.8)
    /// Sessions: milliseconds between a turn's finish (as the client sees it) and the next
    /// turn.
    public var thinkTimeMs: LengthDistribution = .lognormal(mean: 8.5, stdDev: 0.8)
    /// Client timeout in seconds: a request not finished this long after it was sent is
    /// aborted (vLLM's `abort_requests`) and counted as timed out; nil: no timeout.
    public var requestTimeout: Double?
    /// Trace replayed before the measured requests to warm the server's state (prefix cache);
    /// read by the I/O layer (``WarmupRequestSource``); nil: no warmup.
    public var warmupTracePath: String?
}
