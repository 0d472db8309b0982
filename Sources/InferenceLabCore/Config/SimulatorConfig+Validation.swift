extension SimulatorConfig {
    /// Checks every value and their combinations: table by table, each key's range as its
    /// declaration in ``ConfigSchema`` states it, then the table's cross-key rules (below).
    ///
    /// - Returns: all problems found, errors and warnings, in table order. The run may go on
    ///   only if none is an error.
    public func validate() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for table in ConfigSchema.tables {
            table.rangeIssues(self, into: &issues)
            table.rules?(self, &issues)
        }
        return issues
    }

    // MARK: - Cross-key rules (each table's `rules`)

    /// `[hardware]`: the interconnect a tensor-parallel group needs.
    func hardwareRules(_ issues: inout [ConfigIssue]) {
        if hardware.interconnectBandwidth == nil && hardware.tensorParallelSize > 1 {
            issues.append(ConfigIssue(.error, key: "hardware.interconnect_bandwidth",
                "is required when tensor_parallel_size > 1 (bytes/s per GPU and direction; NVLink 4: 450e9)"))
        }
    }

    /// `[model]`: counts bounded by other counts, the TP split, the MoE keys.
    func modelRules(_ issues: inout [ConfigIssue]) {
        func error(_ key: String, _ message: String) { issues.append(ConfigIssue(.error, key: key, message)) }
        func positive(_ key: String, _ value: Int) {
            if let message = ConfigRange.positive.violation(.integer(value)) { error(key, message) }
        }
        if let active = model.numActiveParameters, active > model.numParameters {
            error("model.num_active_parameters", "(\(active)) exceeds num_parameters (\(model.numParameters))")
        }
        if hardware.tensorParallelSize > 1 && model.numHeads > 0 && model.numHeads % hardware.tensorParallelSize != 0 {
            error("hardware.tensor_parallel_size",
                  "(\(hardware.tensorParallelSize)) must divide model.num_heads (\(model.numHeads)), as vLLM requires")
        }
        if let kvh = model.numKVHeads, kvh > model.numHeads {
            error("model.num_kv_heads", "(\(kvh)) exceeds num_heads (\(model.numHeads))")
        }
        if model.headDim == nil && model.numHeads > 0 && model.hiddenDim % model.numHeads != 0 {
            error("model.head_dim", "hidden_dim (\(model.hiddenDim)) is not a multiple of num_heads (\(model.numHeads)); set head_dim")
        }
        // The scheduler keeps token counts in 32 bits (Request).
        if model.maxSeqLen > 1 << 30 { error("model.max_seq_len", "(\(model.maxSeqLen)) exceeds 2^30 tokens") }
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
    }

    /// `[scheduler]`: chunked prefill against the model length, and the KV pool against the
    /// model (only when nothing else is wrong, since the pool is derived from both).
    func schedulerRules(_ issues: inout [ConfigIssue]) {
        func error(_ key: String, _ message: String) { issues.append(ConfigIssue(.error, key: key, message)) }
        let s = scheduler
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
    }

    /// `[workload]`: what each arrival pattern needs, and the length distributions.
    func workloadRules(_ issues: inout [ConfigIssue]) {
        func error(_ key: String, _ message: String) { issues.append(ConfigIssue(.error, key: key, message)) }
        let w = workload
        switch w.arrivalPattern {
        case .closedLoop:
            if w.numConcurrentUsers == nil {
                error("workload.num_concurrent_users", "is required for arrival_pattern = \"closed_loop\"")
            }
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
            if w.numRequests == nil && w.durationSecs == nil {
                error("workload.num_requests", "is required (or duration_secs) for an open-loop arrival_pattern")
            }
        case .sessions:
            if w.numRequests == nil && w.durationSecs == nil {
                error("workload.num_requests", "is required (or duration_secs) for arrival_pattern = \"sessions\"")
            }
        case .burst:
            if w.numRequests == nil && w.durationSecs == nil {
                error("workload.num_requests", "is required (or duration_secs) for arrival_pattern = \"burst\"")
            }
        }
        if ArrivalBounds.usesRate(w.arrivalPattern) && w.arrivalRate > 0 && w.arrivalRate.isFinite {
            ArrivalBounds.check(w, into: &issues)
        }
        validate(w.inputLengths, key: "workload.input_len_dist", into: &issues)
        validate(w.outputLengths, key: "workload.output_len_dist", into: &issues)
        if w.arrivalPattern == .sessions {
            validate(w.turnsPerSession, key: "workload.turns_per_session_dist", into: &issues)
            validate(w.turnInputLengths, key: "workload.turn_input_len_dist", into: &issues)
            validate(w.thinkTimeMs, key: "workload.think_time_ms_dist", into: &issues)
        }
    }

    /// `[compute]`: the linear model needs some positive cost.
    func computeRules(_ issues: inout [ConfigIssue]) {
        if compute.model == .linear && compute.baseSeconds + compute.perTokenSeconds + compute.perRequestSeconds <= 0 {
            issues.append(ConfigIssue(.error, key: "compute.base_seconds",
                "the linear model needs a positive step time (base, per_token or per_request > 0)"))
        }
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
