import InferenceLabCore

/// The human-readable report printed at the end of a run, laid out like the original's:
/// latency, throughput, utilisation and summary sections.
public enum SummaryTable {
    /// Renders the report. `wallSeconds` is the real time the run took, if known.
    public static func render(_ s: Summary, wallSeconds: Double? = nil) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let n = max(width - text.count, 0)
            return left ? text + String(repeating: " ", count: n) : String(repeating: " ", count: n) + text
        }
        func fixed(_ v: Double, _ digits: Int = 2) -> String { DecimalText.fixed(v, digits) }
        func percent(_ v: Double) -> String { fixed(v * 100, 1) + "%" }

        line("LATENCY METRICS")
        let columns = ["Mean", "Min", "p50", "p90", "p95", "p99", "Max"]
        line(pad("Metric", 18, left: true) + columns.map { pad($0, 11) }.joined())
        let rows: [(String, LatencyStats)] = [
            ("TTFT (ms)", s.ttft), ("TPOT (ms)", s.tpot), ("ITL (ms)", s.itl),
            ("E2E Latency (ms)", s.e2e), ("Queueing (ms)", s.queue),
        ]
        for (name, m) in rows {
            let values = m.count == 0 ? Array(repeating: "-", count: 7)
                : [m.mean, m.min, m.p50, m.p90, m.p95, m.p99, m.max].map { fixed($0) }
            line(pad(name, 18, left: true) + values.map { pad($0, 11) }.joined())
        }
        line()
        line("THROUGHPUT METRICS")
        line("  Input Tokens/sec:   " + fixed(s.inputThroughput))
        line("  Output Tokens/sec:  " + fixed(s.outputThroughput))
        line("  Requests/sec:       " + fixed(s.requestThroughput, 3))
        line()
        line("UTILIZATION")
        line("  KV Cache:   \(percent(s.kvCacheUtilization)) avg (peak \(percent(s.peakKVCacheUtilization)))")
        line("  Compute:    \(percent(s.computeUtilization)) avg")
        line("  Bandwidth:  \(percent(s.bandwidthUtilization)) avg")
        let perRequest = s.completed > 0 ? Double(s.preemptions) / Double(s.completed) : 0
        line("  Preemptions: \(s.preemptions) total (\(fixed(perRequest)) per request avg)")
        line("  Prefix cache: \(percent(s.prefixCacheHitRate)) of prompt tokens hit (\(s.prefixCacheHitTokens) tokens)")
        line()
        line("SUMMARY")
        var notCompleted: [String] = []
        if s.rejected > 0 { notCompleted.append("\(s.rejected) rejected") }
        if s.timedOut > 0 { notCompleted.append("\(s.timedOut) timed out") }
        line("  Completed requests: \(s.completed)" + (notCompleted.isEmpty ? "" : " (" + notCompleted.joined(separator: ", ") + ")"))
        line("  Simulated time:     \(fixed(s.duration))s (first arrival to last finish)")
        line("  Steps:              \(s.steps)")
        if let w = wallSeconds { line("  Real time:          \(fixed(w))s") }
        return out
    }
}
