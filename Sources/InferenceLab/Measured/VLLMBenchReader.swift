/// Reads the result JSON of `vllm bench serve --save-result` (vLLM's
/// `vllm/benchmarks/serve.py`; `benchmarks/benchmark_serving.py` before the `vllm bench` CLI).
///
/// One JSON object. The per-request arrays are written only with `--save-detailed`:
/// `input_lens`, `output_lens`, `ttfts` (seconds; 0 for a failed request), `itls` (a list of
/// gaps per request, seconds), `errors` (`""` on success), and in newer versions `start_times`
/// (`time.perf_counter()` at send), `latencies` (E2E, seconds). Without `latencies` a request's
/// E2E is its TTFT plus the sum of its ITLs. `generated_texts` is skipped. The aggregates
/// (`duration`, `completed`, `request_rate` — a number or `"inf"` —, `burstiness`,
/// `max_concurrency`, `mean_ttft_ms`, `median_ttft_ms`, `p99_ttft_ms`, ... `request_throughput`,
/// `output_throughput`, `total_output_tokens`) are kept as the published outcomes. A file
/// written with `--append-result` holds several results, one per line: it is refused (split it).
enum VLLMBenchReader {
    static func read(_ document: JSONDocument, root: JSONNode, end: Int) throws(InputError) -> MeasuredRun {
        let check = JSONFieldChecks(document: document)
        if end < document.bytes.count {
            throw InputError(file: document.file, line: document.line(of: end),
                             "a second result starts here: a file written with --append-result holds one result per line; split it and import each")
        }
        guard root.isObject else { throw check.error(root, "(top level)", "expected a vLLM bench serve result object, got \(root.typeName)") }
        var run = MeasuredRun(source: MeasuredFormat.vllmBench.rawValue, file: document.file, requests: [])
        run.reportedDuration = try check.optionalNumber(root, "duration")
        if let rate = root.member("request_rate") {
            if rate.string == "inf" { run.requestRate = nil } else {
                let r = try check.number(rate, "request_rate")
                guard r > 0 else { throw check.error(rate, "request_rate", "must be positive or \"inf\", got \(r)") }
                run.requestRate = r
            }
        }
        if let b = root.member("burstiness") {
            let x = try check.number(b, "burstiness")
            guard x > 0 else { throw check.error(b, "burstiness", "must be positive, got \(x)") }
            run.burstiness = x
        }
        if let c = root.member("max_concurrency") {
            let n = try check.count(c, "max_concurrency")
            guard n > 0 else { throw check.error(c, "max_concurrency", "must be positive, got 0") }
            run.maxConcurrency = n
        }
        run.published = try published(root, check)

        guard let inputs = root.member("input_lens") else {
            guard !run.published.values.isEmpty else {
                throw check.error(root, "input_lens", "no per-request results (input_lens, ttfts, ...) and no aggregates (mean_ttft_ms, ...): not a vLLM bench serve result")
            }
            return run
        }
        let inputLens = try check.array(inputs, "input_lens")
        let n = inputLens.count
        func column(_ key: String, required: Bool) throws(InputError) -> [JSONNode]? {
            guard let node = root.member(key) else {
                if required { throw check.error(root, key, "is required with input_lens (a --save-detailed result)") }
                return nil
            }
            let a = try check.array(node, key)
            guard a.count == n else { throw check.error(node, key, "has \(a.count) entries, input_lens has \(n)") }
            return a
        }
        let outputLens = try column("output_lens", required: true)!
        let ttfts = try column("ttfts", required: true)!
        let itls = try column("itls", required: true)!
        let latencies = try column("latencies", required: false)
        let starts = try column("start_times", required: false)
        let errors = try column("errors", required: false)
        var firstStart = Double.infinity
        var rawStarts: [Double] = []
        if let starts {
            for (i, s) in starts.enumerated() { rawStarts.append(try check.number(s, "start_times[\(i)]")) }
            firstStart = rawStarts.min() ?? 0
        }
        for i in 0..<n {
            var error: String? = nil
            if let errors, let text = errors[i].string, !text.isEmpty { error = text }
            else if let errors, !(errors[i].string != nil || errors[i].value.isNull) {
                throw check.error(errors[i], "errors[\(i)]", "expected a string, got \(errors[i].typeName)")
            }
            let output = try check.count(outputLens[i], "output_lens[\(i)]")
            if error == nil && output == 0 { error = "no output tokens" }
            var gaps: [Double] = []
            for (k, g) in try check.array(itls[i], "itls[\(i)]").enumerated() {
                gaps.append(try check.nonNegative(g, "itls[\(i)][\(k)]"))
            }
            let ttft = ttfts[i].value.isNull ? nil : try check.nonNegative(ttfts[i], "ttfts[\(i)]")
            var e2e: Double? = nil
            if let latencies, !latencies[i].value.isNull { e2e = try check.nonNegative(latencies[i], "latencies[\(i)]") }
            else if let t = ttft { e2e = t + gaps.reduce(0, +) }
            run.requests.append(MeasuredRequest(
                id: String(i), startTime: starts == nil ? nil : rawStarts[i] - firstStart,
                inputTokens: try check.count(inputLens[i], "input_lens[\(i)]"), outputTokens: output,
                ttft: error == nil ? ttft : nil, itls: error == nil ? gaps : [], e2e: error == nil ? e2e : nil, error: error))
        }
        return run
    }

    /// The published aggregates (milliseconds as vLLM writes them; `median_*` is p50).
    private static func published(_ root: JSONNode, _ check: JSONFieldChecks) throws(InputError) -> Outcomes {
        var o = Outcomes()
        let keys: [(String, OutcomeMetric)] = [
            ("mean_ttft_ms", .meanTTFT), ("median_ttft_ms", .p50TTFT), ("p50_ttft_ms", .p50TTFT),
            ("p90_ttft_ms", .p90TTFT), ("p99_ttft_ms", .p99TTFT),
            ("mean_itl_ms", .meanITL), ("median_itl_ms", .p50ITL), ("p50_itl_ms", .p50ITL), ("p99_itl_ms", .p99ITL),
            ("mean_tpot_ms", .meanTPOT), ("median_tpot_ms", .p50TPOT), ("p50_tpot_ms", .p50TPOT), ("p99_tpot_ms", .p99TPOT),
            ("mean_e2el_ms", .meanE2E), ("median_e2el_ms", .p50E2E), ("p50_e2el_ms", .p50E2E),
            ("p90_e2el_ms", .p90E2E), ("p99_e2el_ms", .p99E2E),
            ("request_throughput", .requestThroughput), ("output_throughput", .outputThroughput), ("duration", .duration),
        ]
        for (key, metric) in keys {
            if let x = try check.optionalNumber(root, key) { o[metric] = x }
        }
        if let e = o[.meanE2E], let t = o[.meanTTFT],
           let completed = try check.optionalNumber(root, "completed"), completed > 0,
           let total = try check.optionalNumber(root, "total_output_tokens") {
            o[.decodeITL] = Outcomes.decodeITL(meanE2E: e, meanTTFT: t, meanOutput: total / completed)
        }
        return o
    }
}
