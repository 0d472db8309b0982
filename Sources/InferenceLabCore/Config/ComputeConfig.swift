/// Which step-time model prices a scheduled batch.
public enum ComputeModelKind: String, Sendable, CaseIterable {
    /// max(FLOPs / peak, bytes / bandwidth) from the hardware and model specs.
    case roofline
    /// base + per_token × tokens + per_request × requests: a fitted model.
    case linear
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

    public init(
        model: ComputeModelKind = .roofline,
        baseSeconds: Double = 0,
        perTokenSeconds: Double = 0,
        perRequestSeconds: Double = 0
    ) {
        self.model = model
        self.baseSeconds = baseSeconds
        self.perTokenSeconds = perTokenSeconds
        self.perRequestSeconds = perRequestSeconds
    }
}
