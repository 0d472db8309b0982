/// The factors of the calibrated roofline (``CalibratedRoofline``), each with its physical
/// meaning. The defaults (efficiencies 1, overheads 0) make it the plain roofline except that
/// matmuls and attention are priced as separate kernels.
public struct CalibrationFactors: Sendable, Equatable {
    /// Fraction of peak FLOP/s the weight matmuls (GEMMs) reach when compute-bound
    /// (large prefills): tile quantisation, wave tails, clocks below boost.
    public var computeEfficiency: Double = 1
    /// Fraction of peak memory bandwidth the weight matmuls reach when streaming weights
    /// (decode): achievable HBM bandwidth is ~85–95 % of the datasheet.
    public var memoryEfficiency: Double = 1
    /// Fraction of peak FLOP/s the attention kernel reaches on its QKᵀ/AV work (prefill:
    /// FlashAttention reaches less of peak than a GEMM, softmax and masking included).
    public var attentionComputeEfficiency: Double = 1
    /// Fraction of peak bandwidth the attention kernel reaches reading the KV cache
    /// (decode: paged, scattered KV blocks read less efficiently than contiguous weights).
    public var attentionMemoryEfficiency: Double = 1
    /// Fraction of `interconnect_bandwidth` an all-reduce reaches (ring/tree algorithm
    /// efficiency, protocol overhead).
    public var interconnectEfficiency: Double = 1
    /// Seconds added to every non-empty step: CPU scheduling, input preparation, sampling,
    /// the host-device round trip. Kernel-level measurements have none.
    public var stepOverheadSeconds: Double = 0
    /// Seconds added per layer per step: kernel launch gaps and the small ops a roofline
    /// does not count (norms, rotary embedding, activation functions, residual adds).
    public var layerOverheadSeconds: Double = 0
    /// Seconds per token per layer, divided among the TP GPUs: the bandwidth-bound
    /// element-wise work the roofline does not count (RMSNorm, rotary embedding, SiLU·gate,
    /// residual adds, activation quantisation), which runs on BF16 activations whatever the
    /// weight precision, so it does not shrink with FP8 weights.
    public var tokenOverheadSeconds: Double = 0

    /// Efficiencies 1, overheads 0: the plain roofline, matmuls and attention priced apart.
    public static let uncalibrated = CalibrationFactors()
}
