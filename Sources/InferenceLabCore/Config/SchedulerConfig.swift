/// Which waiting request is admitted next and which running request is preempted.
///
/// `fcfs` and `priority` are vLLM's own policies. The others come from the original
/// inference-lab: they reorder the waiting queue and change the victim rule, nothing else.
public enum SchedulingPolicy: String, Sendable, CaseIterable {
    /// First come, first served; victim = the most recently admitted running request.
    case fcfs
    /// Lowest `(priority, arrival, id)` first; victim = largest `(priority, arrival)`.
    case priority
    /// Shortest output first (alias of `sof`).
    case sjf
    /// Shortest input (prompt) first.
    case sif
    /// Longest input first.
    case lif
    /// Shortest output first.
    case sof
    /// Longest output first.
    case lof
    /// Shortest total (prompt + output) first.
    case stf
    /// Longest total first.
    case ltf
}

/// vLLM's scheduler settings (`SchedulerConfig` and `CacheConfig` in vLLM).
public struct SchedulerConfig: Sendable, Equatable {
    /// Token budget of one step (prefill chunks plus decodes).
    public var maxNumBatchedTokens: Int = 8192
    /// Cap on the number of running requests.
    public var maxNumSeqs: Int = 256
    /// Queue ordering and preemption victim rule.
    public var policy: SchedulingPolicy = .fcfs
    /// When false, a prompt is scheduled whole or waits.
    public var enableChunkedPrefill: Bool = true
    /// KV-cache block size in tokens.
    public var blockSize: Int = 16
    /// Per-request per-step cap on a prefill chunk (0 = off). Ignored when only one request
    /// is running or waiting, as in vLLM.
    public var longPrefillTokenThreshold: Int = 0
    /// Kept for the original's schema: when > 1 with chunked prefill on and no explicit
    /// threshold, the threshold defaults to 4 % of `maxSeqLen` (vLLM V0's rule).
    public var maxNumPartialPrefills: Int = 1
    /// vLLM's automatic prefix caching over full blocks.
    public var enablePrefixCaching: Bool = true
    /// vLLM's `AsyncScheduler`: step k+1 is scheduled before step k's output is processed.
    public var asyncScheduling: Bool = false
    /// Fraction of blocks kept free when admitting waiting requests (vLLM default 0).
    public var watermark: Double = 0
    /// Admission needs free blocks for the whole remaining sequence (vLLM's
    /// `scheduler_reserve_full_isl`, default on).
    public var reserveFullPrompt: Bool = true
    /// Fixes the pool size like vLLM's `num_gpu_blocks_override` (null block included, so
    /// `n − 1` blocks are usable); `nil` derives it from memory.
    public var numGPUBlocksOverride: Int?
    /// Tokens per `prefix_hashes` entry in a trace.
    public var prefixHashBlockSize: Int = 16
}
