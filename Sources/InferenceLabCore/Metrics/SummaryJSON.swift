/// The run summary as one flat JSON object with stable, documented keys.
///
/// Latency keys follow vLLM's `benchmark_serving` (`mean_ttft_ms`, `median_tpot_ms`,
/// `p99_itl_ms`, `mean_e2el_ms`, …, plus `min_`, `max_`, `p50_`, `p90_`, `p95_` and the
/// queueing time `*_queue_ms`); throughputs are `request_throughput`, `input_throughput`,
/// `output_throughput`, `total_token_throughput` (per second). The simulator's `--json`, the
/// analyzer's `summary --json` and the WebAssembly build print exactly this object for the
/// same run. It lives in the core (no Foundation) so that the WebAssembly build renders it
/// with the same code; the CSV form and string escaping are in `InferenceLab`.
public enum SummaryJSON {
    /// Latency metrics in output order: (key stem, statistics).
    public static func latencyMetrics(_ s: Summary) -> [(String, LatencyStats)] {
        [("ttft", s.ttft), ("tpot", s.tpot), ("itl", s.itl), ("e2el", s.e2e), ("queue", s.queue)]
    }

    /// Every key and value, in output order. Values are numbers; a latency metric without
    /// samples (no completed request, or none with two output tokens for TPOT) is NaN, which
    /// the JSON shows as `null`: it has no value, not a value of 0.
    public static func fields(_ s: Summary) -> [(String, Double)] {
        var f: [(String, Double)] = [
            ("completed", Double(s.completed)),
            ("rejected", Double(s.rejected)),
            ("arrived", Double(s.arrived)),
            ("duration", s.duration),
            ("total_input_tokens", Double(s.totalInputTokens)),
            ("total_output_tokens", Double(s.totalOutputTokens)),
            ("request_throughput", s.requestThroughput),
            ("input_throughput", s.inputThroughput),
            ("output_throughput", s.outputThroughput),
            ("total_token_throughput", s.totalTokenThroughput),
        ]
        for (stem, stats) in latencyMetrics(s) {
            var m = stats
            if m.count == 0 {
                m.mean = .nan; m.min = .nan; m.max = .nan
                m.p50 = .nan; m.p90 = .nan; m.p95 = .nan; m.p99 = .nan
            }
            f += [
                ("mean_\(stem)_ms", m.mean), ("median_\(stem)_ms", m.p50),
                ("min_\(stem)_ms", m.min), ("max_\(stem)_ms", m.max),
                ("p50_\(stem)_ms", m.p50), ("p90_\(stem)_ms", m.p90),
                ("p95_\(stem)_ms", m.p95), ("p99_\(stem)_ms", m.p99),
            ]
        }
        f += [
            ("mean_compute_util", s.computeUtilization),
            ("mean_bandwidth_util", s.bandwidthUtilization),
            ("mean_kv_cache_util", s.kvCacheUtilization),
            ("peak_kv_cache_util", s.peakKVCacheUtilization),
            ("preemptions", Double(s.preemptions)),
            ("steps", Double(s.steps)),
            ("prefix_cache_hit_rate", s.prefixCacheHitRate),
            ("prefix_cache_hit_tokens", Double(s.prefixCacheHitTokens)),
            ("resume_hit_tokens", Double(s.resumeHitTokens)),
            // Appended last, so that existing columns keep their positions.
            ("timed_out", Double(s.timedOut)),
        ]
        return f
    }

    /// The summary as a JSON object, one key per line (pretty) or compact.
    public static func render(_ s: Summary, pretty: Bool = true) -> String {
        render(fields: fields(s), pretty: pretty)
    }

    /// Any key/value list in the same layout (the analyzer appends keys after ``fields(_:)``).
    public static func render(fields f: [(String, Double)], pretty: Bool = true) -> String {
        render(entries: f.map { ($0.0, JSONText.number($0.1)) }, pretty: pretty)
    }

    /// Keys with values given as JSON text (numbers, arrays), in the same layout.
    public static func render(entries f: [(String, String)], pretty: Bool = true) -> String {
        var out = "{"
        for (i, (k, v)) in f.enumerated() {
            out += pretty ? "\n  " : ""
            out += "\"\(k)\":\(pretty ? " " : "")\(v)"
            if i < f.count - 1 { out += "," }
        }
        out += pretty ? "\n}" : "}"
        return out
    }
}

/// JSON text helpers shared by the report writers.
public enum JSONText {
    /// A number as JSON: integers without a fraction, other values as Swift's shortest
    /// round-trip decimal; NaN and infinities (invalid in JSON) as `null`.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }
}
