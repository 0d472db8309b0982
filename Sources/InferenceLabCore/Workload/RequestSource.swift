/// One request as a source describes it, before the simulator assigns it a slot.
public struct RequestSpec: Sendable, Equatable {
    /// External id, written to the event log (a trace's `request_id`, or the index).
    public var id: String
    /// Seconds since the start of the run.
    public var arrivalTime: Double
    public var promptTokens: Int
    /// Output tokens to generate (vLLM's `max_tokens`, with EOS ignored).
    public var outputTokens: Int
    /// Lower is served first under the priority policy (vLLM's convention).
    public var priority: Int
    /// Optional prefix identity: one hash per `prefixHashBlockSize` prompt tokens.
    public var prefixHashes: [UInt64]
    /// The conversation (session) this request is a turn of, as one integer: what routers
    /// compare (sticky routing) and what the source gets back in
    /// ``RequestSource/requestCompleted(sessionKey:finished:at:)``. nil: not part of a session.
    /// See ``SessionKey`` for how a trace's `session_id` maps to it.
    public var sessionKey: UInt64?
    /// The turn's index in its session (0 = first), when known.
    public var turn: Int?

    /// Part of a warmup replayed before the measured window (``WarmupRequestSource``): it
    /// runs like any request but is excluded from the metrics.
    public var warmup: Bool

    /// The decode phase of a disaggregated request (vLLM's `do_remote_prefill`): a prefill
    /// replica computed the prompt and its KV cache has arrived, so the scheduler counts all
    /// but the last prompt token as computed (less any local prefix hit) and allocates their
    /// blocks when it admits the request; the last prompt token is computed again to sample
    /// the first output token, as vLLM's decode instance does.
    public var doRemotePrefill = false

    public init(id: String, arrivalTime: Double, promptTokens: Int, outputTokens: Int,
                priority: Int = 0, prefixHashes: [UInt64] = [], sessionKey: UInt64? = nil, turn: Int? = nil,
                warmup: Bool = false) {
        self.id = id
        self.arrivalTime = arrivalTime
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.priority = priority
        self.prefixHashes = prefixHashes
        self.sessionKey = sessionKey
        self.turn = turn
        self.warmup = warmup
    }
}

/// Yields requests in arrival order.
///
/// Closed-loop sources depend on completions: the simulator reports every finished (or
/// rejected) request through ``requestCompleted(sessionKey:finished:at:)`` before asking for
/// the next arrival.
public protocol RequestSource {
    /// Arrival time of the next request, or `nil` if none is pending right now. A closed-loop
    /// source may return `nil` now and a time later, after a completion.
    mutating func peekArrivalTime() -> Double?
    /// Removes and returns the next request (only after `peekArrivalTime()` returned a time).
    mutating func next() -> RequestSpec
    /// Called when a request leaves the system at time `t` (as the client sees it).
    /// - Parameters:
    ///   - sessionKey: the request's ``RequestSpec/sessionKey`` (nil outside sessions): which
    ///     conversation may send its next turn.
    ///   - finished: true when it finished; false when it was refused (rejected, or, where the
    ///     simulator gives up on requests, abandoned), which ends its session.
    mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double)
    /// True when no request will ever arrive again, whatever completes.
    var isExhausted: Bool { get }
}

/// A fixed list of requests, sorted by arrival time (tests and small programs).
public struct ArrayRequestSource: RequestSource {
    public private(set) var requests: [RequestSpec]
    private var index = 0

    /// - Precondition: `requests` is sorted by `arrivalTime`.
    public init(_ requests: [RequestSpec]) { self.requests = requests }

    public mutating func peekArrivalTime() -> Double? {
        index < requests.count ? requests[index].arrivalTime : nil
    }
    public mutating func next() -> RequestSpec {
        defer { index += 1 }
        return requests[index]
    }
    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {}
    public var isExhausted: Bool { index >= requests.count }
}
