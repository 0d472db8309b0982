/// The scheduler defaults vLLM's OpenAI API server picks when `--max-num-batched-tokens` and
/// `--max-num-seqs` are not given (vllm/engine/arg_utils.py, `EngineArgs.get_batch_defaults`,
/// the same in vLLM 0.11.0 and 0.15.1): on a GPU with at least 70 GiB of memory whose name does
/// not contain "a100" (H100, H200, B200, MI300X) 8192 tokens and 1024 sequences, on any other
/// GPU 2048 tokens and 256 sequences.
public enum VLLMDefaults {
    /// `max_num_batched_tokens` and `max_num_seqs` of `vllm serve` on `hardware`.
    public static func batchDefaults(for hardware: HardwareConfig) -> (maxNumBatchedTokens: Int, maxNumSeqs: Int) {
        let large = hardware.memoryCapacity >= 70 * 1_073_741_824 && !containsA100(hardware.name)
        return large ? (8192, 1024) : (2048, 256)
    }

    /// Memory vLLM keeps out of the KV pool besides the weights and the activation peak, per GPU:
    /// non-torch allocations (CUDA context, NCCL and cuBLAS workspaces), the sampler's buffers
    /// of the profiling run and the CUDA-graph pool. 1.9 GiB, fitted to the KV blocks vLLM 0.15.1
    /// logged on the validation runs (H100, `memory_capacity` taken as the preset's 80 GiB):
    /// with it the derived pool is within 1.5 % of vLLM's on every run (docs/step-time.md).
    public static let reservedBytesPerGPU = 1.9 * 1_073_741_824.0

    /// The activation peak of vLLM's profiling forward pass over a full token budget, per GPU:
    /// `max_num_batched_tokens × hidden_dim × 14 bytes / TP` — the MLP's gate and up
    /// projections (about 2 × 3.5 × hidden BF16 values per token, split TP ways), the largest
    /// live tensors of the pass.
    public static func activationPeakBytesPerGPU(_ config: SimulatorConfig) -> Double {
        Double(config.scheduler.maxNumBatchedTokens) * Double(config.model.hiddenDim) * 14 / config.tensorParallelDegree
    }

    /// Whether `vllm serve` of `version` ("0.15.1") schedules asynchronously when
    /// `--async-scheduling` is not given. vLLM 0.12.0 made it the default
    /// (vllm-project/vllm#27614): `SchedulerConfig.async_scheduling` is `None` unless set, and
    /// `VllmConfig.__post_init__` (vllm/config/vllm.py) resolves `None` to `True` when nothing
    /// rules it out (speculative decoding other than EAGLE/MTP, pipeline parallelism, an executor
    /// without support, pooling models: none of which the simulator models). Up to 0.11 it was
    /// opt-in. A version that does not parse as numbers counts as current (on).
    public static func asyncSchedulingByDefault(version: String) -> Bool {
        var parts: [Int] = []
        var current = 0
        var digits = 0
        for byte in version.utf8 {
            if byte >= 48 && byte <= 57 {
                current = current * 10 + Int(byte - 48)
                digits += 1
            } else if byte == 46 && digits > 0 {
                parts.append(current)
                current = 0
                digits = 0
            } else {
                break
            }
        }
        if digits > 0 { parts.append(current) }
        guard parts.count >= 2 else { return true }
        return (parts[0], parts[1]) >= (0, 12)
    }

    /// Whether `name` contains "a100", ignoring ASCII case.
    static func containsA100(_ name: String) -> Bool {
        let lowered = name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let needle: [UInt8] = [97, 49, 48, 48]
        guard lowered.count >= needle.count else { return false }
        for i in 0...(lowered.count - needle.count) where Array(lowered[i..<(i + needle.count)]) == needle {
            return true
        }
        return false
    }
}
