extension SimulatorConfig {
    /// Checks every value and their combinations.
    ///
    /// - Returns: all problems found, errors and warnings, in table order. The run may go on
    ///   only if none is an error.
    public func validate() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        func error(_ key: String, _ message: String) { issues.append(ConfigIssue(.error, key: key, message)) }
        func positive(_ key: String, _ value: Double) {
            if !(value > 0) || !value.isFinite { error(key, "must be a positive finite number, got \(value)") }
        }
        func positive(_ key: String, _ value: Int) {
            if value <= 0 { error(key, "must be a positive integer, got \(value)") }
            // As the TOML reader requires: products of counts and sizes then fit 64 bits.
            else if value > Int(Int32.max) { error(key, "must be at most \(Int32.max), got \(value)") }
        }

        // [hardware]
        positive("hardware.compute_flops", hardware.computeFlops)
        positive("hardware.memory_bandwidth", hardware.memoryBandwidth)
        positive("hardware.memory_capacity", hardware.memoryCapacity)
        if let kv = hardware.kvCacheCapacity { positive("hardware.kv_cache_capacity", kv) }
        let util = hardware.gpuMemoryUtilization
        if !(util > 0 && util <= 1) { error("hardware.gpu_memory_utilization", "must be in (0, 1], got \(util)") }
        positive("hardware.bytes_per_param", hardware.bytesPerParam)
        if let e = hardware.kvCacheBytesPerElement { positive("hardware.kv_cache_bytes_per_element", e) }
        positive("hardware.tensor_parallel_size", hardware.tensorParallelSize)
        if let b = hardware.interconnectBandwidth { positive("hardware.interconnect_bandwidth", b) }
        else if hardware.tensorParallelSize > 1 {
            error("hardware.interconnect_bandwidth", "is required when tensor_parallel_size > 1 (bytes/s per GPU and direction; NVLink 4: 450e9)")
        }
        if !(hardware.interconnectLatency >= 0 && hardware.interconnectLatency.isFinite) {
            error("hardware.interconnect_latency", "must be ≥ 0 seconds, got \(hardware.interconnectLatency)")
        }

        // [model]
        positive("model.num_parameters", model.numParameters)
        if let active = model.numActiveParameters {
            positive("model.num_active_parameters", active)
            if active > model.numParameters {
                error("model.num_active_parameters", "(\(active)) exceeds num_parameters (\(model.numParameters))")
            }
        }
        positive("model.num_layers", model.numLayers)
        positive("model.hidden_dim", model.hiddenDim)
        positive("model.num_heads", model.numHeads)
        if hardware.tensorParallelSize > 1 && model.numHeads > 0 && model.numHeads % hardware.tensorParallelSize != 0 {
            error("hardware.tensor_parallel_size",
                  "(\(hardware.tensorParallelSize)) must divide model.num_heads (\(model.numHeads)), as vLLM requires")
        }
        if let kvh = model.numKVHeads {
            positive("model.num_kv_heads", kvh)
            if kvh > model.numHeads { error("model.num_kv_heads", "(\(kvh)) exceeds num_heads (\(model.numHeads))") }
        }
        if let hd = model.headDim { positive("model.head_dim", hd) }
        else if model.numHeads > 0 && model.hiddenDim % model.numHeads != 0 {
            error("model.head_dim", "hidden_dim (\(model.hiddenDim)) is not a multiple of num_heads (\(model.numHeads)); set head_dim")
        }
        positive("model.max_seq_len", model.maxSeqLen)
        // The scheduler keeps token counts in 32 bits (Request).
        if model.maxSeqLen > 1 << 30 { error("model.max_seq_len", "(\(model.maxSeqLen)) exceeds 2^30 tokens") }
        if let w = model.slidingWindow { positive("model.sliding_window", w) }
        if let n = model.numSlidingLayers {
            if model.slidingWindow == nil { error("model.num_sliding_layers", "needs model.sliding_window") }
            if n < 0 || n > model.numLayers { error("model.num_sliding_layers", "must be in [0, num_layers], got \(n)") }
        }
        switch (model.numExperts, model.numExpertsPerToken) {
        case (nil, nil): break
        case let (e?, k?):
            positive("model.num_experts", e)
            positive("model.num_experts_per_token", k)
            if k > e { error("model.num_experts_per_token", "(\(k)) exceeds num_experts (\(e))") }
            if k < e && model.numActiveParameters == nil {
                error("model.num_active_parameters", "is required for an MoE model (num_experts is set)")
            }
        case (_?, nil): error("model.num_experts_per_token", "is required when num_experts is set")
        case (nil, _?): error("model.num_experts", "is required when num_experts_per_token is set")
        }

