/// The roofline step time: `max(FLOPs / peak FLOP/s, bytes / bandwidth) + communication`.
///
/// For a batch of requests i with context c_i (tokens already cached) and n_i new tokens,
/// N = Σ n_i, on T = `tensor_parallel_size` GPUs (T = 1 without tensor parallelism):
///
/// - FLOPs = (2 · N · P_active + Σ_i 4 · L · d_attn · n_i · (c_i + (n_i + 1) / 2)) / T,
///   with d_attn = heads × head_dim. The first term is the matmuls (one multiply-add per
///   active parameter per token); the second is QKᵀ and AV with causal masking: token j of
///   the chunk attends to c_i + j keys, whose mean over the chunk is c_i + (n_i + 1)/2.
///   Sliding-window layers attend to at most `sliding_window` keys. Tensor parallelism splits
///   both evenly (column/row-parallel matmuls, heads split across GPUs).
/// - Bytes = weight bytes / T + Σ_i (c_i + n_i) · KV bytes per token · s (read the cached KV,
///   write the new), where s = ceil(kv_heads / T) / kv_heads is the GPU's share of the KV
///   heads. Weight bytes for a dense model: all parameters. For an MoE model with E
///   experts, k per token: (shared + E_touched · expert) · bytes_per_param, where
///   expert = (P_total − P_active)/(E − k), shared = P_total − E · expert and
///   E_touched = E · (1 − (1 − 1/E)^(N·k)), the expected number of distinct experts N·k
///   uniform routings touch. An MoE model described by active parameters only reads
///   P_active (a lower bound).
/// - Communication (T > 1 only): each layer ends its attention and its MLP with an
///   all-reduce of the N × hidden_dim activations (2 bytes each, BF16), 2 · L all-reduces per
///   step. A ring all-reduce of M bytes makes every GPU send (and receive) 2 · (T − 1)/T · M
///   bytes, so each costs `interconnect_latency + 2 · (T − 1)/T · M / interconnect_bandwidth`.
///   Communication does not overlap the matmuls (as in vLLM and TensorRT-LLM by default), so
///   it is added to the roofline time.
///
/// FLOPs and bytes in ``StepCost`` are per GPU, so utilisation against the per-GPU peak stays
/// meaningful. With T = 1 every term is exactly the single-GPU roofline.
public struct Roofline: StepTimeModel {
    public let peakFlops: Double
    public let bandwidth: Double
    public let activeParameters: Double
    public let bytesPerParam: Double
    /// KV bytes per token of the whole model (all GPUs).
    public let kvBytesPerToken: Double
    public let layers: Double
    public let slidingLayers: Double
    public let slidingWindow: Double
    public let attentionWidth: Double
    /// Hidden size D: the width of the activations the all-reduces carry.
    public let hiddenDim: Double
    /// Tensor-parallel degree T.
    public let tensorParallel: Double
    /// KV bytes per token on one GPU.
    public let kvBytesPerTokenPerGPU: Double
    /// Interconnect bandwidth per GPU and direction (0 without TP).
    public let interconnectBandwidth: Double
    /// Seconds per all-reduce besides its transfer.
    public let interconnectLatency: Double
    /// Dense weight bytes, or nil for the MoE formula.
    private let denseWeightBytes: Double?
    private let sharedParameters: Double
    private let expertParameters: Double
    private let experts: Double
    private let expertsPerToken: Double

    /// Bytes of one activation element in the all-reduces (BF16, also with FP8 weights).
    public static let activationBytes = 2.0

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
        hiddenDim = Double(m.hiddenDim)
        tensorParallel = config.tensorParallelDegree
        kvBytesPerTokenPerGPU = config.kvBytesPerTokenPerGPU
        interconnectBandwidth = h.interconnectBandwidth ?? 0
        interconnectLatency = h.interconnectLatency
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

    /// Expected number of distinct routed experts `tokens` tokens touch:
    /// E · (1 − (1 − 1/E)^(N·k)); 0 for a dense model.
    public func expertsTouched(tokens: Int) -> Double {
        guard denseWeightBytes == nil else { return 0 }
        return experts * (1 - power(1 - 1 / experts, Double(tokens) * expertsPerToken))
    }

