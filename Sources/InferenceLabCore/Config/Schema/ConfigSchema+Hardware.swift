extension ConfigSchema {
    /// `[hardware]`: the accelerator as the step-time model sees it (per GPU).
    public static let hardware = ConfigTableSchema("hardware", keys: [
        ConfigKey("name", .text, default: .required, doc: "label printed in reports",
                  get: { .text($0.hardware.name) },
                  set: { c, v in if let t = v?.textValue { c.hardware.name = t } }),
        ConfigKey("compute_flops", .number, default: .unset, range: .positive, unit: "FLOP/s",
                  doc: "> 0, finite; peak dense FLOP/s at the weights' precision",
                  documentedDefault: "*required* unless a per-precision peak applies",
                  get: { .number($0.hardware.computeFlops) },
                  set: { c, v in if let x = v?.numberValue { c.hardware.computeFlops = x } }),
        .field("memory_bandwidth", .required, range: .positive, unit: "bytes/s", doc: "> 0, finite; peak memory bandwidth",
               get: { $0.hardware.memoryBandwidth }, set: { $0.hardware.memoryBandwidth = $1 }),
        .field("memory_capacity", .required, range: .positive, unit: "bytes", doc: "> 0, finite; device memory",
               get: { $0.hardware.memoryCapacity }, set: { $0.hardware.memoryCapacity = $1 }),
        // As in the original, 0 means "derive from memory_capacity".
        ConfigKey("kv_cache_capacity", .number, default: .unset, range: .positive, unit: "bytes",
                  doc: "> 0, or 0 / absent to derive it as `memory_capacity × gpu_memory_utilization − weights / T` (rounded down before the subtraction)",
                  documentedDefault: "derived",
                  get: { c in c.hardware.kvCacheCapacity.map { .number($0) } },
                  set: { c, v in c.hardware.kvCacheCapacity = v?.numberValue.flatMap { $0 == 0 ? nil : $0 } }),
        .field("gpu_memory_utilization", 0.9, range: .fraction, unit: "fraction", doc: "(0, 1]; used only to derive the KV pool",
               get: { $0.hardware.gpuMemoryUtilization }, set: { $0.hardware.gpuMemoryUtilization = $1 }),
        .field("bytes_per_param", .required, range: .positive, unit: "bytes",
               doc: "≥ 1; bytes per weight (1 = FP8, 2 = BF16); also the KV element size unless overridden",
               get: { $0.hardware.bytesPerParam }, set: { $0.hardware.bytesPerParam = $1 }),
        .optionalField("kv_cache_bytes_per_element", range: .positive, unit: "bytes",
                       doc: "≥ 1; e.g. 1 for an FP8 KV cache with BF16 weights", documentedDefault: "`bytes_per_param`",
                       get: { $0.hardware.kvCacheBytesPerElement }, set: { $0.hardware.kvCacheBytesPerElement = $1 }),
        .preset(doc: "start from a catalog entry (see [Catalog presets](#catalog-presets))"),
        ConfigKey("compute_flops_bf16", .number, default: .unset, unit: "FLOP/s",
                  doc: "BF16 peak; used as `compute_flops` when that is absent and `bytes_per_param` ≠ 1",
                  role: .input, get: { _ in nil }, set: { _, _ in }),
        ConfigKey("compute_flops_fp8", .number, default: .unset, unit: "FLOP/s",
                  doc: "FP8 peak; used as `compute_flops` when that is absent and `bytes_per_param` = 1",
                  role: .input, get: { _ in nil }, set: { _, _ in }),
        // Tensor-parallel keys are written into the header only when used, so single-GPU
        // headers keep their bytes.
        .field("tensor_parallel_size", 1, range: .positive, unit: "GPUs", doc: "≥ 1; must divide `model.num_heads`",
               inHeaderWhen: { $0.hardware.tensorParallelSize != 1 },
               get: { $0.hardware.tensorParallelSize }, set: { $0.hardware.tensorParallelSize = $1 }),
        .optionalField("interconnect_bandwidth", range: .positive, unit: "bytes/s",
                       doc: "> 0; per GPU and direction (NVLink 4: 450e9); *required* when `tensor_parallel_size` > 1",
                       get: { $0.hardware.interconnectBandwidth }, set: { $0.hardware.interconnectBandwidth = $1 }),
        .field("interconnect_latency", 0, range: .nonNegativeSeconds, unit: "seconds",
               doc: "≥ 0, finite; fixed cost of each all-reduce",
               inHeaderWhen: { $0.hardware.interconnectLatency != 0 },
               get: { $0.hardware.interconnectLatency }, set: { $0.hardware.interconnectLatency = $1 }),
        // Not in the event-log header: a price does not change the run, and headers keep
        // their bytes.
        .optionalField("price_per_hour", range: .nonNegative, unit: "USD/hour",
                       doc: "≥ 0, finite; rental price of one GPU, for the cost columns of `inference-lab sweep` (catalog GPUs carry a public on-demand price, see [capacity-planning.md](capacity-planning.md#prices))",
                       inHeaderWhen: { _ in false },
                       get: { $0.hardware.pricePerHour }, set: { $0.hardware.pricePerHour = $1 }),
    ], resolve: resolvePeakByPrecision, rules: { c, issues in c.hardwareRules(&issues) },
       missingKeysFirst: ["name", "bytes_per_param", "compute_flops"])

    /// The hook for `compute_flops_bf16` / `compute_flops_fp8`: without `compute_flops`, the
    /// peak of the precision `bytes_per_param` implies (1 = FP8) is the compute peak.
    static let resolvePeakByPrecision: @Sendable (ConfigTableInput, inout SimulatorConfig) -> [MissingConfigKey] = { input, config in
        guard !input.isPresent("compute_flops") else { return [] }
        let bf16 = input.value("compute_flops_bf16")?.numberValue, fp8 = input.value("compute_flops_fp8")?.numberValue
        let bytes = input.value("bytes_per_param")?.integerValue
        if !input.isPresent("compute_flops_bf16") && !input.isPresent("compute_flops_fp8") {
            return [MissingConfigKey(name: "compute_flops")]
        }
        if bytes == 1 {
            if let fp8 { config.hardware.computeFlops = fp8 }
            else if !input.isPresent("compute_flops_fp8") {
                return [MissingConfigKey(name: "compute_flops",
                                         detail: ": bytes_per_param = 1 (FP8) but this hardware has no compute_flops_fp8")]
            }
        } else {
            if let bf16 { config.hardware.computeFlops = bf16 }
            else if !input.isPresent("compute_flops_bf16") {
                return [MissingConfigKey(name: "compute_flops",
                                         detail: ": bytes_per_param = \(bytes ?? 2) but this hardware has no compute_flops_bf16")]
            }
        }
        return []
    }
}
