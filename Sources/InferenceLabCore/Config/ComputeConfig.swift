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
    public var model: ComputeModelKind = .roofline
    /// Linear model: fixed seconds per step.
    public var baseSeconds: Double = 0
    /// Linear model: seconds per scheduled token.
    public var perTokenSeconds: Double = 0
    /// Linear model: seconds per scheduled request.
    public var perRequestSeconds: Double = 0
    /// Calibrated model: the factors (ignored by the other models).
    public var calibration: CalibrationFactors = CalibrationFactors()
}
