/// One request of a real benchmark run, as the client measured it.
///
/// Times are seconds. A request that failed (``error`` not nil) keeps its lengths and start
/// but counts in no latency or throughput.
public struct MeasuredRequest: Sendable, Equatable {
    /// The request's id in the measured-outcomes file and in the trace built from the run: its
    /// 0-based position in the source file.
    public var id: String
    /// When the client sent it, seconds after the run's first send; nil when the source does
    /// not record send times (`vllm bench serve` results without `start_times`).
    public var startTime: Double?
    /// Prompt tokens (the client's or, where the source has it, the server's count).
    public var inputTokens: Int
    /// Output tokens received.
    public var outputTokens: Int
    /// Time to the first token; nil when not streamed.
    public var ttft: Double?
    /// The gaps between consecutive streamed chunks (one per token when each chunk carries one).
    public var itls: [Double]
    /// Send to last byte; nil when unknown.
    public var e2e: Double?
    /// The client's error for a failed request; nil on success.
    public var error: String?

    public init(id: String, startTime: Double?, inputTokens: Int, outputTokens: Int, ttft: Double?,
                itls: [Double], e2e: Double?, error: String? = nil) {
        self.id = id
        self.startTime = startTime
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.ttft = ttft
        self.itls = itls
        self.e2e = e2e
        self.error = error
    }

    public var succeeded: Bool { error == nil }
}
