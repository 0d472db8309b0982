import InferenceLabCore

/// A config given as plain values: dotted TOML keys (`hardware.compute_flops`,
/// `workload.input_len_dist.type`) each set to a number or a piece of text.
///
/// It is how the WebAssembly build receives a config: JavaScript flattens a TOML file (or a
/// form) into keys and values, and numbers cross as IEEE doubles, so nothing is parsed from
/// decimal text here (Embedded Swift has no `Double(String)`). ``build()`` follows
/// `InferenceLab.ConfigDocumentReader` rule for rule, so the same keys give the same
/// ``SimulatorConfig`` as `ConfigLoader` gives for the TOML file:
///
/// - a table with no key set takes its value from ``SimulatorConfig/default``;
/// - inside a table with some key set, a key is required only where it is used and the
///   others take the reader's defaults (optional model and hardware numbers stay unset);
/// - `compute_flops` may be replaced by `compute_flops_bf16` / `compute_flops_fp8`, picked
///   by `bytes_per_param`; `kv_cache_capacity = 0` means "derive";
/// - booleans and names are text (`true`, `false`, `fcfs`, `lognormal`, case-insensitive for
///   choices); integers are numbers with no fraction, or decimal text (for seeds above 2^53).
///
/// Not supported here: `preset` (the page resolves presets from the catalog before setting
/// keys, exactly as the loader merges them) and trace replay (there are no files).
/// `engine.vllm_version` is only recorded: the page sets the engine profile's cost keys
/// itself, as it does for presets.
public struct FlatConfig: Sendable {
    /// A key's value.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    private var entries: [(key: String, value: Value)] = []

    public init() {}

    /// Every key this builder accepts, `table.key` (distribution keys under
    /// `workload.input_len_dist.` and `workload.output_len_dist.`).
    public static let knownKeys: [String] = {
        var keys: [String] = []
        for (table, names) in tables { for n in names { keys.append(table + "." + n) } }
        for d in ["input_len_dist", "output_len_dist"] {
            for k in ["type", "value", "min", "max", "mean", "std_dev"] { keys.append("workload." + d + "." + k) }
        }
        return keys
    }()

    private static let tables: [(String, [String])] = [
        ("hardware", ["name", "compute_flops", "memory_bandwidth", "memory_capacity", "kv_cache_capacity",
                      "gpu_memory_utilization", "bytes_per_param", "kv_cache_bytes_per_element",
                      "compute_flops_bf16", "compute_flops_fp8", "tensor_parallel_size",
                      "interconnect_bandwidth", "interconnect_latency"]),
        ("model", ["name", "num_parameters", "num_active_parameters", "num_layers", "hidden_dim",
                   "num_heads", "num_kv_heads", "head_dim", "max_seq_len", "sliding_window",
                   "num_sliding_layers", "num_experts", "num_experts_per_token"]),
        ("scheduler", ["max_num_batched_tokens", "max_num_seqs", "policy", "enable_chunked_prefill",
                       "block_size", "long_prefill_token_threshold", "max_num_partial_prefills",
                       "enable_prefix_caching", "async_scheduling", "watermark", "reserve_full_prompt",
                       "num_gpu_blocks_override", "prefix_hash_block_size"]),
        ("workload", ["arrival_pattern", "arrival_rate", "cv", "num_requests", "duration_secs",
                      "num_concurrent_users", "think_time", "seed", "time_scale"]),
        ("compute", ["model", "base_seconds", "per_token_seconds", "per_request_seconds",
                     "compute_efficiency", "memory_efficiency", "attention_compute_efficiency",
                     "attention_memory_efficiency", "interconnect_efficiency", "step_overhead_seconds",
                     "layer_overhead_seconds", "token_overhead_seconds"]),
        ("engine", ["vllm_version", "api_request_seconds", "api_prompt_token_seconds", "api_output_token_seconds",
                    "step_seconds", "step_request_seconds", "step_token_seconds"]),
        ("simulation", ["log_interval"]),
    ]

