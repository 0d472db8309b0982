/// Which phase of a request a routing decision places.
public enum RoutePhase: String, Sendable {
    /// The whole request on one replica (no prefill/decode disaggregation).
    case mixed
    /// The prompt and the first token, on a prefill replica.
    case prefill
    /// The output tokens, on a decode replica, once the KV cache has moved there.
    case decode
}

/// One routing decision: request `id`, arriving at `time`, goes to `replica`.
///
/// `scores` holds one value per replica for the routers that compare replicas (the load each
/// `least_*` router minimises, the cached prefix blocks of `prefix_affinity`, the weighted
/// score of `weighted`), and is empty for the others. The array is reused by the cluster
/// between decisions; a sink that keeps it must copy.
public struct RouteRecord: Sendable {
    public var time: Double = 0
    public var id: String = ""
    public var replica: Int = 0
    public var phase: RoutePhase = .mixed
    public var scores: [Double] = []

    public init() {}
}

/// Receives a fleet's events: each replica's ``SimulationEvent``s tagged with the replica, and
/// the router's decisions.
///
/// Order: each replica's events come in the order a one-node run gives them; across replicas
/// they come in the order of the cluster's actions, each at one time (a routing decision at
/// the request's arrival, a scheduling at its time, a step's group at the step's end), and
/// those times never decrease (docs/event-log.md, schema 2).
public protocol ClusterEventSink {
    mutating func consume(_ event: SimulationEvent, replica: Int)
    mutating func route(_ record: RouteRecord)
    /// A disaggregated request's KV cache starts moving (at `record.start`).
    mutating func kvTransfer(_ record: KVTransferRecord)
}

extension ClusterEventSink {
    /// Sinks that do not look at transfers ignore them.
    public mutating func kvTransfer(_ record: KVTransferRecord) {}
}

/// Sends every fleet event to two sinks, first `a` then `b`.
public struct TeeClusterSink<A: ClusterEventSink, B: ClusterEventSink>: ClusterEventSink {
    public var a: A
    public var b: B
    public init(_ a: A, _ b: B) { self.a = a; self.b = b }
    @inlinable
    public mutating func consume(_ event: SimulationEvent, replica: Int) {
        a.consume(event, replica: replica)
        b.consume(event, replica: replica)
    }
    @inlinable
    public mutating func route(_ record: RouteRecord) {
        a.route(record)
        b.route(record)
    }
    public mutating func kvTransfer(_ record: KVTransferRecord) {
        a.kvTransfer(record)
        b.kvTransfer(record)
    }
}

/// Keeps every fleet event in memory (tests).
public struct RecordingClusterSink: ClusterEventSink {
    public var events: [(replica: Int, event: SimulationEvent)] = []
    public var routes: [RouteRecord] = []
    public var transfers: [KVTransferRecord] = []
    public init() {}
    public mutating func consume(_ event: SimulationEvent, replica: Int) {
        if case .step(let r) = event {
            events.append((replica, .step(r)))  // the record's arrays are copied on write
        } else {
            events.append((replica, event))
        }
    }
    public mutating func route(_ record: RouteRecord) { routes.append(record) }
    public mutating func kvTransfer(_ record: KVTransferRecord) { transfers.append(record) }
}
