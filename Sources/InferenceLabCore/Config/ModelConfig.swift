/// The transformer being served, described by the numbers a roofline needs.
public struct ModelConfig: Sendable, Equatable {
    /// A label, printed in reports.
    public var name: String = "Llama-3-70B"
    /// Total parameters (all experts of an MoE model).
    public var numParameters: Double = 70e9
    /// Parameters used per token (MoE); `nil` means `numParameters` (dense).
    public var numActiveParameters: Double?
    /// Number of transformer layers, L.
    public var numLayers: Int = 80
    /// Model (residual stream) width, D.
    public var hiddenDim: Int = 8192
    /// Attention query heads.
    public var numHeads: Int = 64
    /// Key/value heads (GQA); `nil` means `numHeads`.
    public var numKVHeads: Int? = 8
    /// Per-head width; `nil` means `hiddenDim / numHeads` (the original's rule).
    public var headDim: Int?
    /// The longest sequence (prompt + output) the model serves: vLLM's `max_model_len`.
    public var maxSeqLen: Int = 8192
    /// Sliding-window size in tokens for the layers that use one; `nil` for none.
    public var slidingWindow: Int?
    /// How many of the layers use the sliding window (default: all, when a window is set).
    public var numSlidingLayers: Int?
    /// Routed experts of an MoE model; `nil` for a dense model.
    public var numExperts: Int?
    /// Routed experts each token activates (k).
    public var numExpertsPerToken: Int?

    /// Width of one attention head.
    public var resolvedHeadDim: Int { headDim ?? (numHeads > 0 ? hiddenDim / numHeads : 0) }
    /// Key/value heads after defaulting.
    public var resolvedKVHeads: Int { numKVHeads ?? numHeads }
    /// Parameters touched per token.
    public var activeParameters: Double { numActiveParameters ?? numParameters }
    /// Layers that attend over a sliding window only.
    public var resolvedSlidingLayers: Int {
        guard slidingWindow != nil else { return 0 }
        return min(numSlidingLayers ?? numLayers, numLayers)
    }
}