        // [scheduler]
        let s = scheduler
        positive("scheduler.max_num_batched_tokens", s.maxNumBatchedTokens)
        positive("scheduler.max_num_seqs", s.maxNumSeqs)
        positive("scheduler.block_size", s.blockSize)
        if s.longPrefillTokenThreshold < 0 || s.longPrefillTokenThreshold > Int(Int32.max) {
            error("scheduler.long_prefill_token_threshold", "must be in 0...\(Int32.max), got \(s.longPrefillTokenThreshold)")
        }
        positive("scheduler.max_num_partial_prefills", s.maxNumPartialPrefills)
        if !(s.watermark >= 0 && s.watermark < 1) { error("scheduler.watermark", "must be in [0, 1), got \(s.watermark)") }
        positive("scheduler.prefix_hash_block_size", s.prefixHashBlockSize)
        if let o = s.numGPUBlocksOverride, o < 2 {
            error("scheduler.num_gpu_blocks_override", "must be ≥ 2 (one block is vLLM's null block), got \(o)")
        } else if let o = s.numGPUBlocksOverride, o > Int(Int32.max) {
            error("scheduler.num_gpu_blocks_override", "must be at most \(Int32.max) (block ids are 32-bit), got \(o)")
        }
        if !s.enableChunkedPrefill && s.maxNumBatchedTokens < model.maxSeqLen {
            error("scheduler.max_num_batched_tokens",
                  "(\(s.maxNumBatchedTokens)) must be ≥ model.max_seq_len (\(model.maxSeqLen)) when enable_chunked_prefill = false (vLLM refuses this configuration)")
        }

        // KV pool
        if s.numGPUBlocksOverride == nil && kvPoolBytes <= 0 && hardware.memoryCapacity > 0 && model.numParameters > 0 {
            error("hardware.memory_capacity",
                  "the model does not fit: weights need \(weightBytesPerGPU) bytes per GPU but memory_capacity × gpu_memory_utilization is \((hardware.memoryCapacity * hardware.gpuMemoryUtilization).rounded(.down)) bytes, leaving no KV cache")
        } else if issues.isEmpty {
            let blocks = usableKVBlocks
            if blocks <= 0 {
                error("hardware.kv_cache_capacity", "the KV pool holds no block of \(s.blockSize) tokens (\(kvBytesPerTokenPerGPU) bytes per token per GPU)")
            } else if (model.maxSeqLen + s.blockSize - 1) / s.blockSize > blocks {
                error("model.max_seq_len",
                      "one request of max_seq_len (\(model.maxSeqLen)) tokens needs \((model.maxSeqLen + s.blockSize - 1) / s.blockSize) KV blocks but the pool has \(blocks) (vLLM refuses to start)")
            }
            if let kv = hardware.kvCacheCapacity, s.numGPUBlocksOverride == nil, kv + weightBytesPerGPU > hardware.memoryCapacity {
                issues.append(ConfigIssue(.warning, key: "hardware.kv_cache_capacity",
                    "kv_cache_capacity (\(kv) bytes) + weights (\(weightBytesPerGPU) bytes) exceed memory_capacity (\(hardware.memoryCapacity) bytes); running with the stated KV pool"))
            }
        }

