import HeapModule

/// A fleet: `[cluster] replicas` copies of the node the config describes, each a
/// ``Simulator`` fed by its own ``ReplicaQueue``, behind one ``Router`` (docs/fleet.md).
///
/// The cluster owns the fleet's clock. It always runs what happens first: the next arrival of
/// the fleet's source, routed at its arrival time with the loads the router may see, or the
/// replica action with the earliest time (``Simulator/replicaNextActionTime(blocked:)``), kept
/// in a heap so that many replicas stay cheap. An arrival at the same time as an action is
/// routed first (a one-node run admits arrivals up to now before it schedules); actions at the
/// same time go in replica order. Each replica therefore sees exactly the requests routed to
/// it, at the same times, as a one-node run over those requests: with one replica the run is
/// the one-node run.
///
/// ```swift
/// var fleet = try ClusterSimulator(config: config, source: ArrayRequestSource(specs))
/// var metrics = FleetMetrics(config: config)
/// fleet.run(into: &metrics)
/// print(metrics.summary().ttft.p99, metrics.replicaSummary(0).completed)
/// ```
public struct ClusterSimulator<Source: RequestSource> {
    public let config: SimulatorConfig
    @usableFromInline var _replicas: [Simulator<ReplicaQueue>]
    @usableFromInline var router: Router
    @usableFromInline var source: Source
    /// Per replica: its last scheduling attempt found nothing to run.
    @usableFromInline var blocked: [Bool]
    @usableFromInline var trackers: [ReplicaLoadTracker]
    /// Replica actions by time; an entry is current when its version is the replica's.
    @usableFromInline var actions = Heap<Action>()
    @usableFromInline var versions: [Int]
    @usableFromInline var scheduledTime: [Double?]
    /// The loads the router sees (refreshed every `router_refresh_interval`).
    @usableFromInline var visible: [ReplicaLoad]
    @usableFromInline var nextRefresh = -Double.infinity
    @usableFromInline var route = RouteRecord()
    @usableFromInline var prefixBlocks: [Int]
    var chain: [UInt64] = []
    let hasher: BlockHasher
    @usableFromInline var _status: RunStatus? = nil
    @usableFromInline var _now = 0.0
    @usableFromInline var _routedCount = 0
    /// Requests routed so far.
    public var routedCount: Int { _routedCount }
    /// The replicas, by index.
    public var replicas: [Simulator<ReplicaQueue>] { _replicas }
    /// The router.
    public var currentRouter: Router { router }

    @usableFromInline
    struct Action: Comparable {
        @usableFromInline var time: Double
        @usableFromInline var replica: Int
        @usableFromInline var version: Int
        @inlinable init(time: Double, replica: Int, version: Int) {
            self.time = time; self.replica = replica; self.version = version
        }
        @inlinable static func < (a: Action, b: Action) -> Bool {
            a.time < b.time || (a.time == b.time && a.replica < b.replica)
        }
    }

    /// The request source.
    public var requestSource: Source { source }
    /// How the run ended, or nil while it goes on.
    public var status: RunStatus? { _status }
    /// The time of the latest routing decision or replica action.
    public var now: Double { _now }
    /// The first replica error (a time that is not finite), if any.
    public var error: ConfigIssue? {
        for r in replicas { if let e = r.error { return e } }
        return nil
    }
    /// Requests finished / arrived so far, all replicas together.
    public var finishedCount: Int { replicas.reduce(0) { $0 + $1.finishedCount } }
    public var arrivedCount: Int { replicas.reduce(0) { $0 + $1.arrivedCount } }
    public var stepCount: Int { replicas.reduce(0) { $0 + $1.stepCount } }
    /// Requests waiting or running on some replica.
    public var unfinishedCount: Int {
        replicas.reduce(0) { $0 + $1.scheduler.waitingCount + $1.scheduler.runningCount }
    }

    /// - Throws: the first error-severity ``ConfigIssue`` of the config.
    public init(config: SimulatorConfig, source: Source) throws(ConfigIssue) {
        if let error = config.validate().first(where: { $0.severity == .error }) { throw error }
        let n = max(config.cluster.replicas, 1)
        self.config = config
        self.source = source
        var replicas: [Simulator<ReplicaQueue>] = []
        replicas.reserveCapacity(n)
        for _ in 0..<n { replicas.append(try Simulator(config: config, source: ReplicaQueue())) }
        _replicas = replicas
        router = Router(config.cluster)
        blocked = Array(repeating: false, count: n)
        trackers = Array(repeating: ReplicaLoadTracker(), count: n)
        versions = Array(repeating: 0, count: n)
        scheduledTime = Array(repeating: nil, count: n)
        visible = Array(repeating: ReplicaLoad(), count: n)
        prefixBlocks = Array(repeating: 0, count: n)
        hasher = BlockHasher(blockSize: config.scheduler.blockSize, hashBlockSize: config.scheduler.prefixHashBlockSize)
    }

