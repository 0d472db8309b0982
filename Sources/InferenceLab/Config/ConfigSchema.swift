/// The tables and keys a config file may contain: the original inference-lab's schema plus
/// our additions. Anything else is an error with a suggestion.
enum ConfigSchema {
    /// Top-level tables in file order, each with its keys.
    static let tables: [(name: String, keys: [String])] = [
        ("hardware", [
            "name", "compute_flops", "memory_bandwidth", "memory_capacity", "kv_cache_capacity",
            "gpu_memory_utilization", "bytes_per_param", "kv_cache_bytes_per_element",
            "preset", "compute_flops_bf16", "compute_flops_fp8", "tensor_parallel_size",
            "interconnect_bandwidth", "interconnect_latency",
        ]),
        ("model", [
            "name", "num_parameters", "num_active_parameters", "num_layers", "hidden_dim",
            "num_heads", "num_kv_heads", "head_dim", "max_seq_len", "sliding_window",
            "num_sliding_layers", "num_experts", "num_experts_per_token", "preset",
        ]),
        ("scheduler", [
            "max_num_batched_tokens", "max_num_seqs", "policy", "enable_chunked_prefill",
            "block_size", "long_prefill_token_threshold", "max_num_partial_prefills",
            "enable_prefix_caching", "async_scheduling", "watermark", "reserve_full_prompt",
            "num_gpu_blocks_override", "prefix_hash_block_size",
        ]),
        ("workload", [
            "arrival_pattern", "arrival_rate", "cv", "num_requests", "duration_secs",
            "num_concurrent_users", "think_time", "seed", "trace_path", "time_scale",
            "input_len_dist", "output_len_dist",
        ]),
        ("compute", [
            "model", "base_seconds", "per_token_seconds", "per_request_seconds", "preset",
            "compute_efficiency", "memory_efficiency", "attention_compute_efficiency",
            "attention_memory_efficiency", "interconnect_efficiency", "step_overhead_seconds",
            "layer_overhead_seconds", "token_overhead_seconds",
        ]),
        ("engine", [
            "vllm_version", "api_request_seconds", "api_prompt_token_seconds", "api_output_token_seconds",
            "step_seconds", "step_request_seconds", "step_token_seconds",
        ]),
        ("simulation", ["log_interval"]),
    ]

    /// The calibrated model's factor keys in `[compute]`: setting any of them by hand means
    /// the file describes its own factors (no profile is picked for it).
    static let calibrationFactorKeys = [
        "compute_efficiency", "memory_efficiency", "attention_compute_efficiency",
        "attention_memory_efficiency", "interconnect_efficiency", "step_overhead_seconds",
        "layer_overhead_seconds", "token_overhead_seconds",
    ]

    /// Keys of `[workload]` whose values are tables (length distributions).
    static let distributionTables = ["input_len_dist", "output_len_dist"]

    /// The keys of a length distribution table for each `type`.
    static let distributionKeys: [(type: String, keys: [String])] = [
        ("fixed", ["type", "value"]),
        ("uniform", ["type", "min", "max"]),
        ("normal", ["type", "mean", "std_dev"]),
        ("lognormal", ["type", "mean", "std_dev"]),
    ]

    /// Every key some distribution type takes.
    static let allDistributionKeys = ["type", "value", "min", "max", "mean", "std_dev"]

    static var tableNames: [String] { tables.map(\.name) }

    static func keys(of table: String) -> [String]? {
        tables.first { $0.name == table }?.keys
    }

    /// The table that defines `key`, if `key` is valid somewhere.
    static func table(defining key: String) -> String? {
        tables.first { $0.keys.contains(key) }?.name
    }
}
