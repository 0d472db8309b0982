/// The fully resolved configuration as one compact JSON object, for the event-log header.
///
/// Tables and keys have the TOML names, in a fixed order:
/// `{"hardware":{…},"model":{…},"scheduler":{…},"workload":{…,"input_len_dist":{"type":…},
/// "output_len_dist":{…}},"compute":{…},"engine":{…},"simulation":{"log_interval":…},"derived":{…}}`;
/// `"engine"` only when `[engine]` has a non-zero cost or names a `vllm_version`.
/// Optional values that are `nil` are left out. Numbers are written with Swift's shortest
/// round-trip representation (`1.513e+15`), so they read back to the same `Double`;
/// non-finite numbers become `null`. `"derived"` holds the values the simulation computes from
/// the config: `kv_bytes_per_token`, `kv_pool_bytes`, `usable_kv_blocks`, `weight_bytes` and the
/// effective `long_prefill_token_threshold`.
public func resolvedConfigJSON(_ config: SimulatorConfig) -> String {
    let h = config.hardware
    var hardware = ConfigJSONObject()
    hardware.add("name", string: h.name)
    hardware.add("compute_flops", h.computeFlops)
    hardware.add("memory_bandwidth", h.memoryBandwidth)
    hardware.add("memory_capacity", h.memoryCapacity)
    hardware.add("kv_cache_capacity", h.kvCacheCapacity)
    hardware.add("gpu_memory_utilization", h.gpuMemoryUtilization)
    hardware.add("bytes_per_param", h.bytesPerParam)
    hardware.add("kv_cache_bytes_per_element", h.kvCacheBytesPerElement)
    // Tensor-parallel keys only when used, so single-GPU headers are unchanged.
    if h.tensorParallelSize != 1 { hardware.add("tensor_parallel_size", h.tensorParallelSize) }
    hardware.add("interconnect_bandwidth", h.interconnectBandwidth)
    if h.interconnectLatency != 0 { hardware.add("interconnect_latency", h.interconnectLatency) }

    let m = config.model
    var model = ConfigJSONObject()
    model.add("name", string: m.name)
    model.add("num_parameters", m.numParameters)
    model.add("num_active_parameters", m.numActiveParameters)
    model.add("num_layers", m.numLayers)
    model.add("hidden_dim", m.hiddenDim)
    model.add("num_heads", m.numHeads)
    model.add("num_kv_heads", m.numKVHeads)
    model.add("head_dim", m.headDim)
    model.add("max_seq_len", m.maxSeqLen)
    model.add("sliding_window", m.slidingWindow)
    model.add("num_sliding_layers", m.numSlidingLayers)
    model.add("num_experts", m.numExperts)
    model.add("num_experts_per_token", m.numExpertsPerToken)

    let s = config.scheduler
    var scheduler = ConfigJSONObject()
    scheduler.add("max_num_batched_tokens", s.maxNumBatchedTokens)
    scheduler.add("max_num_seqs", s.maxNumSeqs)
    scheduler.add("policy", string: s.policy.rawValue)
    scheduler.add("enable_chunked_prefill", s.enableChunkedPrefill)
    scheduler.add("block_size", s.blockSize)
    scheduler.add("long_prefill_token_threshold", s.longPrefillTokenThreshold)
    scheduler.add("max_num_partial_prefills", s.maxNumPartialPrefills)
    scheduler.add("enable_prefix_caching", s.enablePrefixCaching)
    scheduler.add("async_scheduling", s.asyncScheduling)
    scheduler.add("watermark", s.watermark)
    scheduler.add("reserve_full_prompt", s.reserveFullPrompt)
    scheduler.add("num_gpu_blocks_override", s.numGPUBlocksOverride)
    scheduler.add("prefix_hash_block_size", s.prefixHashBlockSize)

    let w = config.workload
    var workload = ConfigJSONObject()
    workload.add("arrival_pattern", string: w.arrivalPattern.rawValue)
    workload.add("arrival_rate", w.arrivalRate)
    workload.add("cv", w.cv)
    workload.add("num_requests", w.numRequests)
    workload.add("duration_secs", w.durationSecs)
    workload.add("num_concurrent_users", w.numConcurrentUsers)
    workload.add("think_time", w.thinkTime)
    workload.add("seed", raw: String(w.seed))
    if let path = w.tracePath { workload.add("trace_path", string: path) }
    if w.arrivalPattern == .trace { workload.add("time_scale", w.timeScale) }
    workload.add("input_len_dist", object: distributionJSON(w.inputLengths))
    workload.add("output_len_dist", object: distributionJSON(w.outputLengths))

    let c = config.compute
    var compute = ConfigJSONObject()
    compute.add("model", string: c.model.rawValue)
    compute.add("base_seconds", c.baseSeconds)
    compute.add("per_token_seconds", c.perTokenSeconds)
    compute.add("per_request_seconds", c.perRequestSeconds)
    if c.model == .calibrated {
        let f = c.calibration
        compute.add("compute_efficiency", f.computeEfficiency)
        compute.add("memory_efficiency", f.memoryEfficiency)
        compute.add("attention_compute_efficiency", f.attentionComputeEfficiency)
        compute.add("attention_memory_efficiency", f.attentionMemoryEfficiency)
        compute.add("interconnect_efficiency", f.interconnectEfficiency)
        compute.add("step_overhead_seconds", f.stepOverheadSeconds)
        compute.add("layer_overhead_seconds", f.layerOverheadSeconds)
        compute.add("token_overhead_seconds", f.tokenOverheadSeconds)
    }

    // [engine] only when it does something (or names a profile), so logs of runs without it
    // keep their bytes.
    let e = config.engine
    var engine = ConfigJSONObject()
    if let version = e.vllmVersion { engine.add("vllm_version", string: version) }
    for (key, value) in e.costs { engine.add(key, value) }

    var simulation = ConfigJSONObject()
    simulation.add("log_interval", config.logInterval)

    var derived = ConfigJSONObject()
    derived.add("kv_bytes_per_token", config.kvBytesPerToken)
    derived.add("kv_pool_bytes", config.kvPoolBytes)
    derived.add("usable_kv_blocks", config.usableKVBlocks)
    derived.add("weight_bytes", config.weightBytes)
    derived.add("long_prefill_token_threshold", config.effectiveLongPrefillThreshold)

    var root = ConfigJSONObject()
    root.add("hardware", object: hardware)
    root.add("model", object: model)
    root.add("scheduler", object: scheduler)
    root.add("workload", object: workload)
    root.add("compute", object: compute)
    if e.isActive || e.vllmVersion != nil { root.add("engine", object: engine) }
    root.add("simulation", object: simulation)
    root.add("derived", object: derived)
    return root.text
}