    /// Replaces the router (tests: a router with its own session key).
    public mutating func setRouter(_ router: Router) { self.router = router }

    /// Whether the run has ended.
    public var isFinished: Bool { _status != nil }

    /// Runs to the end.
    @inlinable @discardableResult
    public mutating func run<Sink: ClusterEventSink>(into sink: inout Sink) -> RunStatus {
        while advance(into: &sink) {}
        return _status ?? .complete
    }

    /// Stops the run: every replica drains its in-flight steps.
    @inlinable
    public mutating func interrupt<Sink: ClusterEventSink>(into sink: inout Sink) {
        guard _status == nil else { return }
        for k in 0..<_replicas.count { withReplicaSink(k, &sink) { sim, s in sim.interrupt(into: &s) } }
        _status = .interrupted
    }

    /// Marks the run failed (the request source hit bad input).
    @inlinable
    public mutating func fail<Sink: ClusterEventSink>(into sink: inout Sink) {
        guard _status == nil else { return }
        for k in 0..<_replicas.count { withReplicaSink(k, &sink) { sim, s in sim.fail(into: &s) } }
        _status = .failed
    }

    /// Routes the next arrival or runs the earliest replica action.
    /// - Returns: false once the run has ended.
    @inlinable
    public mutating func advance<Sink: ClusterEventSink>(into sink: inout Sink) -> Bool {
        guard _status == nil else { return false }
        while let top = actions.min, top.version != versions[top.replica] { _ = actions.removeMin() }
        let arrival = source.peekArrivalTime()
        let action = actions.min
        if let a = arrival, action == nil || a <= action!.time {
            guard a.isFinite else {
                // Replica 0 reports it, as a one-node run does.
                _replicas[0].failNonFiniteArrival(a)
                fail(into: &sink)
                return false
            }
            refresh(upTo: a)
            _now = max(_now, a)
            routeNext(&sink)
            return true
        }
        if let action {
            _ = actions.removeMin()
            let k = action.replica
            refresh(upTo: action.time)
            _now = max(_now, action.time)
            scheduledTime[k] = nil
            var b = blocked[k]
            withReplicaSink(k, &sink) { sim, s in sim.replicaAdvance(blocked: &b, into: &s) }
            blocked[k] = b
            passOnCompletions(k)
            if _replicas[k].status == .failed {
                fail(into: &sink)
                return false
            }
            reschedule(k)
            return true
        }
        // Nothing more can happen.
        var failed = false
        for k in 0..<_replicas.count {
            _replicas[k]._source.close()
            _replicas[k].replicaEnd()
            if _replicas[k].status == .failed { failed = true }
        }
        _status = failed ? .failed : .complete
        return false
    }

    /// Routes the source's next request and queues it on the chosen replica.
    @inlinable
    mutating func routeNext<Sink: ClusterEventSink>(_ sink: inout Sink) {
        let spec = source.next()
        let promptBlocks = spec.promptTokens / config.scheduler.blockSize
        if router.usesPrefix { countCachedPrefix(spec) }
        let loads: [ReplicaLoad]
        if config.cluster.routerRefreshInterval > 0 { loads = visible } else { loads = liveLoads() }
        let k = router.choose(spec, loads: loads, prefixBlocks: prefixBlocks, promptBlocks: promptBlocks, scores: &route.scores)
        route.time = spec.arrivalTime
        route.id = spec.id
        route.replica = k
        route.phase = .mixed
        sink.route(route)
        _routedCount += 1
        if _replicas[k]._scheduler.rejection(promptTokens: spec.promptTokens, outputTokens: spec.outputTokens) == nil {
            trackers[k].outstanding += 1
            trackers[k].tokens += spec.promptTokens + spec.outputTokens
        }
        _replicas[k]._source.push(spec)
        reschedule(k)
    }

    /// Every replica's load now.
    @inlinable
    func liveLoads() -> [ReplicaLoad] {
        var loads: [ReplicaLoad] = []
        loads.reserveCapacity(_replicas.count)
        for k in 0..<_replicas.count { loads.append(load(k)) }
        return loads
    }

    @inlinable
    func load(_ k: Int) -> ReplicaLoad {
        ReplicaLoad(outstanding: trackers[k].outstanding, outstandingTokens: trackers[k].tokens,
                    kvBlocksUsed: _replicas[k]._scheduler.kvBlocksUsed,
                    kvBlocksTotal: _replicas[k]._scheduler.kvCacheManager.blockPool.count)
    }

