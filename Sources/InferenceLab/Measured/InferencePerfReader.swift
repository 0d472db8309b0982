/// Reads kubernetes-sigs/inference-perf's per-request lifecycle report,
/// `per_request_lifecycle_metrics.json` (written with `report.request_lifecycle.per_request:
/// true`; `inference_perf/reportgen/base.py`).
///
/// A JSON array, one object per request: `start_time` and `end_time` (the client's
/// `time.perf_counter()` at send and at the last byte), `info`, `error` (null, or
/// `{"error_type", "error_msg"}`), and the request and response bodies (`request`,
/// `response`, skipped). `info` changed with v0.6.0:
///
/// - up to v0.5: `info.input_tokens`, `info.output_tokens`, `info.output_token_times` (the
///   arrival time of each streamed chunk);
/// - from v0.6: `info.request_metrics.text.input_tokens` (also mirrored as
///   `info.input_tokens`), `info.response_metrics.output_tokens`,
///   `info.response_metrics.output_token_times` and `info.response_metrics.server_usage`
///   (the server's `usage`: `prompt_tokens`, `completion_tokens`).
///
/// Lengths: the server's `usage` where present, else the client's counts (the client
/// re-tokenises the text, which can differ from the server by a few tokens). TTFT is the first
/// output time − `start_time`, the ITLs the gaps between output times, E2E `end_time` −
/// `start_time` (inference-perf's own definitions). A non-streamed request has no TTFT or ITL.
enum InferencePerfReader {
    static func read(_ document: JSONDocument, root: JSONNode) throws(InputError) -> MeasuredRun {
        let check = JSONFieldChecks(document: document)
        guard let records = root.array else {
            throw check.error(root, "(top level)", "expected inference-perf's per-request array, got \(root.typeName)")
        }
        guard !records.isEmpty else { throw check.error(root, "(top level)", "no requests") }
        var starts: [Double] = []
        var run = MeasuredRun(source: MeasuredFormat.inferencePerf.rawValue, file: document.file, requests: [])
        for (i, r) in records.enumerated() {
            guard r.isObject else { throw check.error(r, "[\(i)]", "expected a request object, got \(r.typeName)") }
            let start = try check.nonNegative(try check.required(r, "start_time"), "start_time")
            let endNode = try check.required(r, "end_time")
            let end = try check.nonNegative(endNode, "end_time")
            guard end >= start else { throw check.error(endNode, "end_time", "earlier than start_time (\(end) < \(start))") }
            let info = try check.required(r, "info")
            guard info.isObject else { throw check.error(info, "info", "expected an object, got \(info.typeName)") }
            let response = info.member("response_metrics")
            let usage = response?.member("server_usage")

            var error: String? = nil
            if let e = r.member("error") {
                let type = e.member("error_type")?.string ?? "error"
                error = e.member("error_msg")?.string.map { "\(type): \($0)" } ?? type
            }
            func count(_ candidates: [(JSONNode?, String)]) throws(InputError) -> Int? {
                for (node, field) in candidates { if let node { return try check.count(node, field) } }
                return nil
            }
            let input = try count([
                (usage?.member("prompt_tokens"), "info.response_metrics.server_usage.prompt_tokens"),
                (info.member("input_tokens"), "info.input_tokens"),
                (info.member("request_metrics")?.member("text")?.member("input_tokens"), "info.request_metrics.text.input_tokens"),
            ])
            guard let input else { throw check.error(info, "info.input_tokens", "is required") }
            let output = try count([
                (usage?.member("completion_tokens"), "info.response_metrics.server_usage.completion_tokens"),
                (response?.member("output_tokens"), "info.response_metrics.output_tokens"),
                (info.member("output_tokens"), "info.output_tokens"),
            ]) ?? 0
            let timesNode = response?.member("output_token_times") ?? info.member("output_token_times")
            var times: [Double] = []
            if let timesNode {
                for (k, t) in try check.array(timesNode, "output_token_times").enumerated() {
                    let x = try check.nonNegative(t, "output_token_times[\(k)]")
                    guard x >= start, x <= end, x >= (times.last ?? x) else {
                        throw check.error(t, "output_token_times[\(k)]", "must lie between start_time and end_time, in order, got \(x)")
                    }
                    times.append(x)
                }
            }
            if error == nil && output == 0 { error = "no output tokens" }
            starts.append(start)
            let ok = error == nil
            var gaps: [Double] = []
            if ok { for k in times.indices.dropFirst() { gaps.append(times[k] - times[k - 1]) } }
            run.requests.append(MeasuredRequest(
                id: String(i), startTime: start, inputTokens: input, outputTokens: output,
                ttft: ok ? times.first.map { $0 - start } : nil, itls: gaps, e2e: ok ? end - start : nil, error: error))
        }
        let first = starts.min() ?? 0
        for i in run.requests.indices { run.requests[i].startTime = starts[i] - first }
        return run
    }
}
