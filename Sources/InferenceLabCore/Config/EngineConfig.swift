/// The `[engine]` table: the serving overheads around the forward pass that the step-time
/// model does not price (vLLM's API server and engine-core CPU work).
///
/// All costs are in seconds and default to 0, and the GPU time scale defaults to 1; with
/// those defaults the simulation is exactly the one without an engine model. `vllm_version` names a shipped profile
/// (`configs/engines/vllm-<version>.toml`) whose values the loader fills in; keys given in the
/// config override the profile. How the costs enter the timeline is described in
/// ``EngineTiming`` and docs/step-time.md.
public struct EngineConfig: Sendable, Equatable {
    /// The vLLM version whose profile was loaded (`"0.15.1"`), or nil.
    public var vllmVersion: String?
    /// API server, per request: HTTP handling, chat template, request set-up and the hand-off
    /// to the engine core. A latency: it does not occupy the API server.
    public var apiRequestSeconds: Double = 0
    /// API server, per prompt token: tokenisation. Serial: one request is tokenised at a time.
    public var apiPromptTokenSeconds: Double = 0
    /// API server, per output token: detokenisation and streaming. Serial: the outputs of one
    /// step are handled before the next step's.
    public var apiOutputTokenSeconds: Double = 0
    /// Engine core, per step: fixed CPU work (scheduling, input preparation, launch).
    public var stepSeconds: Double = 0
    /// Engine core, per scheduled request: sampling and output processing.
    public var stepRequestSeconds: Double = 0
    /// Engine core, per scheduled token: input preparation proportional to the batch's tokens.
    public var stepTokenSeconds: Double = 0
    /// GPU, per step: the step-time model's duration is multiplied by this. It stands for the
    /// part of a served forward pass that a kernel-level model does not see (norms, rotary
    /// embeddings, activation and sampling kernels, gaps between kernels); 1 = none.
    public var gpuTimeScale: Double = 1

    /// Whether requests reach the engine later than the client sent them.
    public var delaysAdmission: Bool { apiRequestSeconds != 0 || apiPromptTokenSeconds != 0 }

    /// Whether steps carry engine-core CPU time.
    public var hasStepCost: Bool { stepSeconds != 0 || stepRequestSeconds != 0 || stepTokenSeconds != 0 }

    /// Whether any cost is non-zero or the GPU time is scaled (the simulation differs from the
    /// one without `[engine]`).
    public var isActive: Bool { delaysAdmission || hasStepCost || apiOutputTokenSeconds != 0 || gpuTimeScale != 1 }

    /// The cost keys with their values, in table order (validation and the config header).
    public var costs: [(key: String, value: Double)] {
        [("api_request_seconds", apiRequestSeconds), ("api_prompt_token_seconds", apiPromptTokenSeconds),
         ("api_output_token_seconds", apiOutputTokenSeconds), ("step_seconds", stepSeconds),
         ("step_request_seconds", stepRequestSeconds), ("step_token_seconds", stepTokenSeconds)]
    }
}
