/// Predicted against measured outcomes, metric by metric, with the signed relative error
/// (`inference-lab-analyze compare`).
public struct OutcomeComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public var metric: OutcomeMetric
        public var predicted: Double?
        public var measured: Double?
        /// predicted / measured − 1; nil when either is missing or measured is 0.
        public var error: Double?
    }

    public var rows: [Row]
    public var predicted: Outcomes
    public var measured: Outcomes

    public init(predicted: Outcomes, measured: Outcomes, metrics: [OutcomeMetric] = OutcomeMetric.allCases) {
        self.predicted = predicted
        self.measured = measured
        rows = metrics.map { m in
            Row(metric: m, predicted: predicted[m], measured: measured[m],
                error: Outcomes.error(m, predicted: predicted, measured: measured))
        }
    }

    /// Mean |error| over the calibration objective's metrics that both sides have (for one run,
    /// the end-to-end calibration's objective); nil when none.
    public var objectiveError: Double? {
        let errors = OutcomeMetric.objective.compactMap { Outcomes.error($0, predicted: predicted, measured: measured).map(abs) }
        return errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
    }

    /// A signed percentage with one decimal (`+3.1 %`), or `-`.
    public static func percent(_ e: Double?) -> String {
        guard let e else { return "-" }
        let text = DecimalText.fixed(e * 100, 1)
        return (e >= 0 ? "+" : "") + text + " %"
    }

    /// The text table: one line per metric.
    public func renderText(header: [String]) -> String {
        var out = header.map { "# \($0)\n" }.joined()
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        out += pad("metric", 20, left: true) + pad("predicted", 14) + pad("measured", 14) + pad("error", 11) + "\n"
        for r in rows {
            out += pad(r.metric.label, 20, left: true)
            out += pad(r.predicted.map { DecimalText.fixed($0, 2) } ?? "-", 14)
            out += pad(r.measured.map { DecimalText.fixed($0, 2) } ?? "-", 14)
            out += pad(Self.percent(r.error), 11) + "\n"
        }
        out += "objective (mean |error| over TTFT mean/p90/p99, E2E mean/p90/p99, decode ITL, req/s): \(Self.percent(objectiveError).replacingPlus())\n"
        return out
    }

    /// The JSON document (schema `inference-lab.compare/1`): every metric in a fixed order,
    /// `null` where a side lacks it; `error_pct` is 100 × (predicted / measured − 1).
    public func renderJSON(log: String, measuredFile: String, source: String, requests: Int?) -> String {
        func n(_ x: Double?) -> String { x.map(JSONText.number) ?? "null" }
        var out = "{\n  \"schema\": \"inference-lab.compare/1\",\n"
        out += "  \"log\": \(JSONText.string(log)),\n  \"measured\": \(JSONText.string(measuredFile)),\n"
        out += "  \"source\": \(JSONText.string(source)),\n  \"measured_requests\": \(requests.map(String.init) ?? "null"),\n"
        out += "  \"metrics\": {"
        out += JSONText.lines(rows.map { r in
            "\(JSONText.string(r.metric.rawValue)): {\"predicted\": \(n(r.predicted)), \"measured\": \(n(r.measured)), \"error_pct\": \(n(r.error.map { $0 * 100 }))}"
        }, indent: "    ")
        out += "\n  },\n  \"objective_error_pct\": \(n(objectiveError.map { $0 * 100 }))\n}"
        return out
    }
}

extension String {
    /// The objective is an absolute value: no sign.
    fileprivate func replacingPlus() -> String { hasPrefix("+") ? String(dropFirst()) : self }
}
