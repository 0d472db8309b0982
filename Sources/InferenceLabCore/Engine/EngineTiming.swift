/// The serving timeline around the step-time model: when a request reaches the engine core,
/// when a step's GPU work can start, and when the client sees a step's tokens.
///
/// Three serial resources, each a "free at" time (from the `[engine]` costs, ``EngineConfig``):
///
/// - **API server intake.** A request sent at `a` with `p` prompt tokens is tokenised after the
///   requests before it, then handed to the engine core after the fixed per-request latency:
///   `tokenised = max(a, intakeFree) + p · api_prompt_token_seconds`,
///   `ready = tokenised + api_request_seconds`. Ready times never decrease in arrival order.
/// - **Engine-core CPU.** A step scheduled at `now` with `r` requests and `n` tokens needs
///   `c = step_seconds + r · step_request_seconds + n · step_token_seconds` of CPU after the
///   CPU work of the step before it: `cpuEnd = max(now, cpuFree) + c`; its GPU work starts at
///   `max(cpuEnd, gpuFree)`. Without async scheduling a step is scheduled only after the previous
///   one ended, so the CPU time adds to every step (vLLM's `EngineCore.step`); with it the next
///   step is prepared while the current one runs, so the CPU time hides behind the GPU time
///   unless it is longer (`step_with_batch_queue`).
/// - **API server output.** The `k` tokens a step produced are detokenised and streamed after the
///   previous step's: `seen = max(stepEnd, outputFree) + k · api_output_token_seconds`. The
///   client sees every token of the step at `seen`.
///
/// With every cost 0 all three reduce to the engine-side times exactly.
public struct EngineTiming: Sendable {
    public let config: EngineConfig
    @usableFromInline var intakeFree = -Double.infinity
    @usableFromInline var cpuFree = -Double.infinity
    @usableFromInline var outputFree = -Double.infinity

    public init(_ config: EngineConfig) {
        self.config = config
    }

    /// When a request sent at `arrival` with `promptTokens` tokens reaches the scheduler.
    /// Call in arrival order.
    @inlinable
    public mutating func readyTime(arrival: Double, promptTokens: Int) -> Double {
        let tokenised = max(arrival, intakeFree) + Double(promptTokens) * config.apiPromptTokenSeconds
        intakeFree = tokenised
        return tokenised + config.apiRequestSeconds
    }

    /// The engine-core CPU seconds of a step with `requests` scheduled requests and `tokens`
    /// scheduled tokens.
    @inlinable
    public func stepCPUSeconds(requests: Int, tokens: Int) -> Double {
        config.stepSeconds + Double(requests) * config.stepRequestSeconds + Double(tokens) * config.stepTokenSeconds
    }

    /// When the GPU work of a step scheduled at `now` starts, given its CPU seconds and when
    /// the GPU is free. Call in step order.
    @inlinable
    public mutating func gpuStart(scheduledAt now: Double, cpuSeconds: Double, gpuFree: Double) -> Double {
        let cpuEnd = max(now, cpuFree) + cpuSeconds
        cpuFree = cpuEnd
        return max(cpuEnd, gpuFree)
    }

    /// When the client sees the `tokens` output tokens of a step that ended at `stepEnd`.
    /// Call in step order.
    @inlinable
    public mutating func clientTime(stepEnd: Double, tokens: Int) -> Double {
        let seen = max(stepEnd, outputFree) + Double(tokens) * config.apiOutputTokenSeconds
        outputFree = seen
        return seen
    }
}