    /// Sets `key` (a later value for the same key replaces the earlier one).
    /// - Throws: an unknown key, with the valid keys of its table.
    public mutating func set(_ key: String, _ value: Value) throws(ConfigIssue) {
        guard FlatConfig.knownKeys.contains(where: { same($0, key) }) else {
            var message = "unknown key"
            if hasSuffix(key, ".preset") { message += " (resolve catalog presets before setting keys)" }
            else if hasSuffix(key, ".trace_path") { message += " (trace replay needs files: use the command-line tool)" }
            throw ConfigIssue(.error, key: key, message)
        }
        if let i = entries.firstIndex(where: { same($0.key, key) }) { entries[i].value = value }
        else { entries.append((key, value)) }
    }

    /// Removes every key.
    public mutating func removeAll() { entries.removeAll() }

    /// The keys set so far, in the order first set.
    public var keys: [String] { entries.map { $0.key } }

    // MARK: - Reading values

    private func value(_ key: String) -> Value? {
        entries.first(where: { same($0.key, key) })?.value
    }

    private func has(_ key: String) -> Bool { value(key) != nil }

    private func tablePresent(_ table: String) -> Bool {
        let prefix = table + "."
        return entries.contains { hasPrefix($0.key, prefix) }
    }

    private func double(_ key: String) throws(ConfigIssue) -> Double? {
        switch value(key) {
        case nil: return nil
        case .number(let x)?: return x
        case .text(let t)?:
            if let i = FlatConfig.parseInteger(t) { return Double(i) }
            throw ConfigIssue(.error, key: key, "expected a number, got the string \"" + t + "\"")
        }
    }

    private func integer(_ key: String, minimum: Int = 0) throws(ConfigIssue) -> Int? {
        switch value(key) {
        case nil: return nil
        case .number(let x)?:
            guard x == x.rounded(), abs(x) <= 9_007_199_254_740_992 else {
                throw ConfigIssue(.error, key: key, "expected an integer, got a number with a fraction")
            }
            guard x >= Double(minimum) else { throw ConfigIssue(.error, key: key, FlatConfig.tooSmall(minimum)) }
            guard x <= Double(Int.max) else { throw ConfigIssue(.error, key: key, "is too large") }
            return Int(x)
        case .text(let t)?:
            guard let i = FlatConfig.parseInteger(t) else {
                throw ConfigIssue(.error, key: key, "expected an integer, got the string \"" + t + "\"")
            }
            guard i >= Int64(minimum) else { throw ConfigIssue(.error, key: key, FlatConfig.tooSmall(minimum)) }
            guard i <= Int64(Int.max) else { throw ConfigIssue(.error, key: key, "is too large") }
            return Int(i)
        }
    }

    private static func tooSmall(_ minimum: Int) -> String {
        minimum == 0 ? "must be a non-negative integer" : "must be a positive integer"
    }

    private func text(_ key: String) throws(ConfigIssue) -> String? {
        switch value(key) {
        case nil: return nil
        case .text(let t)?: return t
        case .number?: throw ConfigIssue(.error, key: key, "expected a string, got a number")
        }
    }

    private func bool(_ key: String) throws(ConfigIssue) -> Bool? {
        guard let t = try text(key) else { return nil }
        if same(t, "true") { return true }
        if same(t, "false") { return false }
        throw ConfigIssue(.error, key: key, "expected a boolean (true or false), got \"" + t + "\"")
    }

    private func choice<E: CaseIterable & RawRepresentable>(_ key: String, as type: E.Type) throws(ConfigIssue) -> E?
    where E.RawValue == String {
        guard let raw = try text(key) else { return nil }
        let lower = FlatConfig.asciiLowercased(raw)
        for c in E.allCases where same(c.rawValue, lower) { return c }
        var valid = ""
        for c in E.allCases { valid += (valid.isEmpty ? "" : ", ") + c.rawValue }
        throw ConfigIssue(.error, key: key, "unknown value \"" + raw + "\"; valid values: " + valid)
    }

    private func require<T>(_ v: T?, _ key: String, because reason: String = "") throws(ConfigIssue) -> T {
        guard let v else {
            throw ConfigIssue(.error, key: key, reason.isEmpty ? "is required" : "is required " + reason)
        }
        return v
    }

    // MARK: - Building

