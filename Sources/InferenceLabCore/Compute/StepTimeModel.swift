/// One scheduled request of a step, as a step-time model sees it.
public struct ScheduledChunk: Sendable, Equatable {
    /// Tokens already in the KV cache before the step (c).
    public var context: Int
    /// Tokens computed in this step (n).
    public var tokens: Int
    public init(context: Int, tokens: Int) { self.context = context; self.tokens = tokens }
}

/// What a step costs.
public struct StepCost: Sendable, Equatable {
    /// Duration in seconds.
    public var seconds: Double
    /// Floating-point operations of the forward pass.
    public var flops: Double
    /// Bytes moved to and from device memory.
    public var bytes: Double
}

/// Prices a batch. Every model also reports the roofline's FLOPs and bytes, so utilisation
/// is comparable across models.
public protocol StepTimeModel: Sendable {
    func cost(of batch: [ScheduledChunk]) -> StepCost
}

/// The step-time model a config selects (an enum rather than an existential, so the core
/// stays free of `any`).
public enum ConfiguredStepTimeModel: StepTimeModel {
    case roofline(Roofline)
    case linear(LinearStepTime)
    case calibrated(CalibratedRoofline)

    public init(_ config: SimulatorConfig) {
        let roofline = Roofline(config)
        switch config.compute.model {
        case .roofline: self = .roofline(roofline)
        case .linear:
            self = .linear(LinearStepTime(
                baseSeconds: config.compute.baseSeconds,
                perTokenSeconds: config.compute.perTokenSeconds,
                perRequestSeconds: config.compute.perRequestSeconds,
                roofline: roofline))
        case .calibrated:
            self = .calibrated(CalibratedRoofline(roofline: roofline, factors: config.compute.calibration))
        }
    }

    public func cost(of batch: [ScheduledChunk]) -> StepCost {
        switch self {
        case .roofline(let m): return m.cost(of: batch)
        case .linear(let m): return m.cost(of: batch)
        case .calibrated(let m): return m.cost(of: batch)
        }
    }
}
