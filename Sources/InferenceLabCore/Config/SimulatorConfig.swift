/// Everything a simulation run needs: the five tables of a config file plus `[compute]`.
///
/// Build one in code (every field has the default of `configs/config.toml`) or load one from
/// TOML with `InferenceLab.ConfigLoader`. Call ``validate()`` before running; ``Simulator``
/// does it for you.
public struct SimulatorConfig: Sendable, Equatable {
    public var hardware: HardwareConfig = HardwareConfig(kvCacheCapacity: 68_719_476_736)
    public var model: ModelConfig = ModelConfig()
    public var scheduler: SchedulerConfig = SchedulerConfig()
    public var workload: WorkloadConfig = WorkloadConfig()
    public var compute: ComputeConfig = ComputeConfig()
    /// Serving overheads around the step-time model (`[engine]`; all zero by default).
    public var engine: EngineConfig = EngineConfig()
    /// Steps between debug progress lines (the original's `[simulation] log_interval`).
    public var logInterval: Int = 100
    /// A fleet of replicas of this node behind a router (`[cluster]`; off by default).
    public var cluster: ClusterConfig = ClusterConfig()

    /// The built-in default: the same values as `configs/config.toml`
    /// (Llama-3-70B in BF16 on one H100 with a 64 GiB KV pool, Poisson at 5 req/s).
    public static let `default` = SimulatorConfig(logInterval: 5)
}

extension SimulatorConfig {
    /// Bytes of KV cache one token occupies: 2 (K and V) × KV heads × head dim × element
    /// bytes × layers.
    public var kvBytesPerToken: Double {
        let element = Double(hardware.kvCacheBytesPerElement ?? hardware.bytesPerParam)
        return 2 * Double(model.resolvedKVHeads) * Double(model.resolvedHeadDim) * element
            * Double(model.numLayers)
    }

    /// Bytes of weights of the whole model (all GPUs together).
    public var weightBytes: Double { model.numParameters * Double(hardware.bytesPerParam) }

    /// Tensor-parallel degree as a number (at least 1).
    public var tensorParallelDegree: Double { Double(max(hardware.tensorParallelSize, 1)) }

    /// Bytes of weights resident on each GPU: every weight matrix is split TP ways (the
    /// embeddings too, as vLLM's vocab-parallel layers do).
    public var weightBytesPerGPU: Double { weightBytes / tensorParallelDegree }

    /// Share of the KV cache each GPU holds: vLLM gives each GPU ceil(kv_heads / TP) KV heads
    /// (heads are replicated when TP exceeds their number), so the share is
    /// ceil(kv_heads / TP) / kv_heads; 1 without TP.
    public var kvShardFraction: Double {
        let heads = model.resolvedKVHeads, tp = max(hardware.tensorParallelSize, 1)
        guard heads > 0 else { return 1 }
        return Double((heads + tp - 1) / tp) / Double(heads)
    }

    /// Bytes of KV cache one token occupies on each GPU.
    public var kvBytesPerTokenPerGPU: Double { kvBytesPerToken * kvShardFraction }

    /// Bytes of the KV pool on each GPU: the explicit capacity, or
    /// memory × utilisation − the GPU's share of the weights; with `[engine] vllm_version` also
    /// less vLLM's activation peak and reserved memory, as vLLM's memory profiling leaves it
    /// (``VLLMDefaults``).
    public var kvPoolBytes: Double {
        if let explicit = hardware.kvCacheCapacity { return explicit }
        let pool = (hardware.memoryCapacity * hardware.gpuMemoryUtilization).rounded(.down) - weightBytesPerGPU
        guard engine.vllmVersion != nil else { return pool }
        return pool - VLLMDefaults.activationPeakBytesPerGPU(self) - VLLMDefaults.reservedBytesPerGPU
    }

    /// Usable KV blocks. As in vLLM, the pool holds `floor(bytes / block bytes)` blocks of
    /// which block 0 is the reserved null block, so one fewer is usable.
    public var usableKVBlocks: Int {
        if let override = scheduler.numGPUBlocksOverride { return max(override - 1, 0) }
        // Every GPU holds the same blocks (its share of their KV heads), so the per-GPU pool
        // over the per-GPU block size is the block count.
        let blockBytes = Double(scheduler.blockSize) * kvBytesPerTokenPerGPU
        guard blockBytes > 0, kvPoolBytes > 0 else { return 0 }
        let total = (kvPoolBytes / blockBytes).rounded(.down)
        return total >= 1 ? Int(min(total, Double(Int32.max))) - 1 : 0
    }

    /// The per-request prefill chunk cap after the original's default rule.
    public var effectiveLongPrefillThreshold: Int {
        let s = scheduler
        if s.longPrefillTokenThreshold == 0 && s.enableChunkedPrefill && s.maxNumPartialPrefills > 1 {
            return Int((0.04 * Double(model.maxSeqLen)).rounded(.down))
        }
        return s.longPrefillTokenThreshold
    }
}