    /// The config these keys describe (not yet validated: ``Simulator`` validates it).
    /// - Throws: the first missing key or wrong value, naming the key.
    public func build() throws(ConfigIssue) -> SimulatorConfig {
        let fallback = SimulatorConfig.default
        var config = SimulatorConfig(
            hardware: tablePresent("hardware") ? try hardware() : fallback.hardware,
            model: tablePresent("model") ? try model() : fallback.model,
            scheduler: tablePresent("scheduler") ? try scheduler() : fallback.scheduler,
            workload: tablePresent("workload") ? try workload() : fallback.workload,
            compute: tablePresent("compute") ? try compute() : fallback.compute,
            engine: try engine(),
            logInterval: try integer("simulation.log_interval") ?? 100)
        // As the loader: a vLLM version brings its `vllm serve` scheduler defaults.
        if config.engine.vllmVersion != nil {
            let defaults = VLLMDefaults.batchDefaults(for: config.hardware)
            if !has("scheduler.max_num_batched_tokens") { config.scheduler.maxNumBatchedTokens = defaults.maxNumBatchedTokens }
            if !has("scheduler.max_num_seqs") { config.scheduler.maxNumSeqs = defaults.maxNumSeqs }
        }
        return config
    }

    private func hardware() throws(ConfigIssue) -> HardwareConfig {
        let name = try require(try text("hardware.name"), "hardware.name")
        let bytes = try require(try integer("hardware.bytes_per_param"), "hardware.bytes_per_param")
        var flops = try double("hardware.compute_flops")
        if flops == nil {
            let bf16 = try double("hardware.compute_flops_bf16"), fp8 = try double("hardware.compute_flops_fp8")
            if bf16 == nil && fp8 == nil {
                flops = try require(flops, "hardware.compute_flops")
            } else if bytes == 1 {
                flops = try require(fp8, "hardware.compute_flops",
                                    because: ": bytes_per_param = 1 (FP8) but this hardware has no compute_flops_fp8")
            } else {
                flops = try require(bf16, "hardware.compute_flops",
                                    because: ": bytes_per_param = " + String(bytes) + " but this hardware has no compute_flops_bf16")
            }
        }
        let d = HardwareConfig()
        let kv = try double("hardware.kv_cache_capacity")
        return HardwareConfig(
            name: name,
            computeFlops: flops ?? d.computeFlops,
            memoryBandwidth: try require(try double("hardware.memory_bandwidth"), "hardware.memory_bandwidth"),
            memoryCapacity: try require(try double("hardware.memory_capacity"), "hardware.memory_capacity"),
            kvCacheCapacity: kv == 0 ? nil : kv,
            gpuMemoryUtilization: try double("hardware.gpu_memory_utilization") ?? d.gpuMemoryUtilization,
            bytesPerParam: bytes,
            kvCacheBytesPerElement: try integer("hardware.kv_cache_bytes_per_element"),
            tensorParallelSize: try integer("hardware.tensor_parallel_size") ?? d.tensorParallelSize,
            interconnectBandwidth: try double("hardware.interconnect_bandwidth"),
            interconnectLatency: try double("hardware.interconnect_latency") ?? d.interconnectLatency)
    }

    private func model() throws(ConfigIssue) -> ModelConfig {
        ModelConfig(
            name: try require(try text("model.name"), "model.name"),
            numParameters: try require(try double("model.num_parameters"), "model.num_parameters"),
            numActiveParameters: try double("model.num_active_parameters"),
            numLayers: try require(try integer("model.num_layers"), "model.num_layers"),
            hiddenDim: try require(try integer("model.hidden_dim"), "model.hidden_dim"),
            numHeads: try require(try integer("model.num_heads"), "model.num_heads"),
            numKVHeads: try integer("model.num_kv_heads"),
            headDim: try integer("model.head_dim"),
            maxSeqLen: try require(try integer("model.max_seq_len"), "model.max_seq_len"),
            slidingWindow: try integer("model.sliding_window"),
            numSlidingLayers: try integer("model.num_sliding_layers"),
            numExperts: try integer("model.num_experts"),
            numExpertsPerToken: try integer("model.num_experts_per_token"))
    }

