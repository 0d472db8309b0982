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
