/// Turns a parsed TOML document into a ``SimulatorConfig``, table by table.
///
/// A table the file leaves out takes its value from ``SimulatorConfig/default`` (the values of
/// `configs/config.toml`); `[simulation]` takes the original's default `log_interval = 100`.
/// Inside a table that is present, a key is required only where it is used and has no
/// sensible default (the hardware and model numbers, the arrival pattern, the arrival rate of
/// a rate-driven pattern, the length distributions of a generator); the other keys take the
/// original's defaults.
///
/// `[hardware]`, `[model]` and `[compute]` may name a catalog preset (`preset = "h100-sxm"`,
/// see ``Catalog``): the preset's table is read first and the file's own keys in that table
/// override it.
struct ConfigDocumentReader {
    let root: [String: TOMLNode]
    var diagnostics: ConfigDiagnostics
    /// The config file's directory, where presets are looked for first.
    let configDirectory: String?
    /// Keys that are valid but have no effect here (a closed-loop key with Poisson arrivals):
    /// where, and why.
    var warnings: [(path: [String], message: String)] = []

    init(root: [String: TOMLNode], diagnostics: ConfigDiagnostics, configDirectory: String? = nil) {
        self.root = root
        self.diagnostics = diagnostics
        self.configDirectory = configDirectory
    }

    /// Reads the whole document; check `diagnostics.firstError` before using the result.
    mutating func read() -> SimulatorConfig {
        rejectUnknownTables()
        let fallback = SimulatorConfig.default
        var config = SimulatorConfig(
            hardware: readHardware(table("hardware")) ?? fallback.hardware,
            model: readModel(table("model")) ?? fallback.model,
            scheduler: readScheduler(table("scheduler")) ?? fallback.scheduler,
            workload: readWorkload(table("workload")) ?? fallback.workload,
            compute: readCompute(computeTable()) ?? fallback.compute,
            engine: readEngine(table("engine")),
            logInterval: readLogInterval(table("simulation")))
        // With a vLLM version, the scheduler values the file leaves out are that version's
        // `vllm serve` defaults for the GPU.
        if config.engine.vllmVersion != nil {
            let given = ConfigTableReader(path: ["scheduler"], node: root["scheduler"])
            let defaults = VLLMDefaults.batchDefaults(for: config.hardware)
            if !given.has("max_num_batched_tokens") { config.scheduler.maxNumBatchedTokens = defaults.maxNumBatchedTokens }
            if !given.has("max_num_seqs") { config.scheduler.maxNumSeqs = defaults.maxNumSeqs }
        }
        return config
    }

    /// The top-level table `name`, with its unknown keys reported.
    mutating func table(_ name: String) -> ConfigTableReader {
        let own = ConfigTableReader(path: [name], node: root[name])
        if own.isPresent, let keys = ConfigSchema.keys(of: name) {
            own.rejectUnknownKeys(allowed: keys, &diagnostics)
        }
        guard let kind = Catalog.Kind.allCases.first(where: { $0.table == name }), own.has(kind.presetKey),
              let value = own.string(kind.presetKey, &diagnostics) else { return own }
        let presetKey = kind.presetKey, preset = kind.presetName(for: value)
        // The preset's table, overridden key by key by the file's.
        let entry: Catalog.Entry
        switch Catalog.find(kind, named: preset, configDirectory: configDirectory) {
        case .success(let e): entry = e
        case .failure(let f):
            diagnostics.report(.value, at: [name, presetKey], f.message)
            return own
        }
        return merged(own, over: entry, table: name, kind: kind)
    }

