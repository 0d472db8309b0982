/// Which step-time model prices a scheduled batch.
public enum ComputeModelKind: String, Sendable, CaseIterable {
    /// max(FLOPs / peak, bytes / bandwidth) from the hardware and model specs (plus the
    /// all-reduce time under tensor parallelism).
    case roofline
    /// base + per_token × tokens + per_request × requests: a fitted model.
    case linear
    /// The roofline with efficiency factors and overheads fitted to measurements
    /// (``CalibratedRoofline``).
    case calibrated
}

/// The `[compute]` table.
public struct ComputeConfig: Sendable, Equatable {
    public var model: ComputeModelKind
    /// Linear model: fixed seconds per step.
    public var baseSeconds: Double
    /// Linear model: seconds per scheduled token.
    public var perTokenSeconds: Double
    /// Linear model: seconds per scheduled request.
    public var perRequestSeconds: Double
    /// Calibrated model: the factors (ignored by the other models).
    public var calibration: CalibrationFactors

    public init(
        model: ComputeModelKind = .roofline,
        baseSeconds: Double = 0,
        perTokenSeconds: Double = 0,
        perRequestSeconds: Double = 0,
        calibration: CalibrationFactors = CalibrationFactors()
    ) {
        self.model = model
        self.baseSeconds = baseSeconds
        self.perTokenSeconds = perTokenSeconds
        self.perRequestSeconds = perRequestSeconds
        self.calibration = calibration
    }
}

/// The factors of the calibrated roofline (``CalibratedRoofline``), each with its physical
/// meaning. The defaults (efficiencies 1, overheads 0) make it the plain roofline except that
/// matmuls and attention are priced as separate kernels.
public struct CalibrationFactors: Sendable, Equatable {
    /// Fraction of peak FLOP/s the weight matmuls (GEMMs) reach when compute-bound
    /// (large prefills): tile quantisation, wave tails, clocks below boost.
    public var computeEfficiency: Double
    /// Fraction of peak memory bandwidth the weight matmuls reach when streaming weights
    /// (decode): achievable HBM bandwidth is ~85–95 % of the datasheet.
    public var memoryEfficiency: Double
    /// Fraction of peak FLOP/s the attention kernel reaches on its QKᵀ/AV work (prefill:
    /// FlashAttention reaches less of peak than a GEMM, softmax and masking included).
    public var attentionComputeEfficiency: Double
    /// Fraction of peak bandwidth the attention kernel reaches reading the KV cache
    /// (decode: paged, scattered KV blocks read less efficiently than contiguous weights).
    public var attentionMemoryEfficiency: Double
    /// Fraction of `interconnect_bandwidth` an all-reduce reaches (ring/tree algorithm
    /// efficiency, protocol overhead).
    public var interconnectEfficiency: Double
    /// Seconds added to every non-empty step: CPU scheduling, input preparation, sampling,
    /// the host-device round trip. Kernel-level measurements have none.
    public var stepOverheadSeconds: Double
    /// Seconds added per layer per step: kernel launch gaps and the small ops a roofline
    /// does not count (norms, rotary embedding, activation functions, residual adds).
    public var layerOverheadSeconds: Double
    /// Seconds per token per layer, divided among the TP GPUs: the bandwidth-bound
    /// element-wise work the roofline does not count (RMSNorm, rotary embedding, SiLU·gate,
    /// residual adds, activation quantisation), which runs on BF16 activations whatever the
    /// weight precision, so it does not shrink with FP8 weights.
    public var tokenOverheadSeconds: Double

    public init(
        computeEfficiency: Double = 1,
        memoryEfficiency: Double = 1,
        attentionComputeEfficiency: Double = 1,
        attentionMemoryEfficiency: Double = 1,
        interconnectEfficiency: Double = 1,
        stepOverheadSeconds: Double = 0,
        layerOverheadSeconds: Double = 0,
        tokenOverheadSeconds: Double = 0
    ) {
        self.computeEfficiency = computeEfficiency
        self.memoryEfficiency = memoryEfficiency
        self.attentionComputeEfficiency = attentionComputeEfficiency
        self.attentionMemoryEfficiency = attentionMemoryEfficiency
        self.interconnectEfficiency = interconnectEfficiency
        self.stepOverheadSeconds = stepOverheadSeconds
        self.layerOverheadSeconds = layerOverheadSeconds
        self.tokenOverheadSeconds = tokenOverheadSeconds
    }
}
