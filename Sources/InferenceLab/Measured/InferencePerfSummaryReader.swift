/// Reads inference-perf's aggregate lifecycle reports (`summary_lifecycle_metrics.json`,
/// `stage_N_lifecycle_metrics.json`): outcomes only, no requests, so such a run can be compared
/// against but not replayed.
///
/// `successes.latency.{time_to_first_token, inter_token_latency, time_per_output_token,
/// request_latency}` give mean, median, p90 and p99 in seconds; `successes.throughput`
/// `requests_per_sec` and `output_tokens_per_sec`; `successes.count` and the mean
/// `successes.output_len` the decode ITL and the duration (count / requests per second).
enum InferencePerfSummaryReader {
    static func read(_ document: JSONDocument, root: JSONNode) throws(InputError) -> MeasuredRun {
        let check = JSONFieldChecks(document: document)
        let successes = try check.required(root, "successes")
        var o = Outcomes()
        let latency = successes.member("latency")
        let stems: [(String, OutcomeMetric, OutcomeMetric?, OutcomeMetric?, OutcomeMetric?)] = [
            ("time_to_first_token", .meanTTFT, .p50TTFT, .p90TTFT, .p99TTFT),
            ("inter_token_latency", .meanITL, .p50ITL, nil, .p99ITL),
            ("time_per_output_token", .meanTPOT, .p50TPOT, nil, .p99TPOT),
            ("request_latency", .meanE2E, .p50E2E, .p90E2E, .p99E2E),
        ]
        for (key, mean, p50, p90, p99) in stems {
            guard let stats = latency?.member(key) else { continue }
            let field = "successes.latency.\(key)"
            for (name, metric) in [("mean", mean), ("median", p50), ("p90", p90), ("p99", p99)] {
                guard let metric, let node = stats.member(name) else { continue }
                o[metric] = try check.number(node, "\(field).\(name)") * 1000
            }
        }
        let throughput = successes.member("throughput")
        if let r = throughput?.member("requests_per_sec") {
            o[.requestThroughput] = try check.number(r, "successes.throughput.requests_per_sec")
        }
        if let t = throughput?.member("output_tokens_per_sec") {
            o[.outputThroughput] = try check.number(t, "successes.throughput.output_tokens_per_sec")
        }
        if let c = successes.member("count"), let rate = o[.requestThroughput], rate > 0 {
            o[.duration] = Double(try check.count(c, "successes.count")) / rate
        }
        if let out = successes.member("output_len")?.member("mean"), let e = o[.meanE2E], let t = o[.meanTTFT] {
            o[.decodeITL] = Outcomes.decodeITL(meanE2E: e, meanTTFT: t, meanOutput: try check.number(out, "successes.output_len.mean"))
        }
        guard !o.values.isEmpty else { throw check.error(successes, "successes", "no latency or throughput statistics") }
        return MeasuredRun(source: MeasuredFormat.inferencePerf.rawValue, file: document.file, requests: [], published: o)
    }
}
