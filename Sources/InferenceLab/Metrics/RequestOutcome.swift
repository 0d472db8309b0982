/// How a request left the log: finished, refused at arrival, or still live when the log ended.
public enum RequestStatus: Sendable, Equatable {
    case finished
    case rejected(RejectionReason)
    /// Still waiting or running at the end of the log (an incomplete or failed run).
    case unfinished
    /// Aborted by the client's `request_timeout` (a `timed_out` record).
    case timedOut

    /// The CSV/JSON spelling: `finished`, `rejected`, `unfinished` or `timed_out`.
    public var name: String {
        switch self {
        case .finished: "finished"
        case .rejected: "rejected"
        case .unfinished: "unfinished"
        case .timedOut: "timed_out"
        }
    }
}

/// One request's life as the event log tells it. Times are simulated seconds; a time the
/// request never reached is NaN.
public struct RequestOutcome: Sendable, Equatable {
    public var id: String
    public var status: RequestStatus
    public var arrival: Double
    /// Start of the first step that scheduled the request.
    public var firstScheduled: Double = .nan
    /// When the request reached the engine core: `arrival` plus the API server's intake under an
    /// `[engine]` model, else `arrival` (NaN: the same as `arrival`).
    public var engineArrival: Double = .nan
    public var firstToken: Double = .nan
    public var finish: Double = .nan
    public var promptTokens = 0
    /// Output tokens produced (the `finished` record's count; the requested count otherwise).
    public var outputTokens = 0
    public var preemptions = 0
    /// Prefix-cache tokens found at first admission.
    public var cachedTokens = 0

    public init(id: String, status: RequestStatus, arrival: Double) {
        self.id = id
        self.status = status
        self.arrival = arrival
    }

    /// Time to first token in seconds (NaN without a first token).
    public var ttft: Double { firstToken - arrival }
    /// End-to-end latency in seconds (NaN unless finished).
    public var e2e: Double { finish - arrival }
    /// Queueing time in seconds: first scheduled − arrival (NaN if never scheduled).
    public var queue: Double { firstScheduled - (engineArrival.isNaN ? arrival : engineArrival) }
    /// Time per output token in seconds: (finish − first token) / (outputs − 1); NaN for a
    /// request with fewer than two output tokens (it has no TPOT) or not finished.
    public var tpot: Double {
        guard outputTokens > 1 else { return .nan }
        return (finish - firstToken) / Double(outputTokens - 1)
    }
}
