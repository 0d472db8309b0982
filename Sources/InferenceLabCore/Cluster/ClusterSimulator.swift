import HeapModule

/// A fleet: `[cluster] replicas` copies of the node the config describes, or the replicas of
/// its `[[cluster.pool]]` entries, each a ``Simulator`` fed by its own ``ReplicaQueue``,
/// behind a ``Router`` (docs/fleet.md).
///
/// With prefill and decode pools (disaggregated serving) an arrival is routed among the
/// prefill replicas, which compute its prompt and first token; when that output reaches the
/// router, a second decision places the decode phase among the decode replicas, the KV cache
/// moves there (``KVTransferRecord``), and the decode replica admits the request when it has
/// arrived (``RequestSpec/doRemotePrefill``).
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
    /// Each replica's role, and the replicas arrivals go to (mixed or prefill) and those the
    /// decode phase goes to (empty unless disaggregated).
    public let roles: [ReplicaRole]
    @usableFromInline let entryReplicas: [Int]
    @usableFromInline let decodeReplicas: [Int]
    /// Routes the decode phase of disaggregated requests.
    @usableFromInline var decodeRouter: Router
    /// Per replica: KV bytes per token on each of its GPUs (what a transfer from it sends).
    let kvBytesPerTokenPerGPU: [Double]
    /// Disaggregated requests between their prefill and their decode replica, by time.
    @usableFromInline var handoffs = Heap<Handoff>()
    @usableFromInline var handoffSerial = 0
    var transfer = KVTransferRecord()
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

    /// A disaggregated request on its way from prefill to decode: at `time` its prefill output
    /// reaches the router (`toReplica` nil: the decode replica is still to be chosen), or its
    /// KV cache has reached `toReplica`.
    @usableFromInline
    struct Handoff: Comparable {
        @usableFromInline var time: Double
        @usableFromInline var serial: Int
        @usableFromInline var spec: RequestSpec
        @usableFromInline var fromReplica: Int
        /// Its slot on the prefill replica, which keeps its blocks until the transfer ends.
        @usableFromInline var fromSlot: RequestSlot
        @usableFromInline var toReplica: Int?
        @inlinable static func < (a: Handoff, b: Handoff) -> Bool {
            a.time < b.time || (a.time == b.time && a.serial < b.serial)
        }
        @inlinable static func == (a: Handoff, b: Handoff) -> Bool { a.time == b.time && a.serial == b.serial }
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
        let nodes = config.replicaNodes
        let n = nodes.count
        self.config = config
        self.source = source
        var replicas: [Simulator<ReplicaQueue>] = []
        replicas.reserveCapacity(n)
        for node in nodes { replicas.append(try Simulator(config: node.config, source: ReplicaQueue())) }
        _replicas = replicas
        let roles = nodes.map { $0.role }
        self.roles = roles
        kvBytesPerTokenPerGPU = nodes.map { $0.config.kvBytesPerTokenPerGPU }
        entryReplicas = (0..<n).filter { roles[$0] != .decode }
        decodeReplicas = (0..<n).filter { roles[$0] == .decode }
        router = Router(config.cluster, replicas: entryReplicas.count, seed: config.cluster.routerSeed)
        decodeRouter = Router(config.cluster, replicas: max(decodeReplicas.count, 1),
                              seed: config.cluster.routerSeed ^ 0x9E37_79B9_7F4A_7C15)
        blocked = Array(repeating: false, count: n)
        trackers = Array(repeating: ReplicaLoadTracker(), count: n)
        versions = Array(repeating: 0, count: n)
        scheduledTime = Array(repeating: nil, count: n)
        visible = Array(repeating: ReplicaLoad(), count: n)
        prefixBlocks = Array(repeating: 0, count: n)
        hasher = BlockHasher(blockSize: config.scheduler.blockSize, hashBlockSize: config.scheduler.prefixHashBlockSize)
        for k in 0..<n where roles[k] == .prefill {
            trackers[k].handsOff = true
            _replicas[k]._scheduler.holdsFinishedKV = true
        }
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
        // At one time: arrivals, then handoffs, then replica actions.
        if let h = handoffs.min, arrival.map({ h.time < $0 }) ?? true, action.map({ h.time <= $0.time }) ?? true {
            _ = handoffs.removeMin()
            refresh(upTo: h.time)
            _now = max(_now, h.time)
            if let k = h.toReplica {
                var spec = h.spec
                spec.doRemotePrefill = true
                _replicas[k]._source.push(spec, at: h.time)
                reschedule(k)
                // The prefill replica's blocks are free once the decode side has read them.
                let p = h.fromReplica
                if _replicas[p].releaseTransferredKV(h.fromSlot, at: h.time) {
                    blocked[p] = false
                    reschedule(p)
                }
            } else {
                routeDecode(h, &sink)
            }
            return true
        }
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
            if !trackers[k].handedOff.isEmpty { queueHandoffs(from: k) }
            passOnCompletions(k)
            if _replicas[k].status == .failed {
                fail(into: &sink)
                return false
            }
            reschedule(k)
            return true
        }
        // Nothing more can happen (no arrival, handoff or replica action is left).
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
        var spec = source.next()
        let disaggregated = !decodeReplicas.isEmpty
        let k = choose(spec, among: entryReplicas, decode: false)
        _routedCount += 1
        if disaggregated {
            // vLLM's disaggregated proxy asks the prefill instance for one token.
            trackers[k].push(spec)
            spec.outputTokens = 1
        }
        place(spec, on: k, phase: disaggregated ? .prefill : .mixed, at: spec.arrivalTime, &sink)
        _replicas[k]._source.push(spec)
        reschedule(k)
    }

    /// Writes the decision that places `spec` (its `phase`, at `time`) on replica `k`, and
    /// counts it in `k`'s load unless `k` will refuse it.
    @inlinable
    mutating func place<Sink: ClusterEventSink>(_ spec: RequestSpec, on k: Int, phase: RoutePhase, at time: Double,
                                                 _ sink: inout Sink) {
        route.time = time
        route.id = spec.id
        route.replica = k
        route.phase = phase
        sink.route(route)
        if _replicas[k]._scheduler.rejection(promptTokens: spec.promptTokens, outputTokens: spec.outputTokens) == nil {
            trackers[k].outstanding += 1
            trackers[k].tokens += spec.promptTokens + spec.outputTokens
        }
    }

    /// The replica among `candidates` (fleet indices) that the router (or, for a decode phase,
    /// the decode router) picks for `spec`; `route.scores` holds the candidates' scores.
    @inlinable
    mutating func choose(_ spec: RequestSpec, among candidates: [Int], decode: Bool) -> Int {
        let all = candidates.count == _replicas.count
        let uses = decode ? decodeRouter.usesPrefix : router.usesPrefix
        if uses { countCachedPrefix(spec, on: candidates) }
        let promptBlocks = spec.promptTokens / config.scheduler.blockSize
        var loads: [ReplicaLoad]
        if config.cluster.routerRefreshInterval > 0 {
            loads = all ? visible : candidates.map { visible[$0] }
        } else {
            loads = []
            loads.reserveCapacity(candidates.count)
            for k in candidates { loads.append(load(k)) }
        }
        let i = decode
            ? decodeRouter.choose(spec, loads: loads, prefixBlocks: prefixBlocks, promptBlocks: promptBlocks, scores: &route.scores)
            : router.choose(spec, loads: loads, prefixBlocks: prefixBlocks, promptBlocks: promptBlocks, scores: &route.scores)
        return candidates[i]
    }

    /// The prefill output of `h` reached the router: route its decode phase and start moving
    /// its KV cache.
    @usableFromInline
    mutating func routeDecode<Sink: ClusterEventSink>(_ h: Handoff, _ sink: inout Sink) {
        let spec = h.spec
        let k = choose(spec, among: decodeReplicas, decode: true)
        place(spec, on: k, phase: .decode, at: h.time, &sink)
        // vLLM's decode side pulls the prompt's blocks it does not hold already.
        let blockSize = _replicas[k]._scheduler.kvCacheManager.blockSize
        // `choose` built the request's prefix chain when the decode router scores prefixes.
        if !decodeRouter.usesPrefix { buildPrefixChain(spec) }
        let localBlocks = cachedChainBlocks(on: k)
        let tokens = max(spec.promptTokens - localBlocks * blockSize, 0)
        let blocks = (tokens + blockSize - 1) / blockSize
        let bytes = Double(blocks * blockSize) * kvBytesPerTokenPerGPU[h.fromReplica]
        transfer.id = spec.id
        transfer.from = h.fromReplica
        transfer.to = k
        transfer.start = h.time
        transfer.end = h.time + config.cluster.kvTransferLatency + bytes / config.cluster.kvTransferBandwidth
        transfer.tokens = tokens
        transfer.bytes = bytes
        sink.kvTransfer(transfer)
        var next = h
        next.time = transfer.end
        next.toReplica = k
        next.serial = handoffSerial
        handoffSerial += 1
        handoffs.insert(next)
    }

    /// Queues the requests prefill replica `k` finished, for their decode phase.
    @usableFromInline
    mutating func queueHandoffs(from k: Int) {
        for (spec, time, slot) in trackers[k].handedOff {
            handoffs.insert(Handoff(time: max(time, _now), serial: handoffSerial, spec: spec, fromReplica: k,
                                    fromSlot: slot, toReplica: nil))
            handoffSerial += 1
        }
        trackers[k].handedOff.removeAll(keepingCapacity: true)
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

    /// The request's leading full blocks cached on each of `candidates` (vLLM's
    /// `get_computed_blocks` lookup, without touching the pool), into ``prefixBlocks``.
    @usableFromInline
    mutating func countCachedPrefix(_ spec: RequestSpec, on candidates: [Int]) {
        buildPrefixChain(spec)
        prefixBlocks.removeAll(keepingCapacity: true)
        for k in candidates { prefixBlocks.append(cachedChainBlocks(on: k)) }
    }

    /// Sets ``chain`` to the block hashes of the request's leading full blocks that a replica
    /// may hold: at most all but the block of its last prompt token, as vLLM looks them up.
    /// Computed once for all replicas: every pool has the fleet's block sizes (a validation
    /// rule).
    @usableFromInline
    mutating func buildPrefixChain(_ spec: RequestSpec) {
        chain.removeAll(keepingCapacity: true)
        guard spec.promptTokens > 0 else { return }
        let maxHit = (spec.promptTokens - 1) / config.scheduler.blockSize
        let shared = min(maxHit, hasher.sharedBlockCount(promptTokens: spec.promptTokens, prefixHashes: spec.prefixHashes))
        guard shared > 0 else { return }
        hasher.extend(&chain, to: shared, prefixHashes: spec.prefixHashes)
    }

    /// The leading blocks of ``chain`` cached on replica `k` (none when it does not cache
    /// prefixes).
    @usableFromInline
    func cachedChainBlocks(on k: Int) -> Int {
        let scheduler = _replicas[k]._scheduler
        guard scheduler.prefixCaching else { return 0 }
        var i = 0
        while i < chain.count, scheduler.kvCacheManager.blockPool.lookup(chain[i]) != nil { i += 1 }
        return i
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
            // A prefill replica's finish is not the request's: its decode phase follows.
            if c.finished && roles[k] == .prefill { continue }
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
    /// A prefill replica: the requests it finishes go on to a decode replica.
    @usableFromInline var handsOff = false
    /// Its requests pushed and not yet admitted or rejected, in order (the whole request, as
    /// the client sent it), then each slot's, and those it finished with when their output
    /// reached the router.
    var pushed = RingBuffer<RequestSpec>()
    @usableFromInline var slotSpecs: [RequestSpec?] = []
    @usableFromInline var handedOff: [(RequestSpec, Double, RequestSlot)] = []
    @usableFromInline var lastStepClientTime = 0.0
    @inlinable init() {}

    /// A request routed here for its prefill.
    @usableFromInline
    mutating func push(_ spec: RequestSpec) { pushed.append(spec) }

    /// The oldest pushed request not yet admitted or rejected.
    @usableFromInline
    mutating func popPushed() -> RequestSpec { pushed.popFirst()! }
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
            if tracker.handsOff {
                while tracker.slotSpecs.count <= s { tracker.slotSpecs.append(nil) }
                tracker.slotSpecs[s] = tracker.popPushed()
            }
        case .rejected:
            if tracker.handsOff { _ = tracker.popPushed() }
        case .timedOut(_, let slot):
            if tracker.handsOff { tracker.slotSpecs[Int(slot)] = nil }
        case .step(let r):
            if tracker.handsOff { tracker.lastStepClientTime = r.clientTime }
        case .finished(_, _, let slot, _):
            tracker.outstanding -= 1
            tracker.tokens -= tracker.slotTokens[Int(slot)]
            if tracker.handsOff, let spec = tracker.slotSpecs[Int(slot)] {
                tracker.slotSpecs[Int(slot)] = nil
                tracker.handedOff.append((spec, tracker.lastStepClientTime, slot))
            }
        default: break
        }
        base.pointee.consume(event, replica: replica)
    }
}
