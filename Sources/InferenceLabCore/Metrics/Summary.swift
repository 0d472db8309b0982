/// The metrics of one run (docs/metrics.md), computed by ``MetricsReducer`` from the event
/// stream alone. Latencies are in milliseconds, rates per second, utilisations in [0, 1].
public struct Summary: Sendable, Equatable {
    /// Time to first token: first token − arrival.
    public var ttft = LatencyStats()
    /// Time per output token per request: (finish − first token) / (outputs − 1), for
    /// requests with more than one output token.
    public var tpot = LatencyStats()
    /// Inter-token latency: every gap between consecutive tokens of a request, pooled.
    public var itl = LatencyStats()
    /// End-to-end latency: finish − arrival.
    public var e2e = LatencyStats()
    /// Queueing: first scheduled − arrival.
    public var queue = LatencyStats()

    public var arrived = 0
    public var completed = 0
    public var rejected = 0
    /// Requests the client aborted after `request_timeout` (in no latency sample).
    public var timedOut = 0
    public var totalInputTokens = 0
    public var totalOutputTokens = 0
    /// Last finish − first arrival, in seconds.
    public var duration = 0.0
    public var requestThroughput = 0.0
    public var inputThroughput = 0.0
    public var outputThroughput = 0.0
    /// Input + output tokens per second.
    public var totalTokenThroughput = 0.0

    /// Time-weighted compute utilisation over the run (FLOPs / peak over wall time).
    public var computeUtilization = 0.0
    /// Time-weighted memory-bandwidth utilisation.
    public var bandwidthUtilization = 0.0
    /// Time-weighted KV-cache occupancy (used / usable blocks).
    public var kvCacheUtilization = 0.0
    public var peakKVCacheUtilization = 0.0

    public var steps = 0
    public var preemptions = 0
    /// Prefix-cache tokens found at first admission of finished requests.
    public var prefixCacheHitTokens = 0
    /// Hit tokens / prompt tokens of finished requests.
    public var prefixCacheHitRate = 0.0
    /// Tokens found in the cache when preempted requests were re-admitted.
    public var resumeHitTokens = 0

    public init() {}
}