    private func scheduler() throws(ConfigIssue) -> SchedulerConfig {
        let d = SchedulerConfig()
        return SchedulerConfig(
            maxNumBatchedTokens: try integer("scheduler.max_num_batched_tokens") ?? d.maxNumBatchedTokens,
            maxNumSeqs: try integer("scheduler.max_num_seqs") ?? d.maxNumSeqs,
            policy: try choice("scheduler.policy", as: SchedulingPolicy.self) ?? d.policy,
            enableChunkedPrefill: try bool("scheduler.enable_chunked_prefill") ?? d.enableChunkedPrefill,
            blockSize: try integer("scheduler.block_size") ?? d.blockSize,
            longPrefillTokenThreshold: try integer("scheduler.long_prefill_token_threshold") ?? d.longPrefillTokenThreshold,
            maxNumPartialPrefills: try integer("scheduler.max_num_partial_prefills") ?? d.maxNumPartialPrefills,
            enablePrefixCaching: try bool("scheduler.enable_prefix_caching") ?? d.enablePrefixCaching,
            asyncScheduling: try bool("scheduler.async_scheduling") ?? d.asyncScheduling,
            watermark: try double("scheduler.watermark") ?? d.watermark,
            reserveFullPrompt: try bool("scheduler.reserve_full_prompt") ?? d.reserveFullPrompt,
            numGPUBlocksOverride: try integer("scheduler.num_gpu_blocks_override"),
            prefixHashBlockSize: try integer("scheduler.prefix_hash_block_size") ?? d.prefixHashBlockSize)
    }

    private func workload() throws(ConfigIssue) -> WorkloadConfig {
        let pattern = try require(try choice("workload.arrival_pattern", as: ArrivalPattern.self),
                                  "workload.arrival_pattern")
        if pattern == .trace {
            throw ConfigIssue(.error, key: "workload.arrival_pattern",
                              "\"trace\" needs a trace file: use the command-line tool")
        }
        var rate = try double("workload.arrival_rate")
        if pattern == .poisson || pattern == .gamma || pattern == .uniform || pattern == .fixedRate {
            rate = try require(rate, "workload.arrival_rate", because: "for arrival_pattern = \"" + pattern.rawValue + "\"")
        }
        var seed = WorkloadConfig().seed
        switch value("workload.seed") {
        case nil: break
        case .text(let t)?:
            guard let s = FlatConfig.parseInteger(t), s >= 0 else {
                throw ConfigIssue(.error, key: "workload.seed", "expected a non-negative integer, got \"" + t + "\"")
            }
            seed = UInt64(s)
        case .number?:
            seed = UInt64(try integer("workload.seed") ?? 0)
        }
        return WorkloadConfig(
            arrivalPattern: pattern,
            arrivalRate: rate ?? 0,
            cv: try double("workload.cv") ?? 1,
            numRequests: try integer("workload.num_requests"),
            durationSecs: try double("workload.duration_secs"),
            numConcurrentUsers: try integer("workload.num_concurrent_users"),
            thinkTime: try double("workload.think_time") ?? 0,
            inputLengths: try distribution("workload.input_len_dist"),
            outputLengths: try distribution("workload.output_len_dist"),
            seed: seed,
            tracePath: nil,
            timeScale: try double("workload.time_scale") ?? 1)
    }

    private func compute() throws(ConfigIssue) -> ComputeConfig {
        let d = CalibrationFactors()
        let factors = CalibrationFactors(
            computeEfficiency: try double("compute.compute_efficiency") ?? d.computeEfficiency,
            memoryEfficiency: try double("compute.memory_efficiency") ?? d.memoryEfficiency,
            attentionComputeEfficiency: try double("compute.attention_compute_efficiency") ?? d.attentionComputeEfficiency,
            attentionMemoryEfficiency: try double("compute.attention_memory_efficiency") ?? d.attentionMemoryEfficiency,
            interconnectEfficiency: try double("compute.interconnect_efficiency") ?? d.interconnectEfficiency,
            stepOverheadSeconds: try double("compute.step_overhead_seconds") ?? d.stepOverheadSeconds,
            layerOverheadSeconds: try double("compute.layer_overhead_seconds") ?? d.layerOverheadSeconds,
            tokenOverheadSeconds: try double("compute.token_overhead_seconds") ?? d.tokenOverheadSeconds)
        return ComputeConfig(
            model: try choice("compute.model", as: ComputeModelKind.self) ?? .roofline,
            baseSeconds: try double("compute.base_seconds") ?? 0,
            perTokenSeconds: try double("compute.per_token_seconds") ?? 0,
            perRequestSeconds: try double("compute.per_request_seconds") ?? 0,
            calibration: factors)
    }

