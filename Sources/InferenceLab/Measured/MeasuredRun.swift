/// A real benchmark run: what was sent (lengths and send times, the trace to replay) and what
/// the client measured (per request and, where the source publishes them, aggregates).
///
/// Read from `vllm bench serve` results, inference-perf lifecycle files or the
/// measured-outcomes file by ``MeasuredRunReader``; written by ``MeasuredRunFile``.
public struct MeasuredRun: Sendable, Equatable {
    /// Where the measurement came from: `vllm-bench`, `inference-perf` or (for a file written
    /// by this tool with no source recorded) `measured`.
    public var source: String
    /// The file the run was read from, as the user named it.
    public var file: String
    /// Every request the client sent, in the source's order (failed ones included).
    public var requests: [MeasuredRequest]
    /// The source's own run length (`vllm bench serve`'s `duration`), seconds.
    public var reportedDuration: Double?
    /// The client's configured request rate (nil: unlimited, vLLM's `inf`).
    public var requestRate: Double?
    /// `vllm bench serve --burstiness` (gamma shape of the gaps; 1 = Poisson).
    public var burstiness: Double?
    /// `vllm bench serve --max-concurrency`.
    public var maxConcurrency: Int?
    /// Aggregates as the source published them, for metrics the requests cannot give (a result
    /// saved without `--save-detailed`).
    public var published: Outcomes
    /// How the send times were obtained when the source has none (`"redrawn: ..."`), or nil.
    public var arrivalNote: String?

    public init(source: String, file: String, requests: [MeasuredRequest], reportedDuration: Double? = nil,
                requestRate: Double? = nil, burstiness: Double? = nil, maxConcurrency: Int? = nil,
                published: Outcomes = Outcomes(), arrivalNote: String? = nil) {
        self.source = source
        self.file = file
        self.requests = requests
        self.reportedDuration = reportedDuration
        self.requestRate = requestRate
        self.burstiness = burstiness
        self.maxConcurrency = maxConcurrency
        self.published = published
        self.arrivalNote = arrivalNote
    }

    /// Whether every request has a send time (the run can be replayed).
    public var hasStartTimes: Bool { !requests.isEmpty && requests.allSatisfy { $0.startTime != nil } }

    /// Whether the requests carry latencies (a detailed result), not only lengths.
    public var hasRequestTimings: Bool { requests.contains { $0.succeeded && $0.e2e != nil } }

    /// Completed (successful) requests.
    public var completed: Int { requests.reduce(0) { $0 + ($1.succeeded ? 1 : 0) } }

    /// The client-observed outcomes: computed from the requests when they carry timings (the
    /// summary's definitions: exact percentiles, pooled ITL gaps, TPOT per request with more
    /// than one output token), else the published aggregates. Duration: last finish − first
    /// send when every request has a send time, else the source's `duration`.
    public func outcomes() -> Outcomes {
        guard hasRequestTimings else { return published }
        var ttft: [Double] = [], e2e: [Double] = [], tpot: [Double] = [], itl: [Double] = []
        var outputTokens = 0, completed = 0
        for r in requests where r.succeeded {
            completed += 1
            outputTokens += r.outputTokens
            if let t = r.ttft { ttft.append(t) }
            if let e = r.e2e { e2e.append(e) }
            if let t = r.ttft, let e = r.e2e, r.outputTokens > 1 { tpot.append((e - t) / Double(r.outputTokens - 1)) }
            itl.append(contentsOf: r.itls)
        }
        var o = Outcomes()
        if !ttft.isEmpty {
            let s = Percentile.stats(ttft).scaled(by: 1000)
            o[.meanTTFT] = s.mean; o[.p50TTFT] = s.p50; o[.p90TTFT] = s.p90; o[.p99TTFT] = s.p99
        }
        if !itl.isEmpty {
            let s = Percentile.stats(itl).scaled(by: 1000)
            o[.meanITL] = s.mean; o[.p50ITL] = s.p50; o[.p99ITL] = s.p99
        }
        if !tpot.isEmpty {
            let s = Percentile.stats(tpot).scaled(by: 1000)
            o[.meanTPOT] = s.mean; o[.p50TPOT] = s.p50; o[.p99TPOT] = s.p99
        }
        if !e2e.isEmpty {
            let s = Percentile.stats(e2e).scaled(by: 1000)
            o[.meanE2E] = s.mean; o[.p50E2E] = s.p50; o[.p90E2E] = s.p90; o[.p99E2E] = s.p99
        }
        if let t = o[.meanTTFT], let e = o[.meanE2E], completed > 0 {
            o[.decodeITL] = Outcomes.decodeITL(meanE2E: e, meanTTFT: t, meanOutput: Double(outputTokens) / Double(completed))
        }
        var duration = reportedDuration
        if hasStartTimes {
            let first = requests.lazy.compactMap(\.startTime).min() ?? 0
            let last = requests.lazy.filter(\.succeeded).compactMap { r in r.e2e.map { r.startTime! + $0 } }.max()
            duration = last.map { $0 - first }
        }
        if let d = duration, d > 0 {
            o[.duration] = d
            o[.requestThroughput] = Double(completed) / d
            o[.outputThroughput] = Double(outputTokens) / d
        }
        return o
    }