    /// `own`'s keys (but the preset key) over the `[name]` table of the `kind` preset `entry`.
    private mutating func merged(_ own: ConfigTableReader, over entry: Catalog.Entry, table name: String,
                                 kind: Catalog.Kind) -> ConfigTableReader {
        let presetKey = kind.presetKey
        let presetRoot: [String: TOMLNode]
        do {
            presetRoot = try TOMLNode.parseDocument(entry.text)
        } catch {
            diagnostics.report(.value, at: [name, presetKey], "\(entry.source): TOML syntax error: \(error)")
            return own
        }
        guard case .table(var merged)? = presetRoot[name] else {
            diagnostics.report(.value, at: [name, presetKey], "\(entry.source) has no [\(name)] table")
            return own
        }
        if let keys = ConfigSchema.keys(of: name) {
            ConfigTableReader(path: [name], node: .table(merged))
                .rejectUnknownKeys(allowed: keys, context: "[\(name)] of preset \(entry.source)", &diagnostics)
        }
        if merged["preset"] != nil {
            diagnostics.report(.value, at: [name, "preset"],
                               "preset \(entry.source) names another preset in its [\(name)] table; presets do not nest (copy that preset's keys into it instead)")
            return own
        }
        for (key, value) in own.entries where key != "preset" || kind == .engine { merged[key] = value }
        return ConfigTableReader(path: [name], node: .table(merged))
    }

    /// `[compute]`, where a catalog GPU's calibration profile stands in for what the file leaves
    /// out (``Catalog/calibrationProfile(forHardwarePreset:configDirectory:)``):
    ///
    /// - no `[compute]` table, and `[hardware] preset` names a GPU with a profile: that profile
    ///   (`model = "calibrated"`); a GPU without one, or hand-written hardware: the default;
    /// - `model = "calibrated"` with neither `preset` nor any factor key: the profile of
    ///   `[hardware] preset`, the file's other keys over it; an error naming the GPUs that
    ///   have one when there is none.
    mutating func computeTable() -> ConfigTableReader {
        let own = table("compute")
        if own.isPresent && own.has("preset") { return own }
        let gpu: String?
        if case .table(let hw)? = root["hardware"], case .string(let name)? = hw["preset"], !name.hasSuffix(".toml") {
            gpu = name
        } else {
            gpu = nil
        }
        let profile = gpu.flatMap { Catalog.calibrationProfile(forHardwarePreset: $0, configDirectory: configDirectory) }
        if !own.isPresent {
            guard let profile else { return own }
            return merged(own, over: profile, table: "compute", kind: .calibration)
        }
        guard case .string(let model)? = own.entries["model"], model.lowercased() == ComputeModelKind.calibrated.rawValue,
              !ConfigSchema.calibrationFactorKeys.contains(where: { own.has($0) }) else { return own }
        if let profile { return merged(own, over: profile, table: "compute", kind: .calibration) }
        let gpus = Catalog.hardwareWithCalibrationProfiles().joined(separator: ", ")
        let which = gpu.map { "[hardware] preset \"\($0)\" has no calibration profile" }
            ?? "the hardware is not a catalog GPU ([hardware] preset)"
        diagnostics.report(.value, at: ["compute", "model"],
                           "model = \"calibrated\" without a preset or factors needs a calibration profile, but \(which); "
                           + "GPUs with one: \(gpus) (or set [compute] preset, or the factors)")
        return own
    }

    /// Top-level entries must be the known tables.
    private mutating func rejectUnknownTables() {
        let names = ConfigSchema.tableNames
        let valid = names.map { "[\($0)]" }.joined(separator: ", ")
        for key in root.keys.sorted() {
            let node = root[key]!
            if names.contains(key) {
                if case .table = node { continue }
                diagnostics.report(.value, at: [key], "expected a table ([\(key)]), got \(node.kindAndValue)")
                continue
            }
            var message: String
            if case .table = node {
                message = "unknown table [\(key)]"
                if let near = NameSuggestion.nearest(to: key, among: names) {
                    message += "; did you mean [\(near)]?"
                } else {
                    message += "; valid tables: \(valid)"
                }
            } else {
                message = "unknown key at the top level"
                if let home = ConfigSchema.table(defining: key) {
                    message += "; \"\(key)\" belongs in [\(home)]"
                } else {
                    message += "; every key belongs in one of the tables \(valid)"
                }
            }
            diagnostics.report(.structure, at: [key], message)
        }
    }

    // MARK: - Tables

