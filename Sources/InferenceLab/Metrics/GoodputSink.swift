/// An event sink that follows every request (``RequestTracker``) and counts those meeting a
/// ``ServiceLevelObjective`` (``GoodputCounter``), for a run's goodput without an event log.
public struct GoodputSink: EventSink {
    public private(set) var tracker = RequestTracker()
    public private(set) var counter: GoodputCounter

    public init(objective: ServiceLevelObjective) { counter = GoodputCounter(objective: objective) }

    public mutating func consume(_ event: SimulationEvent) {
        if let outcome = tracker.consume(event) { counter.add(outcome) }
    }
}
