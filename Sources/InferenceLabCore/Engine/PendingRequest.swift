/// A request the client has sent that the API server has not yet handed to the engine core.
public struct PendingRequest: Sendable {
    /// The request, with the client's send time as `arrivalTime`.
    public var spec: RequestSpec
    /// When it reaches the scheduler (``EngineTiming/readyTime(arrival:promptTokens:)``).
    public var readyTime: Double

    @inlinable
    public init(spec: RequestSpec, readyTime: Double) {
        self.spec = spec
        self.readyTime = readyTime
    }
}