private func distributionJSON(_ d: LengthDistribution) -> ConfigJSONObject {
    var object = ConfigJSONObject()
    switch d {
    case .fixed(let value):
        object.add("type", string: "fixed")
        object.add("value", value)
    case .uniform(let lo, let hi):
        object.add("type", string: "uniform")
        object.add("min", lo)
        object.add("max", hi)
    case .normal(let mean, let sd):
        object.add("type", string: "normal")
        object.add("mean", mean)
        object.add("std_dev", sd)
    case .lognormal(let mean, let sd):
        object.add("type", string: "lognormal")
        object.add("mean", mean)
        object.add("std_dev", sd)
    }
    return object
}

/// A JSON object built member by member, in insertion order.
private struct ConfigJSONObject {
    private var members: [String] = []

    var text: String { "{" + members.joined(separator: ",") + "}" }

    mutating func add(_ key: String, raw: String) {
        members.append(jsonString(key) + ":" + raw)
    }

    mutating func add(_ key: String, string value: String) { add(key, raw: jsonString(value)) }
    mutating func add(_ key: String, object: ConfigJSONObject) { add(key, raw: object.text) }
    mutating func add(_ key: String, _ value: Bool) { add(key, raw: value ? "true" : "false") }
    mutating func add(_ key: String, _ value: Int) { add(key, raw: String(value)) }
    mutating func add(_ key: String, _ value: Double) {
        add(key, raw: value.isFinite ? value.description : "null")
    }

    /// Optional members are left out when `nil`.
    mutating func add(_ key: String, _ value: Int?) { if let value { add(key, value) } }
    mutating func add(_ key: String, _ value: Double?) { if let value { add(key, value) } }
}

/// `value` as a JSON string literal.
private func jsonString(_ value: String) -> String { JSONText.string(value) }