        // [workload]
        let w = workload
        switch w.arrivalPattern {
        case .closedLoop:
            if let users = w.numConcurrentUsers { positive("workload.num_concurrent_users", users) }
            else { error("workload.num_concurrent_users", "is required for arrival_pattern = \"closed_loop\"") }
            if w.numRequests == nil && w.durationSecs == nil {
                error("workload.num_requests", "is required (or duration_secs) for arrival_pattern = \"closed_loop\"")
            }
        case .trace:
            if w.tracePath == nil { error("workload.trace_path", "is required for arrival_pattern = \"trace\"") }
            if !(w.timeScale > 0 && w.timeScale.isFinite) {
                error("workload.time_scale", "must be a positive number, got \(w.timeScale)")
            }
        case .batched:
            if w.numRequests == nil { error("workload.num_requests", "is required for arrival_pattern = \"batched\"") }
        case .poisson, .gamma, .uniform, .fixedRate:
            positive("workload.arrival_rate", w.arrivalRate)
            if w.numRequests == nil && w.durationSecs == nil {
                error("workload.num_requests", "is required (or duration_secs) for an open-loop arrival_pattern")
            }
        case .burst:
            if w.numRequests == nil && w.durationSecs == nil {
                error("workload.num_requests", "is required (or duration_secs) for arrival_pattern = \"burst\"")
            }
        }
        if w.arrivalPattern == .gamma { positive("workload.cv", w.cv) }
        if ArrivalBounds.usesRate(w.arrivalPattern) && w.arrivalRate > 0 && w.arrivalRate.isFinite {
            ArrivalBounds.check(w, into: &issues)
        }
        if let n = w.numRequests { positive("workload.num_requests", n) }
        if let d = w.durationSecs { positive("workload.duration_secs", d) }
        if !(w.thinkTime >= 0 && w.thinkTime.isFinite) { error("workload.think_time", "must be ≥ 0, got \(w.thinkTime)") }
        validate(w.inputLengths, key: "workload.input_len_dist", into: &issues)
        validate(w.outputLengths, key: "workload.output_len_dist", into: &issues)

        // [compute]
        if compute.model == .linear {
            for (key, v) in [("compute.base_seconds", compute.baseSeconds),
                             ("compute.per_token_seconds", compute.perTokenSeconds),
                             ("compute.per_request_seconds", compute.perRequestSeconds)]
            where !(v >= 0 && v.isFinite) { error(key, "must be ≥ 0, got \(v)") }
            if compute.baseSeconds + compute.perTokenSeconds + compute.perRequestSeconds <= 0 {
                error("compute.base_seconds", "the linear model needs a positive step time (base, per_token or per_request > 0)")
            }
        }
        if compute.model == .calibrated {
            let f = compute.calibration
            for (key, v) in [("compute.compute_efficiency", f.computeEfficiency),
                             ("compute.memory_efficiency", f.memoryEfficiency),
                             ("compute.attention_compute_efficiency", f.attentionComputeEfficiency),
                             ("compute.attention_memory_efficiency", f.attentionMemoryEfficiency),
                             ("compute.interconnect_efficiency", f.interconnectEfficiency)]
            where !(v > 0 && v <= 1) { error(key, "must be in (0, 1], got \(v)") }
            for (key, v) in [("compute.step_overhead_seconds", f.stepOverheadSeconds),
                             ("compute.layer_overhead_seconds", f.layerOverheadSeconds),
                             ("compute.token_overhead_seconds", f.tokenOverheadSeconds)]
            where !(v >= 0 && v.isFinite) { error(key, "must be ≥ 0 seconds, got \(v)") }
        }
        // [engine]
        for (key, v) in engine.costs where !(v >= 0 && v.isFinite) {
            error("engine." + key, "must be ≥ 0 seconds, got \(v)")
        }
        if logInterval <= 0 { error("simulation.log_interval", "must be a positive integer, got \(logInterval)") }
        return issues
    }

    private func validate(_ d: LengthDistribution, key: String, into issues: inout [ConfigIssue]) {
        func error(_ k: String, _ m: String) { issues.append(ConfigIssue(.error, key: "\(key).\(k)", m)) }
        switch d {
        case .fixed(let v): if v <= 0 { error("value", "must be ≥ 1, got \(v)") }
        case .uniform(let lo, let hi):
            if lo <= 0 { error("min", "must be ≥ 1, got \(lo)") }
            if hi < lo { error("max", "(\(hi)) must be ≥ min (\(lo))") }
        case .normal(let m, let sd), .lognormal(let m, let sd):
            if !m.isFinite { error("mean", "must be finite, got \(m)") }
            if !(sd >= 0 && sd.isFinite) { error("std_dev", "must be ≥ 0, got \(sd)") }
            else if m.isFinite && !(abs(m) + ArrivalBounds.largestNormal * sd).isFinite {
                // The sampler draws mean + std_dev·z with |z| < 12.01 (Xoshiro256.nextStandardNormal).
                error("std_dev", "(\(sd)) with mean \(m): mean ± \(ArrivalBounds.largestNormal)·std_dev, the sampler's extremes, must be finite")
            }
        }
    }
}