    private func engine() throws(ConfigIssue) -> EngineConfig {
        EngineConfig(
            vllmVersion: try text("engine.vllm_version"),
            apiRequestSeconds: try double("engine.api_request_seconds") ?? 0,
            apiPromptTokenSeconds: try double("engine.api_prompt_token_seconds") ?? 0,
            apiOutputTokenSeconds: try double("engine.api_output_token_seconds") ?? 0,
            stepSeconds: try double("engine.step_seconds") ?? 0,
            stepRequestSeconds: try double("engine.step_request_seconds") ?? 0,
            stepTokenSeconds: try double("engine.step_token_seconds") ?? 0)
    }

    private func distribution(_ table: String) throws(ConfigIssue) -> LengthDistribution {
        let rawType = try require(try text(table + ".type"), table, because: "(a length distribution with a type)")
        let type = FlatConfig.asciiLowercased(rawType)
        let allowed: [String]
        switch type {
        case "fixed": allowed = ["type", "value"]
        case "uniform": allowed = ["type", "min", "max"]
        case "normal", "lognormal": allowed = ["type", "mean", "std_dev"]
        default:
            throw ConfigIssue(.error, key: table + ".type",
                              "unknown distribution type \"" + rawType + "\"; valid values: fixed, uniform, normal, lognormal")
        }
        for e in entries where hasPrefix(e.key, table + ".") {
            let k = String(decoding: Array(e.key.utf8.dropFirst(table.utf8.count + 1)), as: UTF8.self)
            if !allowed.contains(where: { same($0, k) }) {
                throw ConfigIssue(.error, key: e.key, "unknown key for type = \"" + type + "\"")
            }
        }
        let why = "for type = \"" + type + "\""
        switch type {
        case "fixed":
            return .fixed(try require(try integer(table + ".value"), table + ".value", because: why))
        case "uniform":
            return .uniform(min: try require(try integer(table + ".min"), table + ".min", because: why),
                            max: try require(try integer(table + ".max"), table + ".max", because: why))
        default:
            let mean = try require(try double(table + ".mean"), table + ".mean", because: why)
            let sd = try require(try double(table + ".std_dev"), table + ".std_dev", because: why)
            return type == "normal" ? .normal(mean: mean, stdDev: sd) : .lognormal(mean: mean, stdDev: sd)
        }
    }

    // MARK: - Text helpers (ASCII only: no Unicode tables needed)

    /// A decimal integer (optional sign, digits, `_` separators as in TOML), or nil.
    public static func parseInteger(_ t: String) -> Int64? {
        var value: Int64 = 0, negative = false, digits = 0, first = true
        for b in t.utf8 {
            defer { first = false }
            if first && (b == UInt8(ascii: "-") || b == UInt8(ascii: "+")) { negative = b == UInt8(ascii: "-"); continue }
            if b == UInt8(ascii: "_") && digits > 0 { continue }
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = s
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    static func asciiLowercased(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        for b in s.utf8 { bytes.append(b >= 65 && b <= 90 ? b + 32 : b) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Byte-wise string equality (no Unicode normalisation, so no Unicode tables in the module).
@inline(__always)
func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// Byte-wise prefix test.
func hasPrefix(_ s: String, _ prefix: String) -> Bool { s.utf8.starts(with: prefix.utf8) }

/// Byte-wise suffix test.
func hasSuffix(_ s: String, _ suffix: String) -> Bool {
    s.utf8.count >= suffix.utf8.count && s.utf8.reversed().starts(with: suffix.utf8.reversed())
}