    private mutating func readHardware(_ t: ConfigTableReader) -> HardwareConfig? {
        guard t.isPresent else { return nil }
        let d = HardwareConfig()
        let name = t.require(t.string("name", &diagnostics), "name", &diagnostics)
        let bytes = t.require(t.integer("bytes_per_param", &diagnostics), "bytes_per_param", &diagnostics)
        // compute_flops, or the peak of the precision bytes_per_param implies.
        var flops = t.double("compute_flops", &diagnostics)
        let bf16 = t.double("compute_flops_bf16", &diagnostics), fp8 = t.double("compute_flops_fp8", &diagnostics)
        if flops == nil && !t.has("compute_flops") {
            if bf16 == nil && fp8 == nil && !t.has("compute_flops_bf16") && !t.has("compute_flops_fp8") {
                t.require(flops, "compute_flops", &diagnostics)
            } else if bytes == 1 {
                flops = fp8
                if fp8 == nil && !t.has("compute_flops_fp8") {
                    diagnostics.report(.missing, at: ["hardware", "compute_flops"],
                                       "is required: bytes_per_param = 1 (FP8) but this hardware has no compute_flops_fp8")
                }
            } else {
                flops = bf16
                if bf16 == nil && !t.has("compute_flops_bf16") {
                    diagnostics.report(.missing, at: ["hardware", "compute_flops"],
                                       "is required: bytes_per_param = \(bytes ?? 2) but this hardware has no compute_flops_bf16")
                }
            }
        }
        let bandwidth = t.require(t.double("memory_bandwidth", &diagnostics), "memory_bandwidth", &diagnostics)
        let memory = t.require(t.double("memory_capacity", &diagnostics), "memory_capacity", &diagnostics)
        // As in the original, 0 means "derive from memory_capacity".
        let kv = t.double("kv_cache_capacity", &diagnostics).flatMap { $0 == 0 ? nil : $0 }
        return HardwareConfig(
            name: name ?? d.name,
            computeFlops: flops ?? d.computeFlops,
            memoryBandwidth: bandwidth ?? d.memoryBandwidth,
            memoryCapacity: memory ?? d.memoryCapacity,
            kvCacheCapacity: kv,
            gpuMemoryUtilization: t.double("gpu_memory_utilization", &diagnostics) ?? d.gpuMemoryUtilization,
            bytesPerParam: bytes ?? d.bytesPerParam,
            kvCacheBytesPerElement: t.integer("kv_cache_bytes_per_element", &diagnostics),
            tensorParallelSize: t.integer("tensor_parallel_size", &diagnostics) ?? d.tensorParallelSize,
            interconnectBandwidth: t.double("interconnect_bandwidth", &diagnostics),
            interconnectLatency: t.double("interconnect_latency", &diagnostics) ?? d.interconnectLatency)
    }

    private mutating func readModel(_ t: ConfigTableReader) -> ModelConfig? {
        guard t.isPresent else { return nil }
        let d = ModelConfig()
        let name = t.require(t.string("name", &diagnostics), "name", &diagnostics)
        let parameters = t.require(t.double("num_parameters", &diagnostics), "num_parameters", &diagnostics)
        let layers = t.require(t.integer("num_layers", &diagnostics), "num_layers", &diagnostics)
        let hidden = t.require(t.integer("hidden_dim", &diagnostics), "hidden_dim", &diagnostics)
        let heads = t.require(t.integer("num_heads", &diagnostics), "num_heads", &diagnostics)
        let maxSeqLen = t.require(t.integer("max_seq_len", &diagnostics), "max_seq_len", &diagnostics)
        return ModelConfig(
            name: name ?? d.name,
            numParameters: parameters ?? d.numParameters,
            numActiveParameters: t.double("num_active_parameters", &diagnostics),
            numLayers: layers ?? d.numLayers,
            hiddenDim: hidden ?? d.hiddenDim,
            numHeads: heads ?? d.numHeads,
            numKVHeads: t.integer("num_kv_heads", &diagnostics),
            headDim: t.integer("head_dim", &diagnostics),
            maxSeqLen: maxSeqLen ?? d.maxSeqLen,
            slidingWindow: t.integer("sliding_window", &diagnostics),
            numSlidingLayers: t.integer("num_sliding_layers", &diagnostics),
            numExperts: t.integer("num_experts", &diagnostics),
            numExpertsPerToken: t.integer("num_experts_per_token", &diagnostics))
    }