    /// Weight bytes (whole model, all GPUs) read by a step of `tokens` tokens.
    public func weightBytes(tokens: Int) -> Double {
        if let dense = denseWeightBytes { return dense }
        return (sharedParameters + expertsTouched(tokens: tokens) * expertParameters) * bytesPerParam
    }

    /// The work of a step, per GPU, split into the parts the calibrated model prices
    /// separately.
    public func terms(of batch: [ScheduledChunk]) -> RooflineTerms {
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
        var t = RooflineTerms()
        t.tokens = Double(tokens)
        t.matmulFlops = 2 * Double(tokens) * activeParameters / tensorParallel
        t.attentionFlops = attention / tensorParallel
        t.weightBytes = (tokens > 0 ? weightBytes(tokens: tokens) : 0) / tensorParallel
        t.kvBytes = kvTokens * kvBytesPerTokenPerGPU
        if tensorParallel > 1 && tokens > 0 {
            t.collectives = 2 * layers
            let message = Double(tokens) * hiddenDim * Roofline.activationBytes
            t.collectiveBytes = t.collectives * 2 * (tensorParallel - 1) / tensorParallel * message
        }
        return t
    }

    /// The work of a step of `count` identical requests `chunk`: ``terms(of:)`` of a batch of
    /// `count` copies, without building it (`inference-lab steptime` prices batches of up to
    /// 2³¹−1 requests).
    public func terms(of chunk: ScheduledChunk, count: Int) -> RooflineTerms {
        let one = terms(of: [chunk])
        let (product, overflow) = chunk.tokens.multipliedReportingOverflow(by: count)
        let tokens = overflow ? Int.max : product
        let n = Double(count)
        var t = RooflineTerms()
        t.tokens = Double(tokens)
        t.matmulFlops = one.matmulFlops * n
        t.attentionFlops = one.attentionFlops * n
        t.weightBytes = (tokens > 0 ? weightBytes(tokens: tokens) : 0) / tensorParallel
        t.kvBytes = one.kvBytes * n
        t.collectives = one.collectives
        t.collectiveBytes = one.collectiveBytes * n
        return t
    }

    /// The roofline's seconds for a step whose work is `t` (what ``cost(of:)`` charges).
    public func seconds(_ t: RooflineTerms) -> Double {
        var seconds = max((t.matmulFlops + t.attentionFlops) / peakFlops, (t.weightBytes + t.kvBytes) / bandwidth)
        if t.collectives > 0 { seconds += communicationSeconds(t) }
        return seconds
    }

    /// Seconds the all-reduces of `terms` take at the given fraction of the interconnect
    /// bandwidth.
    public func communicationSeconds(_ terms: RooflineTerms, efficiency: Double = 1) -> Double {
        guard terms.collectives > 0 else { return 0 }
        return terms.collectives * interconnectLatency
            + terms.collectiveBytes / (interconnectBandwidth * efficiency)
    }

    public func cost(of batch: [ScheduledChunk]) -> StepCost {
        let t = terms(of: batch)
        let flops = t.matmulFlops + t.attentionFlops
        let bytes = t.weightBytes + t.kvBytes
        var seconds = max(flops / peakFlops, bytes / bandwidth)
        if t.collectives > 0 { seconds += communicationSeconds(t) }
        return StepCost(seconds: seconds, flops: flops, bytes: bytes)
    }
}

/// What one step asks of each GPU, by kind of work.
public struct RooflineTerms: Sendable, Equatable {
    /// Tokens computed in the step (N).
    public var tokens: Double = 0
    /// FLOPs of the weight matmuls (2 per active parameter per token), per GPU.
    public var matmulFlops: Double = 0
    /// FLOPs of attention's QKᵀ and AV, per GPU.
    public var attentionFlops: Double = 0
    /// Weight bytes read, per GPU.
    public var weightBytes: Double = 0
    /// KV-cache bytes read and written, per GPU.
    public var kvBytes: Double = 0
    /// All-reduces in the step (2 per layer under TP, else 0).
    public var collectives: Double = 0
    /// Bytes each GPU sends over the interconnect for all of them.
    public var collectiveBytes: Double = 0

    public init() {}
}