    /// With a refresh interval: before anything at time `t`, the loads as of the last refresh
    /// point at or before `t` (nothing changes between the previous event and `t`).
    @inlinable
    mutating func refresh(upTo t: Double) {
        let interval = config.cluster.routerRefreshInterval
        guard interval > 0, t >= nextRefresh else { return }
        // The state now is the state at every refresh point since the last event.
        for k in 0..<_replicas.count { visible[k] = load(k) }
        let point = (t / interval).rounded(.down) * interval
        nextRefresh = max(nextRefresh + interval, point + interval)
        if nextRefresh <= t { nextRefresh = t + interval }
    }

    /// The request's leading full blocks cached on each replica (vLLM's `get_computed_blocks`
    /// lookup, without touching the pool).
    @usableFromInline
    mutating func countCachedPrefix(_ spec: RequestSpec) {
        for k in 0..<prefixBlocks.count { prefixBlocks[k] = 0 }
        guard config.scheduler.enablePrefixCaching, spec.promptTokens > 0 else { return }
        let maxHit = (spec.promptTokens - 1) / config.scheduler.blockSize
        let shared = min(maxHit, hasher.sharedBlockCount(promptTokens: spec.promptTokens, prefixHashes: spec.prefixHashes))
        guard shared > 0 else { return }
        chain.removeAll(keepingCapacity: true)
        hasher.extend(&chain, to: shared, prefixHashes: spec.prefixHashes)
        for k in 0..<_replicas.count {
            var i = 0
            while i < chain.count, _replicas[k]._scheduler.kvCacheManager.blockPool.lookup(chain[i]) != nil { i += 1 }
            prefixBlocks[k] = i
        }
    }

    /// Puts replica `k`'s next action in the heap when its time changed.
    @inlinable
    mutating func reschedule(_ k: Int) {
        let t = _replicas[k].replicaNextActionTime(blocked: blocked[k])
        if t == scheduledTime[k] { return }
        versions[k] += 1
        scheduledTime[k] = t
        if let t { actions.insert(Action(time: t, replica: k, version: versions[k])) }
    }

    /// Hands replica `k`'s completions to the fleet's source (closed-loop workloads).
    @inlinable
    mutating func passOnCompletions(_ k: Int) {
        guard !_replicas[k]._source.completions.isEmpty else { return }
        for c in _replicas[k]._source.completions {
            source.requestCompleted(sessionKey: c.sessionKey, finished: c.finished, at: c.time)
        }
        _replicas[k]._source.clearCompletions()
    }

    /// Runs `body` on replica `k` with a sink that tags its events and keeps its load.
    @inlinable
    mutating func withReplicaSink<Sink: ClusterEventSink>(
        _ k: Int, _ sink: inout Sink, _ body: (inout Simulator<ReplicaQueue>, inout ReplicaSink<Sink>) -> Void
    ) {
        var tracker = ReplicaLoadTracker()
        swap(&tracker, &trackers[k])
        withUnsafeMutablePointer(to: &sink) { p in
            var adapter = ReplicaSink(base: p, replica: k, tracker: tracker)
            body(&_replicas[k], &adapter)
            tracker = adapter.tracker
        }
        swap(&tracker, &trackers[k])
    }
}

/// One replica's outstanding requests and tokens, kept from its events.
@usableFromInline
struct ReplicaLoadTracker {
    @usableFromInline var outstanding = 0
    @usableFromInline var tokens = 0
    /// Prompt plus output tokens of the request in each slot.
    @usableFromInline var slotTokens: [Int] = []
    @inlinable init() {}
}

/// Replica `replica`'s events on their way to the fleet's sink, keeping its load.
@usableFromInline
struct ReplicaSink<Base: ClusterEventSink>: EventSink {
    @usableFromInline let base: UnsafeMutablePointer<Base>
    @usableFromInline let replica: Int
    @usableFromInline var tracker: ReplicaLoadTracker

    @inlinable
    init(base: UnsafeMutablePointer<Base>, replica: Int, tracker: ReplicaLoadTracker) {
        self.base = base; self.replica = replica; self.tracker = tracker
    }

    @inlinable
    mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a):
            let s = Int(a.slot)
            while tracker.slotTokens.count <= s { tracker.slotTokens.append(0) }
            tracker.slotTokens[s] = a.promptTokens + a.outputTokens
        case .finished(_, _, let slot, _):
            tracker.outstanding -= 1
            tracker.tokens -= tracker.slotTokens[Int(slot)]
        default: break
        }
        base.pointee.consume(event, replica: replica)
    }
}
