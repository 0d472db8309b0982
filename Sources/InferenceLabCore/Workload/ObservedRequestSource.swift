/// Receives each request an ``ObservedRequestSource`` hands to the simulator.
public protocol RequestObserver {
    mutating func observe(_ spec: RequestSpec)
}

/// A request source that shows every request its base hands to the simulator to an observer,
/// in the order the run sends them. For a closed-loop workload (sessions) only the run knows
/// when each turn is sent: `inference-lab generate` writes them to a trace this way, and
/// ``RequestLog`` keeps them.
public struct ObservedRequestSource<Base: RequestSource, Observer: RequestObserver>: RequestSource {
    public var base: Base
    public var observer: Observer

    public init(_ base: Base, observer: Observer) {
        self.base = base
        self.observer = observer
    }

    public mutating func peekArrivalTime() -> Double? { base.peekArrivalTime() }
    public mutating func next() -> RequestSpec {
        let spec = base.next()
        observer.observe(spec)
        return spec
    }
    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {
        base.requestCompleted(sessionKey: sessionKey, finished: finished, at: t)
    }
    public var isExhausted: Bool { base.isExhausted }
}

/// Keeps every request it observes, in order (tests and small runs).
public struct RequestLog: RequestObserver {
    public private(set) var specs: [RequestSpec] = []
    public init() {}
    public mutating func observe(_ spec: RequestSpec) { specs.append(spec) }
}
