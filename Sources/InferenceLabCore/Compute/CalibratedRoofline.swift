/// The roofline with efficiency factors and overheads fitted to measurements
/// (`[compute] model = "calibrated"`; `inference-lab calibrate` fits the factors).
///
/// With the per-GPU work of ``RooflineTerms`` and the factors of ``CalibrationFactors``
/// (η = efficiency):
///
///     step = max(matmul FLOPs / (peak · η_compute),   weight bytes / (bandwidth · η_memory))
///          + max(attention FLOPs / (peak · η_attn_compute), KV bytes / (bandwidth · η_attn_memory))
///          + all-reduces · interconnect_latency + all-reduce bytes / (interconnect_bandwidth · η_interconnect)
///          + step_overhead + layers · layer_overhead + tokens · layers · token_overhead / TP
///
/// The matmuls and attention run as separate kernels, so each is bound by its own resource
/// and their times add: a prefill's matmuls are compute-bound while a long-context decode's
/// attention is bound by reading the KV cache. Communication is not overlapped with compute
/// (vLLM's and TensorRT-LLM's default). An empty batch costs nothing (the simulator prices
/// idle time itself). FLOPs and bytes reported are the roofline's, per GPU.
public struct CalibratedRoofline: StepTimeModel {
    public let roofline: Roofline
    public let factors: CalibrationFactors

    public init(_ config: SimulatorConfig) {
        self.init(roofline: Roofline(config), factors: config.compute.calibration)
    }

    public init(roofline: Roofline, factors: CalibrationFactors) {
        self.roofline = roofline
        self.factors = factors
    }

    /// Seconds for a step whose work is `terms`.
    public func seconds(_ terms: RooflineTerms) -> Double {
        CalibratedRoofline.seconds(terms, roofline: roofline, factors: factors)
    }

    /// Seconds for a step whose work is `terms`, under any factors (the fitter varies them).
    public static func seconds(_ t: RooflineTerms, roofline r: Roofline, factors f: CalibrationFactors) -> Double {
        if t.matmulFlops == 0 && t.kvBytes == 0 { return 0 }
        let matmul = max(t.matmulFlops / (r.peakFlops * f.computeEfficiency),
                         t.weightBytes / (r.bandwidth * f.memoryEfficiency))
        let attention = max(t.attentionFlops / (r.peakFlops * f.attentionComputeEfficiency),
                            t.kvBytes / (r.bandwidth * f.attentionMemoryEfficiency))
        let communication = r.communicationSeconds(t, efficiency: f.interconnectEfficiency)
        return matmul + attention + communication + f.stepOverheadSeconds + r.layers * f.layerOverheadSeconds
            + t.tokens * r.layers * f.tokenOverheadSeconds / r.tensorParallel
    }

    public func cost(of batch: [ScheduledChunk]) -> StepCost {
        let t = roofline.terms(of: batch)
        return StepCost(seconds: seconds(t), flops: t.matmulFlops + t.attentionFlops, bytes: t.weightBytes + t.kvBytes)
    }
}
