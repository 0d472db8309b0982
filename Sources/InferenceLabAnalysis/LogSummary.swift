/// `summary`: an event log reduced by the shared ``MetricsReducer``, so it equals what the
/// simulator printed for the same run, plus goodput and SLO attainment when targets are given.
public struct LogSummary: Sendable {
    public var header: EventLogHeader
    /// The end record (nil for an incomplete log read with `allowIncomplete`).
    public var end: EventLogEnd?
    public var summary: Summary
    /// Present when an objective was given.
    public var slo: SLOResult?

    public struct SLOResult: Sendable, Equatable {
        public var objective: ServiceLevelObjective
        /// Completed requests per second meeting the objective.
        public var goodput: Double
        /// Fraction of completed requests meeting the objective.
        public var attainment: Double
        /// Completed requests meeting the objective.
        public var met: Int
    }

    public init(header: EventLogHeader, end: EventLogEnd?, summary: Summary, slo: SLOResult?) {
        self.header = header
        self.end = end
        self.summary = summary
        self.slo = slo
    }

    /// Reads the log at `path` (`-`: standard input) to its end.
    /// - Throws: ``InputError`` for an unreadable or malformed log, another schema, or a log
    ///   without an end record (unless `allowIncomplete`).
    public static func read(path: String, allowIncomplete: Bool = false,
                            objective: ServiceLevelObjective? = nil) throws(InputError) -> LogSummary {
        let reader = try EventLogReader(path: path, allowIncomplete: allowIncomplete)
        return try read(reader, objective: objective)
    }

    /// Reads the rest of an opened log.
    public static func read(_ reader: EventLogReader, objective: ServiceLevelObjective? = nil) throws(InputError) -> LogSummary {
        var metrics = try reader.makeMetricsReducer()
        var slo: SLOResult?
        if let objective {
            var tracker = RequestTracker()
            var counter = GoodputCounter(objective: objective)
            while let event = try reader.next() {
                metrics.consume(event)
                // The warmup counts in no metric (the summary starts afresh there too).
                if case .warmupEnded = event { counter = GoodputCounter(objective: objective) }
                if let outcome = tracker.consume(event) { counter.add(outcome) }
            }
            let s = metrics.summary()
            slo = SLOResult(objective: objective, goodput: counter.goodput(duration: s.duration),
                            attainment: counter.attainment, met: counter.met)
        } else {
            try reader.read(into: &metrics)
        }
        return LogSummary(header: reader.header, end: reader.end, summary: metrics.summary(), slo: slo)
    }

    /// The simulator's `--json` keys, in order, then `goodput` and `slo_attainment` when an
    /// objective was given.
    public var fields: [(String, Double)] {
        var f = SummaryJSON.fields(summary)
        if let slo { f += [("goodput", slo.goodput), ("slo_attainment", slo.attainment)] }
        return f
    }

    /// The JSON object (byte-identical to the simulator's `--json` without an objective),
    /// with the end record's `skipped_lines` and `skipped_reasons` last when it has them.
    public func renderJSON() -> String {
        SummaryJSON.render(fields: fields, skippedLines: end?.skippedLines ?? 0, skippedReasons: end?.skippedReasons ?? [])
    }

    /// The CSV form of ``fields``, with `skipped_lines` last when trace lines were skipped.
    public func renderCSV() -> String {
        let skipped = end?.skippedLines ?? 0
        return SummaryJSON.renderCSV(fields: skipped > 0 ? fields + [("skipped_lines", Double(skipped))] : fields)
    }

    /// The simulator's text table, followed by an SLO section when an objective was given.
    public func renderText() -> String {
        var out = SummaryTable.render(summary)
        if let slo {
            var targets: [String] = []
            if let t = slo.objective.ttftMs { targets.append("TTFT ≤ \(TextFormat.number(t)) ms") }
            if let t = slo.objective.tpotMs { targets.append("TPOT ≤ \(TextFormat.number(t)) ms") }
            out += "\nSLO (\(targets.joined(separator: ", ")))\n"
            out += "  Goodput:            \(TextFormat.fixed(slo.goodput, 3)) req/s\n"
            out += "  Attainment:         \(TextFormat.fixed(slo.attainment * 100, 1))% (\(slo.met) of \(summary.completed) completed)\n"
        }
        if let end, end.skippedLines > 0 {
            out += "\nSKIPPED TRACE LINES\n  \(end.skippedLines) invalid line\(end.skippedLines == 1 ? "" : "s") skipped"
            out += end.skippedReasons.isEmpty ? "\n" : "; the first \(end.skippedReasons.count):\n"
            for reason in end.skippedReasons { out += "    \(reason)\n" }
        }
        return out
    }
}