    /// The first `n` requests in send order (ties: file order), with the published aggregates
    /// dropped (they describe the whole run) — for `--max-requests`.
    public func prefix(_ n: Int) -> MeasuredRun {
        guard n < requests.count else { return self }
        var copy = self
        let order = requests.indices.sorted { a, b in
            let ta = requests[a].startTime ?? 0, tb = requests[b].startTime ?? 0
            return ta != tb ? ta < tb : a < b
        }
        copy.requests = order.prefix(n).sorted().map { requests[$0] }
        copy.published = Outcomes()
        copy.reportedDuration = nil
        return copy
    }

    /// The requests to replay: the successful ones, in send order, arriving at their send
    /// times (seconds after the first send of the run, rounded to 1e-7 s as the trace
    /// converters write them). Failed requests are left out (they
    /// count in no measured metric either).
    /// - Precondition: ``hasStartTimes``.
    public func traceRequests() -> [RequestSpec] {
        let first = requests.lazy.compactMap(\.startTime).min() ?? 0
        let kept = requests.indices.filter { requests[$0].succeeded && requests[$0].inputTokens > 0 && requests[$0].outputTokens > 0 }
        let order = kept.sorted { a, b in
            let ta = requests[a].startTime ?? 0, tb = requests[b].startTime ?? 0
            return ta != tb ? ta < tb : a < b
        }
        return order.map { i in
            let r = requests[i]
            return RequestSpec(id: r.id, arrivalTime: TraceWriter.roundedArrival(max(0, (r.startTime ?? first) - first)),
                               promptTokens: r.inputTokens, outputTokens: r.outputTokens)
        }
    }

    /// Gives every request a send time when the source has none: all at 0 for an unlimited
    /// request rate without a concurrency limit (what `vllm bench serve` does), else drawn
    /// from the recorded rate and burstiness (gamma gaps of shape `burstiness`, as
    /// `vllm bench serve` draws them) with the simulator's seeded generator — the same process,
    /// not the same instants.
    /// - Returns: false, changing nothing, when neither applies (no rate, or a concurrency limit).
    public mutating func rebuildArrivals(seed: UInt64) -> Bool {
        guard !hasStartTimes, !requests.isEmpty else { return hasStartTimes }
        guard maxConcurrency == nil else { return false }
        guard let rate = requestRate else {
            for i in requests.indices { requests[i].startTime = 0 }
            arrivalNote = "request_rate inf: every request sent at t = 0"
            return true
        }
        guard rate > 0 && rate.isFinite else { return false }
        let b = burstiness ?? 1
        guard b > 0 && b.isFinite else { return false }
        var w = SimulatorConfig.default.workload
        w.arrivalPattern = b == 1 ? .poisson : .gamma
        w.arrivalRate = rate
        w.cv = 1 / b.squareRoot()
        w.numRequests = requests.count
        w.seed = seed
        var source = SyntheticSource(w)
        var first: Double?
        for i in requests.indices {
            guard let t = source.peekArrivalTime() else { return false }
            _ = source.next()
            if first == nil { first = t }
            requests[i].startTime = t - first!
        }
        arrivalNote = "redrawn: \(b == 1 ? "Poisson" : "gamma (burstiness \(b))") arrivals at \(rate) req/s, seed \(seed); not the measured instants"
        return true
    }
}
