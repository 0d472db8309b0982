/// The per-replica section of a fleet's report (schema-2 log): the table of `summary
/// --by-replica` with the load imbalance, requests routed per replica, and each replica's
/// running and waiting requests and KV-cache use over time.
extension HTMLReport {
    /// Up to this many replicas, the time charts draw one line per replica; above, the
    /// minimum, median and maximum across replicas.
    public static let maxReplicaLines = 8

    /// One colour per replica line (``maxReplicaLines`` of them).
    static let replicaColors = ["#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#319795", "#b7791f", "#d53f8c"]

    static func replicaSection(_ data: ReportData, _ r: ReplicaReport) -> String {
        var html = "<h2>Per replica</h2>\n"
        html += "<p class=\"note\">\(r.count) replica\(r.count == 1 ? "" : "s"). As <code>summary --by-replica</code>: requests that arrived at the replica (accepted or rejected), completed requests, their prompt + output tokens, steps, busy time (seconds its steps ran) and the TTFT and E2E percentiles of its completed requests. The last row is the load imbalance: the coefficient of variation (population σ / mean) across replicas.</p>\n"
        html += replicaTable(r)
        html += "<div class=\"grid\">\n"
        let bars = (0..<r.count).map { SVGBarChart.Bar(label: "\($0)", value: Double(r.routed[$0])) }
        html += figure("Requests routed per replica", SVGBarChart(title: "Requests routed per replica", xLabel: "replica",
                                                                  yLabel: "route records", bars: bars, color: colors.blue).render())
        for (metric, what, unit) in [(ReplicaReport.Metric.running, "Running requests", "running requests"),
                                     (.waiting, "Waiting requests", "waiting requests"),
                                     (.kvUsed, "KV cache use", "KV cache used (%)")] {
            let (title, chart) = replicaChart(data, r, metric, what: what, unit: unit)
            html += figure(title, chart)
        }
        html += "</div>\n"
        html += "<p class=\"note\">Each point is a time window, as above: the replica's time-weighted mean over its steps in the window, or its last value when it ran no step (0 before its first). "
        html += r.count > maxReplicaLines
            ? "With more than \(maxReplicaLines) replicas the charts show, per window, the minimum, median and maximum of those values across the replicas. "
            : ""
        html += "The routed counts are the log's <code>route</code> records (warmup included).</p>\n"
        return html
    }

    /// The chart's title and SVG: one line per replica, or min / median / max across them.
    static func replicaChart(_ data: ReportData, _ r: ReplicaReport, _ metric: ReplicaReport.Metric,
                             what: String, unit: String) -> (String, String) {
        let xs = data.windowCentres
        let yMax: Double? = metric == .kvUsed ? 100 : nil
        let title: String
        var lines: [SVGChart.Line] = []
        if r.count > maxReplicaLines {
            title = "\(what) per replica (min / median / max of \(r.count) replicas)"
            let spread = data.replicaSpread(metric)
            lines = [.init(name: "max", color: colors.red, points: zip(xs, spread).map { (x: $0, y: $1.max) }),
                     .init(name: "median", color: colors.blue, points: zip(xs, spread).map { (x: $0, y: $1.median) }),
                     .init(name: "min", color: colors.green, points: zip(xs, spread).map { (x: $0, y: $1.min) })]
        } else {
            title = "\(what) per replica"
            lines = (0..<r.count).map { k in
                .init(name: "replica \(k)", color: replicaColors[k % replicaColors.count],
                      points: zip(xs, data.replicaValues(k, metric)).map { (x: $0, y: $1) })
            }
        }
        return (title, SVGChart(title: title, xLabel: "time (s)", yLabel: unit, lines: lines, yMin: 0, yMax: yMax).render())
    }

    static func replicaTable(_ r: ReplicaReport) -> String {
        let b = r.balance
        var t = "<table><tr><th>Replica</th><th>Requests</th><th>Completed</th><th>Tokens</th><th>Steps</th><th>Busy (s)</th>"
        t += "<th>TTFT p50 (ms)</th><th>TTFT p99 (ms)</th><th>E2E p50 (ms)</th><th>E2E p99 (ms)</th></tr>\n"
        for row in b.rows {
            let k = row.replica
            // A disaggregated fleet's replicas are named with their role: "2 (decode)".
            let name = b.isDisaggregated ? "\(k) (\(row.role.rawValue))" : "\(k)"
            t += "<tr><td>\(name)</td><td>\(row.requests)</td><td>\(row.completed)</td><td>\(row.tokens)</td>"
            t += "<td>\(k < r.steps.count ? "\(r.steps[k])" : "-")</td><td>\(TextFormat.fixed(row.busySeconds, 3))</td>"
            for v in [row.ttftP50, row.ttftP99, row.e2eP50, row.e2eP99] {
                t += "<td>\(row.completed > 0 ? TextFormat.fixed(v) : "-")</td>"
            }
            t += "</tr>\n"
        }
        t += "<tr><th>Imbalance (CV)</th><th>\(TextFormat.fixed(b.requestsCV, 4))</th><th></th><th>\(TextFormat.fixed(b.tokensCV, 4))</th>"
        t += "<th></th><th>\(TextFormat.fixed(b.busyCV, 4))</th><th></th><th></th><th></th><th></th></tr>\n"
        return t + "</table>\n"
    }
}
