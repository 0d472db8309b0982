/// A fitted step time: `base + perToken × tokens + perRequest × requests`.
///
/// This is how users plug in a model fitted to measurements, and how the scheduler is checked
/// against vLLM's real one (the reference harness of docs/scheduler.md §11 uses the same
/// formula). FLOPs and bytes are still counted by the roofline, for utilisation reports.
public struct LinearStepTime: StepTimeModel {
    public var baseSeconds: Double
    public var perTokenSeconds: Double
    public var perRequestSeconds: Double
    public var roofline: Roofline

    public init(baseSeconds: Double, perTokenSeconds: Double, perRequestSeconds: Double, roofline: Roofline) {
        self.baseSeconds = baseSeconds
        self.perTokenSeconds = perTokenSeconds
        self.perRequestSeconds = perRequestSeconds
        self.roofline = roofline
    }

    public func cost(of batch: [ScheduledChunk]) -> StepCost {
        var tokens = 0
        for chunk in batch { tokens += chunk.tokens }
        var cost = roofline.cost(of: batch)
        cost.seconds = baseSeconds + perTokenSeconds * Double(tokens) + perRequestSeconds * Double(batch.count)
        return cost
    }
}
