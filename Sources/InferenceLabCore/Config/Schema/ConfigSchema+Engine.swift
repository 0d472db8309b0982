extension ConfigSchema {
    /// `[engine]`: the serving overheads around the forward pass (vLLM's API server and engine
    /// core). Written into the event-log header only when it does something or names a
    /// profile, so logs of runs without it keep their bytes.
    public static let engine = ConfigTableSchema("engine", keys: [
        ConfigKey("vllm_version", .text, default: .unset,
                  doc: "load the shipped profile `configs/engines/vllm-<version>.toml` (built into the binary; `0.15.1` today), whose keys the table's own keys override; an unknown version is an error that lists the profiles; also turns on vLLM's defaults for `[scheduler] max_num_batched_tokens`, `max_num_seqs` and `async_scheduling` when those are left out (see [step-time.md](step-time.md#engine-overheads-engine))",
                  role: .presetValue,
                  get: { c in c.engine.vllmVersion.map { .text($0) } },
                  set: { c, v in c.engine.vllmVersion = v?.textValue }),
        costKey("api_request_seconds",
                doc: "≥ 0, finite; API server latency per request (HTTP, chat template, hand-off to the engine core); delays when the request can be scheduled",
                get: { $0.apiRequestSeconds }, set: { $0.apiRequestSeconds = $1 }),
        costKey("api_prompt_token_seconds", doc: "≥ 0, finite; tokenisation per prompt token, one request at a time",
                get: { $0.apiPromptTokenSeconds }, set: { $0.apiPromptTokenSeconds = $1 }),
        costKey("api_output_token_seconds",
                doc: "≥ 0, finite; detokenisation and streaming per output token; the client sees a step's tokens after the previous step's have been handled plus this per token",
                get: { $0.apiOutputTokenSeconds }, set: { $0.apiOutputTokenSeconds = $1 }),
        costKey("step_seconds", doc: "≥ 0, finite; engine-core CPU time per step (scheduling, input preparation)",
                get: { $0.stepSeconds }, set: { $0.stepSeconds = $1 }),
        costKey("step_request_seconds",
                doc: "≥ 0, finite; engine-core CPU time per scheduled request (sampling, output processing)",
                get: { $0.stepRequestSeconds }, set: { $0.stepRequestSeconds = $1 }),
        costKey("step_token_seconds", doc: "≥ 0, finite; engine-core CPU time per scheduled token",
                get: { $0.stepTokenSeconds }, set: { $0.stepTokenSeconds = $1 }),
        .field("gpu_time_scale", 1, range: .positive, unit: "×",
               doc: "> 0, finite; multiplies every step's duration from the step-time model: the part of a served forward pass a kernel-level model does not see (norms, rotary embeddings, sampling, gaps between kernels)",
               get: { $0.engine.gpuTimeScale }, set: { $0.engine.gpuTimeScale = $1 }),
    ], inHeaderWhen: { $0.engine.isActive || $0.engine.vllmVersion != nil })

    /// A cost in seconds, ≥ 0, default 0.
    private static func costKey(
        _ name: String, doc: String,
        get: @escaping @Sendable (EngineConfig) -> Double,
        set: @escaping @Sendable (inout EngineConfig, Double) -> Void
    ) -> ConfigKey {
        .field(name, 0, range: .nonNegativeSeconds, unit: "seconds", doc: doc,
               get: { get($0.engine) }, set: { set(&$0.engine, $1) })
    }

    /// The document-level hook of `[engine] vllm_version`: the `[scheduler]` values the config
    /// leaves out become that version's `vllm serve` defaults for the GPU (token budget,
    /// sequence limit, and whether asynchronous scheduling is on).
    ///
    /// - Parameter isGiven: whether the config states a dotted key (`scheduler.max_num_seqs`).
    public static func applyVLLMDefaults(_ config: inout SimulatorConfig, isGiven: (String) -> Bool) {
        guard let version = config.engine.vllmVersion else { return }
        let defaults = VLLMDefaults.batchDefaults(for: config.hardware)
        if !isGiven("scheduler.max_num_batched_tokens") { config.scheduler.maxNumBatchedTokens = defaults.maxNumBatchedTokens }
        if !isGiven("scheduler.max_num_seqs") { config.scheduler.maxNumSeqs = defaults.maxNumSeqs }
        if !isGiven("scheduler.async_scheduling") {
            config.scheduler.asyncScheduling = VLLMDefaults.asyncSchedulingByDefault(version: version)
        }
    }
}
