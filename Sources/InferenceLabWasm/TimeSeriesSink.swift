import InferenceLabCore

/// Folds the event stream into fixed-width time buckets for plots: KV-cache use, running and
/// waiting requests, compute and bandwidth utilisation (time-weighted means over the bucket),
/// and prefill-token, output-token and finished-request rates.
///
/// The bucket width starts at `initialWidth` seconds and doubles (merging neighbours) whenever
/// the run outgrows `maxBuckets`, so memory stays bounded however long the run is. Idle time
/// counts as zero load. A step spanning several buckets spreads its time-weighted values over
/// them in proportion; its tokens count in the bucket where the step ends (when they appear).
///
/// It also keeps what the latency plots need beside ``MetricsReducer``'s samples: the time of
/// each `firstToken` and `finished` event (same order as the reducer's TTFT and E2E samples)
/// and each arrival's prompt and output lengths.
public struct TimeSeriesSink: EventSink {
    /// The most buckets in use at once.
    public var maxBuckets: Int { grid.capacity }
    /// The width of one bucket, in seconds.
    public var width: Double { grid.width }
    private var grid: DoublingBucketWidth
    private let computeFlops: Double
    private let memoryBandwidth: Double

    /// Per bucket: time-weighted sums (value × seconds) and counts.
    private var kvArea: [Double] = []
    private var runningArea: [Double] = []
    private var waitingArea: [Double] = []
    private var computeArea: [Double] = []
    private var bandwidthArea: [Double] = []
    private var prefillTokens: [Double] = []
    private var outputTokens: [Double] = []
    private var finished: [Double] = []
    /// End of the last step seen (the series' extent).
    public private(set) var end = 0.0

    /// Times (seconds) of `firstToken` and `finished` events, in event order (first tokens of
    /// requests that later timed out left out, as ``MetricsReducer`` leaves out their TTFT).
    public var firstTokenTimes: [Double] {
        guard !excludedFirstTokens.isEmpty else { return allFirstTokenTimes }
        var excluded = [Bool](repeating: false, count: allFirstTokenTimes.count)
        for i in excludedFirstTokens { excluded[i] = true }
        var kept: [Double] = []
        for i in allFirstTokenTimes.indices where !excluded[i] { kept.append(allFirstTokenTimes[i]) }
        return kept
    }
    private var allFirstTokenTimes: [Double] = []
    /// Per slot, the index of its request's first token in ``allFirstTokenTimes`` (-1: none).
    private var firstTokenIndex: [Int] = []
    private var excludedFirstTokens: [Int] = []
    public private(set) var finishTimes: [Double] = []
    /// Prompt and output lengths of every arrival, in arrival order.
    public private(set) var promptLengths: [Double] = []
    public private(set) var outputLengths: [Double] = []

    public init(config: SimulatorConfig, initialWidth: Double = 0.1, maxBuckets: Int = 400) {
        grid = DoublingBucketWidth(capacity: max(maxBuckets, 2), initialWidth: initialWidth)
        self.computeFlops = config.hardware.computeFlops
        self.memoryBandwidth = config.hardware.memoryBandwidth
    }

    public mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a):
            let s = Int(a.slot)
            while firstTokenIndex.count <= s { firstTokenIndex.append(-1) }
            firstTokenIndex[s] = -1
            promptLengths.append(Double(a.promptTokens))
            outputLengths.append(Double(a.outputTokens))
        case .step(let r):
            step(r)
        case .firstToken(let t, _, let slot):
            firstTokenIndex[Int(slot)] = allFirstTokenTimes.count
            allFirstTokenTimes.append(t)
        case .finished(let t, _, _, _):
            finishTimes.append(t)
            finished[bucket(containing: t)] += 1
        case .timedOut(_, let slot):
            if firstTokenIndex[Int(slot)] >= 0 { excludedFirstTokens.append(firstTokenIndex[Int(slot)]) }
        case .warmupEnded:
            // Never seen here: the browser build has no warmup (`warmup_trace` needs files).
            break
        case .rejected, .cacheHit, .preempted:
            break
        }
    }

    private mutating func step(_ r: StepRecord) {
        let start = r.time, stop = r.time + r.duration
        if stop > end { end = stop }
        let last = bucket(containing: stop)
        let kv = r.kvBlocksTotal > 0 ? Double(r.kvBlocksUsed) / Double(r.kvBlocksTotal) : 0
        let compute = r.duration > 0 ? min(1, r.flops / computeFlops / r.duration) : 0
        let bandwidth = r.duration > 0 ? min(1, r.bytes / memoryBandwidth / r.duration) : 0
        var b = bucket(containing: start)
        while b <= last {
            let lo = max(start, Double(b) * width), hi = min(stop, Double(b + 1) * width)
            if hi > lo {
                let dt = hi - lo
                kvArea[b] += kv * dt
                runningArea[b] += Double(r.running) * dt
                waitingArea[b] += Double(r.waiting) * dt
                computeArea[b] += compute * dt
                bandwidthArea[b] += bandwidth * dt
            }
            b += 1
        }
        prefillTokens[last] += Double(r.prefillTokens)
        outputTokens[last] += Double(r.batchSlots.count - r.noTokenSlots.count)
    }

    /// The index of the bucket holding time `t`, growing (and coarsening) the series as needed.
    private mutating func bucket(containing t: Double) -> Int {
        while grid.isPastLastBucket(t) { coarsen() }
        let i = grid.index(of: t)
        while kvArea.count <= i {
            kvArea.append(0); runningArea.append(0); waitingArea.append(0); computeArea.append(0)
            bandwidthArea.append(0); prefillTokens.append(0); outputTokens.append(0); finished.append(0)
        }
        return i
    }

    /// Merges bucket pairs and doubles the width.
    private mutating func coarsen() {
        func merge(_ a: inout [Double]) {
            var out: [Double] = []
            out.reserveCapacity(a.count / 2 + 1)
            var i = 0
            while i < a.count {
                out.append(a[i] + (i + 1 < a.count ? a[i + 1] : 0))
                i += 2
            }
            a = out
        }
        merge(&kvArea); merge(&runningArea); merge(&waitingArea); merge(&computeArea)
        merge(&bandwidthArea); merge(&prefillTokens); merge(&outputTokens); merge(&finished)
        grid.doubleWidth()
    }

    /// The series' columns, in ``columnNames`` order.
    public static let columnNames = [
        "time", "kv_cache_util", "running", "waiting", "compute_util", "bandwidth_util",
        "prefill_tokens_per_sec", "output_tokens_per_sec", "finished_per_sec",
    ]

    /// One bucket per row: its start time, then the means and rates over the part of the bucket
    /// the run covered (the last bucket is usually partial).
    public func columns() -> [[Double]] {
        let n = kvArea.count
        var cols = [[Double]](repeating: [], count: TimeSeriesSink.columnNames.count)
        for c in 0..<cols.count { cols[c].reserveCapacity(n) }
        for b in 0..<n {
            let t0 = Double(b) * width
            let span = max(min(width, end - t0), 1e-12)
            cols[0].append(t0)
            cols[1].append(kvArea[b] / span)
            cols[2].append(runningArea[b] / span)
            cols[3].append(waitingArea[b] / span)
            cols[4].append(computeArea[b] / span)
            cols[5].append(bandwidthArea[b] / span)
            cols[6].append(prefillTokens[b] / span)
            cols[7].append(outputTokens[b] / span)
            cols[8].append(finished[b] / span)
        }
        return cols
    }
}
