/// Why a request was refused instead of scheduled.
public enum RejectionReason: String, Sendable {
    /// The prompt leaves no room for an output token (`prompt ≥ max_seq_len`).
    case promptTooLong = "prompt_too_long"
    /// Prompt + output exceed `max_seq_len` (vLLM's API server refuses these).
    case exceedsMaxSeqLen = "exceeds_max_seq_len"
    /// The request's KV footprint is larger than the whole KV pool: it could never finish.
    case exceedsKVCache = "exceeds_kv_cache"
}
