/// The roofline step time: `max(FLOPs / peak FLOP/s, bytes / bandwidth)`.
///
/// For a batch of requests i with context c_i (tokens already cached) and n_i new tokens,
/// N = Σ n_i:
///
/// - FLOPs = 2 · N · P_active + Σ_i 4 · L · d_attn · n_i · (c_i + (n_i + 1) / 2),
///   with d_attn = heads × head_dim. The first term is the matmuls (one multiply-add per
///   active parameter per token); the second is QKᵀ and AV with causal masking: token j of
///   the chunk attends to c_i + j keys, whose mean over the chunk is c_i + (n_i + 1)/2.
///   Sliding-window layers attend to at most `sliding_window` keys.
/// - Bytes = weight bytes + Σ_i (c_i + n_i) · KV bytes per token (read the cached KV, write
///   the new). Weight bytes for a dense model: all parameters. For an MoE model with E
///   experts, k per token: (shared + E_touched · expert) · bytes_per_param, where
///   expert = (P_total − P_active)/(E − k), shared = P_total − E · expert and
///   E_touched = E · (1 − (1 − 1/E)^(N·k)), the expected number of distinct experts N·k
///   uniform routings touch. An MoE model described by active parameters only reads
///   P_active (a lower bound).
public struct Roofline: StepTimeModel {
    public let peakFlops: Double
    public let bandwidth: Double
    public let activeParameters: Double
    public let bytesPerParam: Double
    public let kvBytesPerToken: Double
    public let layers: Double
    public let slidingLayers: Double
    public let slidingWindow: Double
    public let attentionWidth: Double
    /// Dense weight bytes, or nil for the MoE formula.
    private let denseWeightBytes: Double?
    private let sharedParameters: Double
    private let expertParameters: Double
    private let experts: Double
    private let expertsPerToken: Double

    public init(_ config: SimulatorConfig) {
        let m = config.model, h = config.hardware
        peakFlops = h.computeFlops
        bandwidth = h.memoryBandwidth
        activeParameters = m.activeParameters
        bytesPerParam = Double(h.bytesPerParam)
        kvBytesPerToken = config.kvBytesPerToken
        layers = Double(m.numLayers)
        slidingLayers = Double(m.resolvedSlidingLayers)
        slidingWindow = Double(m.slidingWindow ?? 0)
        attentionWidth = Double(m.numHeads * m.resolvedHeadDim)
        if let e = m.numExperts, let k = m.numExpertsPerToken, e > k {
            let expert = (m.numParameters - m.activeParameters) / Double(e - k)
            expertParameters = expert
            sharedParameters = m.numParameters - Double(e) * expert
            experts = Double(e)
            expertsPerToken = Double(k)
            denseWeightBytes = nil
        } else {
            // Dense, or MoE known only by its active parameters (lower bound).
            denseWeightBytes = (m.numActiveParameters ?? m.numParameters) * Double(h.bytesPerParam)
            expertParameters = 0; sharedParameters = 0; experts = 0; expertsPerToken = 0
        }
    }

    /// Weight bytes read by a step of `tokens` tokens.
    public func weightBytes(tokens: Int) -> Double {
        if let dense = denseWeightBytes { return dense }
        let touched = experts * (1 - power(1 - 1 / experts, Double(tokens) * expertsPerToken))
        return (sharedParameters + touched * expertParameters) * bytesPerParam
    }

    public func cost(of batch: [ScheduledChunk]) -> StepCost {
        var tokens = 0
        var attention = 0.0
        var kvTokens = 0.0
        let fullLayers = layers - slidingLayers
        for chunk in batch {
            let n = Double(chunk.tokens), c = Double(chunk.context)
            tokens += chunk.tokens
            let meanKeys = c + (n + 1) / 2
            var keyLayers = fullLayers * meanKeys
            if slidingLayers > 0 { keyLayers += slidingLayers * min(meanKeys, slidingWindow) }
            attention += 4 * attentionWidth * n * keyLayers
            kvTokens += c + n
        }
        let flops = 2 * Double(tokens) * activeParameters + attention
        let bytes = (tokens > 0 ? weightBytes(tokens: tokens) : 0) + kvTokens * kvBytesPerToken
        let seconds = max(flops / peakFlops, bytes / bandwidth)
        return StepCost(seconds: seconds, flops: flops, bytes: bytes)
    }
}
