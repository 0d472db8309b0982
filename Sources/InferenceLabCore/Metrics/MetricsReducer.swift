/// Folds the event stream into a ``Summary``.
///
/// The simulator feeds it directly; the analyzer feeds it the events read back from a log, so
/// both print the same numbers. Memory: per-request state lives in arrays indexed by slot
/// (bounded by the number of live requests); only the latency samples grow with the run, and
/// pooled inter-token gaps are stored one run per step.
public struct MetricsReducer: EventSink {
    public let computeFlops: Double
    public let memoryBandwidth: Double

    private var arrival: [Double] = []
    private var promptTokens: [Int] = []
    private var firstScheduled: [Double] = []
    private var firstToken: [Double] = []
    private var lastToken: [Double] = []
    private var outputs: [Int] = []
    private var cached: [Int] = []
    private var tokenMark: [Int] = []

    private var ttft: [Double] = []
    private var tpot: [Double] = []
    private var e2e: [Double] = []
    private var queue: [Double] = []
    private var itl = WeightedSamples()

    private var firstArrival = Double.infinity
    private var lastFinish = -Double.infinity
    private var lastStepEnd = -Double.infinity
    private var computeBusy = 0.0
    private var bandwidthBusy = 0.0
    private var kvArea = 0.0
    private var kvFraction = 0.0
    private var kvPeak = 0.0
    private var totals = Summary()
    private var hitPromptTokens = 0

    /// - Parameters: the hardware peaks that turn a step's FLOPs and bytes into utilisation.
    public init(computeFlops: Double, memoryBandwidth: Double) {
        self.computeFlops = computeFlops
        self.memoryBandwidth = memoryBandwidth
    }

    public init(config: SimulatorConfig) {
        self.init(computeFlops: config.hardware.computeFlops, memoryBandwidth: config.hardware.memoryBandwidth)
    }

    private mutating func ensure(_ slot: Int) {
        while arrival.count <= slot {
            arrival.append(0); promptTokens.append(0); firstScheduled.append(.nan)
            firstToken.append(.nan); lastToken.append(.nan); outputs.append(0); cached.append(0)
            tokenMark.append(0)
        }
    }

    public mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a):
            let s = Int(a.slot)
            ensure(s)
            arrival[s] = a.time
            promptTokens[s] = a.promptTokens
            firstScheduled[s] = .nan
            firstToken[s] = .nan
            lastToken[s] = .nan
            outputs[s] = 0
            cached[s] = 0
            totals.arrived += 1
            if a.time < firstArrival { firstArrival = a.time }
        case .rejected(let t, _, _, _):
            totals.arrived += 1
            totals.rejected += 1
            if t < firstArrival { firstArrival = t }
        case .cacheHit(_, _, let slot, let tokens, let resumed):
            if resumed { totals.resumeHitTokens += tokens } else { cached[Int(slot)] += tokens }
        case .step(let r):
            step(r)
        case .firstToken(let t, _, let slot):
            let s = Int(slot)
            firstToken[s] = t
            ttft.append(t - arrival[s])
        case .preempted:
            totals.preemptions += 1
        case .finished(let t, _, let slot, _):
            let s = Int(slot)
            e2e.append(t - arrival[s])
            if outputs[s] > 1 { tpot.append((t - firstToken[s]) / Double(outputs[s] - 1)) }
            if !firstScheduled[s].isNaN { queue.append(firstScheduled[s] - arrival[s]) }
            totals.completed += 1
            totals.totalInputTokens += promptTokens[s]
            totals.totalOutputTokens += outputs[s]
            totals.prefixCacheHitTokens += cached[s]
            hitPromptTokens += promptTokens[s]
            if t > lastFinish { lastFinish = t }
        }
    }

    private mutating func step(_ r: StepRecord) {
        let end = r.time + r.duration
        totals.steps += 1
        // Idle gap since the previous step: no compute, KV at its last occupancy.
        if lastStepEnd.isFinite && r.time > lastStepEnd { kvArea += kvFraction * (r.time - lastStepEnd) }
        else if !lastStepEnd.isFinite && firstArrival.isFinite && r.time > firstArrival {
            kvArea += 0
        }
        if r.duration > 0 {
            computeBusy += min(r.duration, r.flops / computeFlops)
            bandwidthBusy += min(r.duration, r.bytes / memoryBandwidth)
        }
        kvFraction = r.kvBlocksTotal > 0 ? Double(r.kvBlocksUsed) / Double(r.kvBlocksTotal) : 0
        kvArea += kvFraction * r.duration
        if kvFraction > kvPeak { kvPeak = kvFraction }
        lastStepEnd = end

        let stamp = r.step
        for slot in r.noTokenSlots { if Int(slot) < tokenMark.count { tokenMark[Int(slot)] = stamp } }
        var runValue = 0.0, runWeight = 0
        for slot in r.batchSlots {
            let s = Int(slot)
            if firstScheduled[s].isNaN { firstScheduled[s] = r.time }
            if tokenMark[s] == stamp { continue }
            outputs[s] += 1
            let previous = lastToken[s]
            lastToken[s] = end
            guard !previous.isNaN else { continue }
            let gap = end - previous
            if runWeight > 0 && gap == runValue { runWeight += 1 } else {
                if runWeight > 0 { itl.append(runValue, weight: runWeight) }
                runValue = gap; runWeight = 1
            }
        }
        if runWeight > 0 { itl.append(runValue, weight: runWeight) }
    }

    /// TTFT samples so far, in seconds, one per `firstToken` event in event order.
    public var ttftSamples: [Double] { ttft }
    /// TPOT samples so far, in seconds, one per `finished` event of a request with more than
    /// one output token, in event order.
    public var tpotSamples: [Double] { tpot }
    /// End-to-end latency samples so far, in seconds, one per `finished` event in event order.
    public var e2eSamples: [Double] { e2e }

    /// The summary of everything consumed so far.
    public func summary() -> Summary {
        var s = totals
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
            let span = lastStepEnd - firstArrival
            s.computeUtilization = computeBusy / span
            s.bandwidthUtilization = bandwidthBusy / span
            s.kvCacheUtilization = kvArea / span
        }
        s.peakKVCacheUtilization = kvPeak
        s.prefixCacheHitRate = hitPromptTokens > 0 ? Double(s.prefixCacheHitTokens) / Double(hitPromptTokens) : 0
        return s
    }
}
