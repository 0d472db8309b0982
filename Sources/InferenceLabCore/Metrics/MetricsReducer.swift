/// Folds the event stream into a ``Summary``.
///
/// The simulator feeds it directly; the analyzer feeds it the events read back from a log, so
/// both print the same numbers. Memory: per-request state lives in arrays indexed by slot
/// (bounded by the number of live requests); only the latency samples grow with the run, and
/// pooled inter-token gaps are stored one run per step.
///
/// Latencies are measured as a benchmark client measures them: from the client's send time
/// (``ArrivalEvent/clientTime``) to when the client sees the tokens (``StepRecord/clientTime``).
/// Without an `[engine]` model both are the engine-side times.
public struct MetricsReducer: EventSink {
    public let computeFlops: Double
    public let memoryBandwidth: Double

    /// Per-request state, indexed by slot: one 64-byte row, so a step touches one cache line
    /// per batch entry (``RowTable``).
    private struct SlotState: BitwiseCopyable {
        var arrival = 0.0
        var firstScheduled = Double.nan
        var firstToken = Double.nan
        var lastToken = Double.nan
        var tokenMark = 0
        var promptTokens: Int32 = 0
        var outputs: Int32 = 0
        var cached: Int32 = 0
        /// Index of the request's TTFT sample in ``ttft`` (to leave it out if it times out).
        var ttftIndex: Int32 = 0
        /// When the request reached the scheduler (the queueing time starts here). Also pads
        /// the row to 64 bytes: with ``RowTable``'s aligned buffer, each row is one cache line.
        var engineArrival = 0.0
    }
    private var slots = RowTable<SlotState>()

    private var ttft: [Double] = []
    private var tpot: [Double] = []
    private var e2e: [Double] = []
    private var queue: [Double] = []
    private var itl = WeightedSamples()
    /// Indices in ``ttft`` of the samples of requests that later timed out, to leave out;
    /// empty, and so free, in runs without timeouts.
    private var excludedTTFT: [Int] = []

    private var firstArrival = Double.infinity
    private var lastFinish = -Double.infinity
    private var lastStepEnd = -Double.infinity
    private var computeBusy = 0.0
    /// Sum of step durations.
    private var busy = 0.0
    private var bandwidthBusy = 0.0
    private var kvArea = 0.0
    private var kvFraction = 0.0
    private var kvPeak = 0.0
    private var totals = Summary()
    private var hitPromptTokens = 0
    /// The latest step record's number and client time: its `firstToken` and `finished`
    /// events follow it.
    private var lastStep = 0
    private var lastStepClientTime = 0.0

    /// - Parameters: the hardware peaks that turn a step's FLOPs and bytes into utilisation.
    public init(computeFlops: Double, memoryBandwidth: Double) {
        self.computeFlops = computeFlops
        self.memoryBandwidth = memoryBandwidth
    }

    public init(config: SimulatorConfig) {
        self.init(computeFlops: config.hardware.computeFlops, memoryBandwidth: config.hardware.memoryBandwidth)
    }

    private mutating func ensure(_ slot: Int) {
        while slots.count <= slot { slots.append(SlotState()) }
    }

