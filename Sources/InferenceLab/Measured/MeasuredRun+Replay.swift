extension MeasuredRun {
    /// Makes the run replayable or says why not: it must have per-request lengths, and send
    /// times — measured, or (for a vLLM result without `start_times`) all at 0 for an unlimited
    /// rate without a concurrency limit, or redrawn from the recorded rate and burstiness when
    /// `redraw` is set (``rebuildArrivals(seed:)``).
    /// - Throws: ``InputError`` naming the file and what is missing.
    public mutating func prepareForReplay(redraw: Bool, seed: UInt64) throws(InputError) {
        guard !requests.isEmpty else {
            let hint = source == MeasuredFormat.vllmBench.rawValue
                ? "save the result with --save-result --save-detailed"
                : "use inference-perf's per_request_lifecycle_metrics.json (report.request_lifecycle.per_request: true)"
            throw InputError(file: file, "no per-request results to replay (aggregates only): \(hint)")
        }
        guard !traceRequests().isEmpty else { throw InputError(file: file, "no successful request to replay") }
        if hasStartTimes { return }
        if requestRate == nil && maxConcurrency == nil {
            _ = rebuildArrivals(seed: seed)
            return
        }
        if let c = maxConcurrency {
            throw InputError(file: file, field: "start_times",
                             "missing, and the client limited concurrency to \(c): the send times cannot be rebuilt (use a vLLM whose result has start_times)")
        }
        guard redraw else {
            throw InputError(file: file, field: "start_times",
                             "missing (vLLM before start_times were saved): pass --redraw-arrivals to draw send times from request_rate and burstiness (the same process, not the measured instants)")
        }
        guard rebuildArrivals(seed: seed) else {
            throw InputError(file: file, field: "request_rate", "cannot redraw arrivals from request_rate \(requestRate.map { "\($0)" } ?? "inf") and burstiness \(burstiness ?? 1)")
        }
    }
}