    private mutating func readScheduler(_ t: ConfigTableReader) -> SchedulerConfig? {
        guard t.isPresent else { return nil }
        let d = SchedulerConfig()
        return SchedulerConfig(
            maxNumBatchedTokens: t.integer("max_num_batched_tokens", &diagnostics) ?? d.maxNumBatchedTokens,
            maxNumSeqs: t.integer("max_num_seqs", &diagnostics) ?? d.maxNumSeqs,
            policy: t.choice("policy", what: "policy", as: SchedulingPolicy.self, &diagnostics) ?? d.policy,
            enableChunkedPrefill: t.bool("enable_chunked_prefill", &diagnostics) ?? d.enableChunkedPrefill,
            blockSize: t.integer("block_size", &diagnostics) ?? d.blockSize,
            longPrefillTokenThreshold: t.integer("long_prefill_token_threshold", &diagnostics)
                ?? d.longPrefillTokenThreshold,
            maxNumPartialPrefills: t.integer("max_num_partial_prefills", &diagnostics) ?? d.maxNumPartialPrefills,
            enablePrefixCaching: t.bool("enable_prefix_caching", &diagnostics) ?? d.enablePrefixCaching,
            asyncScheduling: t.bool("async_scheduling", &diagnostics) ?? d.asyncScheduling,
            watermark: t.double("watermark", &diagnostics) ?? d.watermark,
            reserveFullPrompt: t.bool("reserve_full_prompt", &diagnostics) ?? d.reserveFullPrompt,
            numGPUBlocksOverride: t.integer("num_gpu_blocks_override", &diagnostics),
            prefixHashBlockSize: t.integer("prefix_hash_block_size", &diagnostics) ?? d.prefixHashBlockSize)
    }

    private mutating func readCompute(_ t: ConfigTableReader) -> ComputeConfig? {
        guard t.isPresent else { return nil }
        let d = CalibrationFactors()
        let factors = CalibrationFactors(
            computeEfficiency: t.double("compute_efficiency", &diagnostics) ?? d.computeEfficiency,
            memoryEfficiency: t.double("memory_efficiency", &diagnostics) ?? d.memoryEfficiency,
            attentionComputeEfficiency: t.double("attention_compute_efficiency", &diagnostics) ?? d.attentionComputeEfficiency,
            attentionMemoryEfficiency: t.double("attention_memory_efficiency", &diagnostics) ?? d.attentionMemoryEfficiency,
            interconnectEfficiency: t.double("interconnect_efficiency", &diagnostics) ?? d.interconnectEfficiency,
            stepOverheadSeconds: t.double("step_overhead_seconds", &diagnostics) ?? d.stepOverheadSeconds,
            layerOverheadSeconds: t.double("layer_overhead_seconds", &diagnostics) ?? d.layerOverheadSeconds,
            tokenOverheadSeconds: t.double("token_overhead_seconds", &diagnostics) ?? d.tokenOverheadSeconds)
        return ComputeConfig(
            model: t.choice("model", what: "compute model", as: ComputeModelKind.self, &diagnostics) ?? .roofline,
            baseSeconds: t.double("base_seconds", &diagnostics) ?? 0,
            perTokenSeconds: t.double("per_token_seconds", &diagnostics) ?? 0,
            perRequestSeconds: t.double("per_request_seconds", &diagnostics) ?? 0,
            calibration: factors)
    }

    private mutating func readEngine(_ t: ConfigTableReader) -> EngineConfig {
        guard t.isPresent else { return EngineConfig() }
        return EngineConfig(
            vllmVersion: t.string("vllm_version", &diagnostics),
            apiRequestSeconds: t.double("api_request_seconds", &diagnostics) ?? 0,
            apiPromptTokenSeconds: t.double("api_prompt_token_seconds", &diagnostics) ?? 0,
            apiOutputTokenSeconds: t.double("api_output_token_seconds", &diagnostics) ?? 0,
            stepSeconds: t.double("step_seconds", &diagnostics) ?? 0,
            stepRequestSeconds: t.double("step_request_seconds", &diagnostics) ?? 0,
            stepTokenSeconds: t.double("step_token_seconds", &diagnostics) ?? 0)
    }

    private mutating func readLogInterval(_ t: ConfigTableReader) -> Int {
        t.integer("log_interval", &diagnostics) ?? 100
    }
}