    public mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a):
            let s = Int(a.slot)
            ensure(s)
            let rows = slots.mutableRows()
            rows[s] = SlotState(arrival: a.clientTime, tokenMark: rows[s].tokenMark,
                                promptTokens: Int32(truncatingIfNeeded: a.promptTokens), engineArrival: a.time)
            totals.arrived += 1
            if a.clientTime < firstArrival { firstArrival = a.clientTime }
        case .rejected(let t, _, _, _):
            totals.arrived += 1
            totals.rejected += 1
            if t < firstArrival { firstArrival = t }
        case .cacheHit(_, _, let slot, let tokens, let resumed):
            if resumed { totals.resumeHitTokens += tokens } else { slots.mutableRows()[Int(slot)].cached &+= Int32(truncatingIfNeeded: tokens) }
        case .step(let r):
            step(r)
        case .firstToken(let engineTime, let step, let slot):
            let t = step == lastStep ? lastStepClientTime : engineTime
            let s = Int(slot)
            let rows = slots.mutableRows()
            rows[s].firstToken = t
            rows[s].ttftIndex = Int32(truncatingIfNeeded: ttft.count)
            ttft.append(t - rows[s].arrival)
        case .preempted:
            totals.preemptions += 1
        case .timedOut(_, let slot):
            // A failed request, as a benchmark client counts it: in no latency sample.
            let r = slots[Int(slot)]
            if !r.firstToken.isNaN { excludedTTFT.append(Int(r.ttftIndex)) }
            totals.timedOut += 1
        case .warmupEnded:
            // The measured window starts: forget the warmup (nothing of it is still running).
            self = MetricsReducer(computeFlops: computeFlops, memoryBandwidth: memoryBandwidth)
        case .finished(let engineTime, let step, let slot, _):
            let t = step == lastStep ? lastStepClientTime : engineTime
            let r = slots[Int(slot)]
            let outputs = Int(r.outputs)
            e2e.append(t - r.arrival)
            if outputs > 1 { tpot.append((t - r.firstToken) / Double(outputs - 1)) }
            if !r.firstScheduled.isNaN { queue.append(r.firstScheduled - r.engineArrival) }
            totals.completed += 1
            totals.totalInputTokens += Int(r.promptTokens)
            totals.totalOutputTokens += outputs
            totals.prefixCacheHitTokens += Int(r.cached)
            hitPromptTokens += Int(r.promptTokens)
            if t > lastFinish { lastFinish = t }
        }
    }

    private mutating func step(_ r: StepRecord) {
        let end = r.time + r.duration
        totals.steps += 1
        busy += r.duration
        // Idle gap since the previous step: no compute, KV at its last occupancy.
        if lastStepEnd.isFinite && r.time > lastStepEnd { kvArea += kvFraction * (r.time - lastStepEnd) }
        if r.duration > 0 {
            computeBusy += min(r.duration, r.flops / computeFlops)
            bandwidthBusy += min(r.duration, r.bytes / memoryBandwidth)
        }
        kvFraction = r.kvBlocksTotal > 0 ? Double(r.kvBlocksUsed) / Double(r.kvBlocksTotal) : 0
        kvArea += kvFraction * r.duration
        if kvFraction > kvPeak { kvPeak = kvFraction }
        lastStepEnd = end
        lastStep = r.step
        lastStepClientTime = r.clientTime
        // Inter-token gaps as the client sees them.
        let seen = r.clientTime

        let stamp = r.step
        let rows = slots.mutableRows()
        for slot in r.noTokenSlots where Int(slot) < rows.count { rows[Int(slot)].tokenMark = stamp }
        // One pass over the batch: each entry's first scheduling, its output token and the gap
        // since its previous one, pooled in runs of equal gaps.
        let start = r.time
        var runValue = 0.0, runWeight = 0
        for slot in r.batchSlots {
            let s = Int(slot)
            precondition(s < rows.count, "batch slot without an arrival")
            var row = rows[s]
            if row.firstScheduled.isNaN { row.firstScheduled = start }
            let previousToken = row.lastToken
            let producedToken = row.tokenMark != stamp
            if producedToken {
                row.outputs &+= 1
                row.lastToken = seen
            }
            rows[s] = row
            guard producedToken && !previousToken.isNaN else { continue }
            let gap = seen - previousToken
            if runWeight > 0 && gap == runValue { runWeight &+= 1 } else {
                if runWeight > 0 { itl.append(runValue, weight: runWeight) }
                runValue = gap; runWeight = 1
            }
        }
        if runWeight > 0 { itl.append(runValue, weight: runWeight) }
    }

    /// TTFT samples so far, in seconds, one per `firstToken` event in event order, less those
    /// of requests that timed out.
    public var ttftSamples: [Double] { measuredTTFT() }

    /// ``ttft`` without the samples of timed-out requests (``ttft`` itself when none did).
    private func measuredTTFT() -> [Double] {
        guard !excludedTTFT.isEmpty else { return ttft }
        var excluded = [Bool](repeating: false, count: ttft.count)
        for i in excludedTTFT { excluded[i] = true }
        var kept: [Double] = []
        kept.reserveCapacity(ttft.count - excludedTTFT.count)
        for i in ttft.indices where !excluded[i] { kept.append(ttft[i]) }
        return kept
    }
    /// TPOT samples so far, in seconds, one per `finished` event of a request with more than
    /// one output token, in event order.
    public var tpotSamples: [Double] { tpot }
    /// End-to-end latency samples so far, in seconds, one per `finished` event in event order.
    public var e2eSamples: [Double] { e2e }

    /// The summary of everything consumed so far.
    public func summary() -> Summary {
        var s = totals
        Self.complete(&s, ttft: measuredTTFT(), tpot: tpot, e2e: e2e, queue: queue, itl: itl,
                      firstArrival: firstArrival, lastFinish: lastFinish, lastStepEnd: lastStepEnd,
                      computeBusy: computeBusy, bandwidthBusy: bandwidthBusy, kvArea: kvArea, kvPeak: kvPeak,
                      hitPromptTokens: hitPromptTokens, nodes: 1)
        return s
    }

    /// Fills `s`'s latency statistics, throughputs and utilisations from the samples and
    /// spans of `nodes` nodes (utilisations are averaged over the nodes).
    private static func complete(_ s: inout Summary, ttft: [Double], tpot: [Double], e2e: [Double], queue: [Double],
                                 itl: WeightedSamples, firstArrival: Double, lastFinish: Double, lastStepEnd: Double,
                                 computeBusy: Double, bandwidthBusy: Double, kvArea: Double, kvPeak: Double,
                                 hitPromptTokens: Int, nodes: Int) {
        s.ttft = Percentile.stats(ttft).scaled(by: 1000)
        s.tpot = Percentile.stats(tpot).scaled(by: 1000)
        s.e2e = Percentile.stats(e2e).scaled(by: 1000)
        s.queue = Percentile.stats(queue).scaled(by: 1000)
        s.itl = itl.stats().scaled(by: 1000)
        if firstArrival.isFinite && lastFinish.isFinite && lastFinish > firstArrival {
            let d = lastFinish - firstArrival
            s.duration = d
            s.requestThroughput = Double(s.completed) / d
            s.inputThroughput = Double(s.totalInputTokens) / d
            s.outputThroughput = Double(s.totalOutputTokens) / d
            s.totalTokenThroughput = Double(s.totalInputTokens + s.totalOutputTokens) / d
        }
        if firstArrival.isFinite && lastStepEnd.isFinite && lastStepEnd > firstArrival {
            let span = (lastStepEnd - firstArrival) * Double(nodes)
            s.computeUtilization = computeBusy / span
            s.bandwidthUtilization = bandwidthBusy / span
            s.kvCacheUtilization = kvArea / span
        }
        s.peakKVCacheUtilization = kvPeak
        s.prefixCacheHitRate = hitPromptTokens > 0 ? Double(s.prefixCacheHitTokens) / Double(hitPromptTokens) : 0
    }
}

