extension ConfigIssue {
    /// The error for a step whose duration, end time, FLOPs or bytes are not finite: it names
    /// the config value behind the largest part of the step time (the one that is not finite,
    /// if any), or behind the work, so that the loader can point at its line.
    ///
    /// - Parameters:
    ///   - step: the step's number.
    ///   - start: when the step starts (seconds).
    ///   - cost: its price.
    ///   - batch: what it computes.
    public static func nonFiniteStep(_ config: SimulatorConfig, step: Int, start: Double, cost: StepCost,
                                     batch: [ScheduledChunk]) -> ConfigIssue {
        var tokens = 0
        for chunk in batch { tokens += chunk.tokens }
        let what = "step \(step) (\(batch.count) requests, \(tokens) tokens)"
        if (start + cost.seconds).isFinite {
            // The time is finite but the work is not (a linear step time over a huge model).
            let t = Roofline(config).terms(of: batch)
            let params = config.model.numActiveParameters != nil ? "model.num_active_parameters" : "model.num_parameters"
            let key = t.matmulFlops.isFinite && t.weightBytes.isFinite ? "model.num_layers" : params
            return ConfigIssue(.error, key: key,
                "\(what) would compute \(cost.flops) FLOPs and move \(cost.bytes) bytes: the work of a step must be finite, and this value sets its largest part")
        }
        return ConfigIssue(.error, key: stepTimeCulprit(config, batch: batch),
            "\(what) would take \(cost.seconds) s from t = \(start) s, ending at t = \(start + cost.seconds) s: every simulated time must be finite, and the largest part of this step's time comes from this value")
    }

    /// The error for an arrival time that is not finite, blaming the workload value that sets
    /// the gaps between arrivals.
    ///
    /// - Parameters:
    ///   - request: the 1-based number of the request.
    ///   - time: its arrival time.
    public static func nonFiniteArrival(_ config: SimulatorConfig, request: Int, time: Double) -> ConfigIssue {
        let key: String
        switch config.workload.arrivalPattern {
        case .closedLoop: key = "workload.think_time"
        case .trace: key = "workload.time_scale"
        default: key = "workload.arrival_rate"
        }
        return ConfigIssue(.error, key: key,
            "request \(request) would arrive at t = \(time) s: every simulated time must be finite (the gaps between arrivals add up past the largest finite time)")
    }

    /// The config key behind the largest term of the batch's step time under `config`'s
    /// step-time model; a term that is not finite wins (the first such, in the order below).
    static func stepTimeCulprit(_ config: SimulatorConfig, batch: [ScheduledChunk]) -> String {
        let roofline = Roofline(config)
        let t = roofline.terms(of: batch)
        var parts: [(key: String, seconds: Double)] = []
        switch config.compute.model {
        case .linear:
            let c = config.compute
            parts = [("compute.base_seconds", c.baseSeconds),
                     ("compute.per_token_seconds", c.perTokenSeconds * t.tokens),
                     ("compute.per_request_seconds", c.perRequestSeconds * Double(batch.count))]
        case .roofline:
            parts = [("hardware.compute_flops", (t.matmulFlops + t.attentionFlops) / roofline.peakFlops),
                     ("hardware.memory_bandwidth", (t.weightBytes + t.kvBytes) / roofline.bandwidth),
                     ("hardware.interconnect_bandwidth", roofline.communicationSeconds(t))]
        case .calibrated:
            let f = config.compute.calibration
            let peak = roofline.peakFlops, bandwidth = roofline.bandwidth
            parts = [("hardware.compute_flops", (t.matmulFlops + t.attentionFlops) / peak),
                     ("hardware.memory_bandwidth", (t.weightBytes + t.kvBytes) / bandwidth),
                     ("hardware.interconnect_bandwidth", roofline.communicationSeconds(t)),
                     ("compute.compute_efficiency", t.matmulFlops / (peak * f.computeEfficiency)),
                     ("compute.memory_efficiency", t.weightBytes / (bandwidth * f.memoryEfficiency)),
                     ("compute.attention_compute_efficiency", t.attentionFlops / (peak * f.attentionComputeEfficiency)),
                     ("compute.attention_memory_efficiency", t.kvBytes / (bandwidth * f.attentionMemoryEfficiency)),
                     ("compute.interconnect_efficiency", roofline.communicationSeconds(t, efficiency: f.interconnectEfficiency)),
                     ("compute.step_overhead_seconds", f.stepOverheadSeconds),
                     ("compute.layer_overhead_seconds", roofline.layers * f.layerOverheadSeconds),
                     ("compute.token_overhead_seconds", t.tokens * roofline.layers * f.tokenOverheadSeconds / roofline.tensorParallel)]
        }
        if let bad = parts.first(where: { !$0.seconds.isFinite }) { return bad.key }
        var best = parts[0]
        for part in parts.dropFirst() where part.seconds > best.seconds { best = part }
        return best.key
    }
}
