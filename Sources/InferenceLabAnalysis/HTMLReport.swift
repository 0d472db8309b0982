import Foundation

/// `report`: one self-contained HTML page (inline CSS and SVG; no scripts, no network) with
/// the run's summary and its charts.
public enum HTMLReport {
    static let colors = (blue: "#2b6cb0", orange: "#dd6b20", green: "#2f855a", red: "#c53030", purple: "#6b46c1")

    /// Renders the page for `data`.
    public static func render(_ data: ReportData) -> String {
        let s = data.summary
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>inference-lab report: \(HTMLText.escape(data.name))</title>
            <style>\(css)</style>
            </head>
            <body>
            <h1>inference-lab report</h1>
            <p class="sub">\(HTMLText.escape(data.name))</p>

            """
        html += runTable(data)
        html += "<h2>Summary</h2>\n"
        html += latencyTable(s)
        html += figuresTable(s)
        html += "<details><summary>Text summary (as printed by the simulator)</summary><pre>\(HTMLText.escape(SummaryTable.render(s)))</pre></details>\n"

        html += "<h2>Latency distributions</h2>\n<div class=\"grid\">\n"
        html += figure("Time to first token (CDF)", cdfChart(data.ttftMs, s.ttft, x: "TTFT (ms)", color: colors.blue))
        html += figure("End-to-end latency (CDF)", cdfChart(data.e2eMs, s.e2e, x: "E2E latency (ms)", color: colors.purple))
        html += "</div>\n"

        let b = data.buckets
        html += "<h2>Over time</h2>\n"
        html += "<p class=\"note\">Time is simulated seconds since the first arrival. Each point is a window of \(TextFormat.compact(b.width)) s (\(b.used) windows); lines are window means (time-weighted for queue lengths and KV use), shaded bands the window's min–max.</p>\n"
        if data.replicas != nil {
            html += "<p class=\"note\">A fleet: KV cache use, running and waiting requests and batch tokens pool the steps of every replica (averages over the replicas’ steps, not fleet totals; the per-replica section below separates them); throughput and request rates are the whole fleet's.</p>\n"
        }
        html += "<div class=\"grid\">\n"
        html += figure("KV cache use", timeChart(data, [(.kvUsed, "KV blocks used", colors.green)], y: "KV cache used (%)", yMax: 100))
        html += figure("Running and waiting requests", timeChart(data, [(.running, "running", colors.blue), (.waiting, "waiting", colors.orange)], y: "requests"))
        html += figure("Batch tokens per step", timeChart(data, [(.prefillTokens, "prefill", colors.orange), (.decodeTokens, "decode", colors.blue)], y: "tokens per step", bands: false))
        let output = data.rate(.outputTokens).map { (x: $0.x - b.origin, y: $0.y) }
        html += figure("Output throughput", SVGChart(title: "Output throughput", xLabel: "time (s)", yLabel: "output tokens/s",
                                                     lines: [.init(name: "output tokens/s", color: colors.purple, points: output)]).render())
        let arrivals = data.rate(.arrivals).map { (x: $0.x - b.origin, y: $0.y) }
        let finishes = data.rate(.finishes).map { (x: $0.x - b.origin, y: $0.y) }
        html += figure("Request rate", SVGChart(title: "Request rate", xLabel: "time (s)", yLabel: "requests/s",
                                                lines: [.init(name: "arrivals", color: colors.orange, points: arrivals),
                                                        .init(name: "completions", color: colors.green, points: finishes)]).render())
        html += "</div>\n"
        if let replicas = data.replicas { html += replicaSection(data, replicas) }
        html += "<details><summary>Resolved config (from the log's header)</summary><pre>\(HTMLText.escape(prettyJSON(data.header.configJSON)))</pre></details>\n"
        html += "<p class=\"foot\">inference-lab-analyze \(HTMLText.escape(InferenceLabVersion.string)) · event log schema \(HTMLText.escape(data.header.schema))</p>\n"
        html += "</body>\n</html>\n"
        return html
    }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1180px;color:#1a202c;padding:0 16px}
        h1{margin:0;font-size:26px}h2{font-size:19px;margin:28px 0 10px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
        .sub{color:#4a5568;margin:4px 0 14px;font-family:ui-monospace,monospace}
        table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}
        th,td{padding:4px 10px;text-align:right;border-bottom:1px solid #edf2f7}
        th{background:#f7fafc;font-weight:600}td:first-child,th:first-child{text-align:left}
        table.kv td:first-child{color:#4a5568}
        .row{display:flex;gap:28px;flex-wrap:wrap;align-items:flex-start}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:18px}
        figure{margin:0;border:1px solid #e2e8f0;border-radius:6px;padding:8px 8px 2px}
        figcaption{font-weight:600;font-size:14px;margin:0 0 2px 6px}
        svg.chart{display:block;max-width:100%;height:auto}
        .grid line.grid,svg line.grid{stroke:#edf2f7;stroke-width:1}
        svg line.axis{stroke:#4a5568;stroke-width:1}
        svg line.mark{stroke:#a0aec0;stroke-width:1;stroke-dasharray:4 3}
        svg text{font-family:system-ui,sans-serif;fill:#2d3748}
        svg text.tl{font-size:11px;fill:#4a5568}svg text.at{font-size:12px}
        svg text.lg{font-size:11px}svg text.ml{font-size:10px;fill:#718096}
        .note{color:#4a5568;font-size:13px}.foot{color:#a0aec0;font-size:12px;margin-top:28px}
        details{margin:10px 0}pre{background:#f7fafc;padding:10px;overflow:auto;font-size:12px}
        """

    static func figure(_ caption: String, _ svg: String) -> String {
        "<figure><figcaption>\(HTMLText.escape(caption))</figcaption>\n\(svg)</figure>\n"
    }

    static func cdfChart(_ samples: [Double], _ stats: LatencyStats, x: String, color: String) -> String {
        var markers: [SVGChart.Marker] = []
        if stats.count > 0 {
            markers = [.init(x: stats.p50, label: "p50 \(TextFormat.compact(stats.p50)) ms"),
                       .init(x: stats.p99, label: "p99 \(TextFormat.compact(stats.p99)) ms")]
        }
        let points = ReportData.cdf(samples).map { (x: $0.x, y: $0.y * 100) }
        return SVGChart(title: x, xLabel: x, yLabel: "requests ≤ x (%)",
                        lines: [.init(name: "\(stats.count) requests", color: color, points: points, stepped: true)],
                        markers: markers, yMin: 0, yMax: 100).render()
    }

    static func timeChart(_ data: ReportData, _ series: [(ReportData.Series, String, String)], y: String,
                          yMax: Double? = nil, bands: Bool = true) -> String {
        let origin = data.buckets.origin
        let centres = data.windowCentres
        let lines = series.map { (s, name, color) -> SVGChart.Line in
            let pts = data.points(s)
            // Windows without a step: queue lengths and KV use keep their last value (the
            // node is idle), batch tokens are 0.
            let carries = s == .kvUsed || s == .running || s == .waiting
            let mean = zip(centres, data.windowValues(s.rawValue, carries: carries)).map { (x: $0, y: $1) }
            let band = bands ? pts.filter { $0.stats.count > 0 }.map { (x: $0.t - origin, lo: $0.stats.min, hi: $0.stats.max) } : []
            return SVGChart.Line(name: name, color: color, points: mean, band: band)
        }
        return SVGChart(title: y, xLabel: "time (s)", yLabel: y, lines: lines, yMin: 0, yMax: yMax).render()
    }

    static func latencyTable(_ s: Summary) -> String {
        var t = "<table><tr><th>Latency (ms)</th><th>Mean</th><th>Min</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>Max</th><th>Count</th></tr>\n"
        for (name, m) in [("TTFT", s.ttft), ("TPOT", s.tpot), ("ITL", s.itl), ("E2E latency", s.e2e), ("Queueing", s.queue)] {
            t += "<tr><td>\(name)</td>"
            for v in [m.mean, m.min, m.p50, m.p90, m.p95, m.p99, m.max] { t += "<td>\(m.count > 0 ? TextFormat.fixed(v) : "-")</td>" }
            t += "<td>\(m.count)</td></tr>\n"
        }
        return t + "</table>\n"
    }

    static func figuresTable(_ s: Summary) -> String {
        func pct(_ v: Double) -> String { TextFormat.fixed(v * 100, 1) + " %" }
        let left: [(String, String)] = [
            ("Requests completed", "\(s.completed) of \(s.arrived)" + (s.rejected > 0 ? " (\(s.rejected) rejected)" : "")),
            ("Duration (first arrival → last finish)", TextFormat.fixed(s.duration) + " s"),
            ("Request throughput", TextFormat.fixed(s.requestThroughput, 3) + " req/s"),
            ("Input throughput", TextFormat.fixed(s.inputThroughput) + " tok/s"),
            ("Output throughput", TextFormat.fixed(s.outputThroughput) + " tok/s"),
            ("Total token throughput", TextFormat.fixed(s.totalTokenThroughput) + " tok/s"),
        ]
        let right: [(String, String)] = [
            ("KV cache use (mean / peak)", pct(s.kvCacheUtilization) + " / " + pct(s.peakKVCacheUtilization)),
            ("Compute utilisation", pct(s.computeUtilization)),
            ("Memory-bandwidth utilisation", pct(s.bandwidthUtilization)),
            ("Steps", "\(s.steps)"),
            ("Preemptions", "\(s.preemptions)"),
            ("Prefix-cache hit rate", pct(s.prefixCacheHitRate) + " (\(s.prefixCacheHitTokens) tokens)"),
        ]
        func table(_ rows: [(String, String)]) -> String {
            "<table class=\"kv\">" + rows.map { "<tr><td>\(HTMLText.escape($0.0))</td><td>\(HTMLText.escape($0.1))</td></tr>" }.joined(separator: "\n") + "</table>"
        }
        return "<div class=\"row\">\(table(left))\n\(table(right))</div>\n"
    }

    static func runTable(_ data: ReportData) -> String {
        let config = (try? JSONSerialization.jsonObject(with: Data(data.header.configJSON.utf8))) as? [String: Any] ?? [:]
        func get(_ section: String, _ key: String) -> String {
            guard let v = (config[section] as? [String: Any])?[key] else { return "?" }
            if let text = v as? String { return text }
            if let n = v as? NSNumber {
                let d = n.doubleValue
                return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : TextFormat.compact(d)
            }
            return "\(v)"
        }
        var rows: [(String, String)] = [
            ("Model", get("model", "name")),
            ("Hardware", get("hardware", "name")),
        ]
        if let replicas = data.replicas {
            rows.append(("Fleet", "\(replicas.count) replica\(replicas.count == 1 ? "" : "s"), router \(get("cluster", "router"))"))
        }
        rows += [
            ("Scheduler", "\(get("scheduler", "policy")), \(get("scheduler", "max_num_batched_tokens")) tokens/step, \(get("scheduler", "max_num_seqs")) seqs"),
            ("Workload", "\(get("workload", "arrival_pattern")), \(get("workload", "arrival_rate")) req/s, \(get("workload", "num_requests")) requests"),
            ("Simulator", "\(data.header.version)" + (data.header.seed.map { ", seed \($0)" } ?? "")),
        ]
        if let end = data.end {
            rows.append(("Run", "\(end.status.rawValue): \(end.counts.steps) steps, \(end.counts.finished) finished, \(TextFormat.fixed(end.counts.simTime)) s simulated"))
        } else {
            rows.append(("Run", "incomplete log (no end record)"))
        }
        return "<table class=\"kv\">" + rows.map { "<tr><td>\(HTMLText.escape($0.0))</td><td>\(HTMLText.escape($0.1))</td></tr>" }.joined(separator: "\n") + "</table>\n"
    }

    static func prettyJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}