extension MetricsReducer {
    /// The summary of a fleet whose replicas' events were reduced by `parts` (one reducer per
    /// replica, same hardware): counts and tokens add up; latency percentiles are over every
    /// replica's samples; throughputs and utilisations span the fleet's first arrival to its
    /// last finish (last step end), utilisations averaged over the replicas; the peak KV use
    /// is the highest replica's. One part gives exactly its own summary.
    ///
    /// With disaggregated pools (`roles`), a request is counted once: it arrives (and queues)
    /// at its prefill replica and completes at its decode replica, whose latencies are measured
    /// from the client's arrival; the prefill replicas' one-token completions are not the
    /// client's. Steps, busy time, KV use and prefix hits are every replica's.
    public static func fleetSummary(_ parts: [MetricsReducer], roles: [ReplicaRole] = []) -> Summary {
        if parts.count == 1 { return parts[0].summary() }
        var s = Summary()
        guard !parts.isEmpty else { return s }
        var ttft: [Double] = [], tpot: [Double] = [], e2e: [Double] = [], queue: [Double] = []
        var itl = WeightedSamples()
        var firstArrival = Double.infinity, lastFinish = -Double.infinity, lastStepEnd = -Double.infinity
        var computeBusy = 0.0, bandwidthBusy = 0.0, kvArea = 0.0, kvPeak = 0.0, hitPromptTokens = 0
        for (k, p) in parts.enumerated() {
            let role = k < roles.count ? roles[k] : .mixed
            let t = p.totals
            if role != .prefill {
                ttft += p.measuredTTFT(); tpot += p.tpot; e2e += p.e2e
                for i in 0..<p.itl.values.count { itl.append(p.itl.values[i], weight: p.itl.weights[i]) }
                s.completed += t.completed
                s.totalInputTokens += t.totalInputTokens; s.totalOutputTokens += t.totalOutputTokens
                lastFinish = max(lastFinish, p.lastFinish)
            }
            if role != .decode {
                queue += p.queue
                s.arrived += t.arrived
            }
            firstArrival = min(firstArrival, p.firstArrival)
            lastStepEnd = max(lastStepEnd, p.lastStepEnd)
            computeBusy += p.computeBusy
            bandwidthBusy += p.bandwidthBusy
            kvArea += p.kvArea
            kvPeak = max(kvPeak, p.kvPeak)
            hitPromptTokens += p.hitPromptTokens
            s.rejected += t.rejected; s.timedOut += t.timedOut
            s.steps += t.steps; s.preemptions += t.preemptions
            s.prefixCacheHitTokens += t.prefixCacheHitTokens; s.resumeHitTokens += t.resumeHitTokens
        }
        complete(&s, ttft: ttft, tpot: tpot, e2e: e2e, queue: queue, itl: itl,
                 firstArrival: firstArrival, lastFinish: lastFinish, lastStepEnd: lastStepEnd,
                 computeBusy: computeBusy, bandwidthBusy: bandwidthBusy, kvArea: kvArea, kvPeak: kvPeak,
                 hitPromptTokens: hitPromptTokens, nodes: parts.count)
        return s
    }

    /// Seconds some step of this node was running (steps of one node never overlap).
    public var busySeconds: Double { busy }
}
