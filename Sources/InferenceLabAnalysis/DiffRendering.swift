/// Text and JSON renderings of a ``LogDiff``.
public enum DiffRendering {
    /// A `--fail-if` condition with its verdict.
    public struct Verdict: Sendable {
        public var condition: FailCondition
        public var delta: MetricDelta
        public var holds: Bool
    }

    /// Evaluates conditions against the diff's metrics.
    public static func verdicts(_ diff: LogDiff, _ conditions: [FailCondition]) -> [Verdict] {
        conditions.compactMap { c in
            diff.metrics.first { $0.key == c.key }.map { Verdict(condition: c, delta: $0, holds: c.holds(for: $0)) }
        }
    }

    /// One line per verdict, e.g. `p99_ttft_ms>+5%: holds (120.5 → 131.2, +8.9%)`.
    public static func verdictLine(_ v: Verdict) -> String {
        if let side = FailCondition.missingSide(v.delta) {
            return "\(v.condition.text): holds: \(v.delta.key) is missing in \(side) (no samples, e.g. no completed request), so its change cannot be checked"
        }
        let change = v.condition.relative ? TextFormat.signed(v.delta.relative * 100, 1) + "%" : TextFormat.signed(v.delta.absolute, 3)
        return "\(v.condition.text): \(v.holds ? "holds" : "does not hold") (A \(value(v.delta.a)) → B \(value(v.delta.b)), change \(change))"
    }

    static func value(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "-" : "inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return TextFormat.fixed(v, abs(v) >= 1000 ? 1 : abs(v) >= 1 ? 3 : 4)
    }

    static func ms(_ seconds: Double) -> String { TextFormat.fixed(seconds * 1000, 2) }

    // MARK: text

    public static func text(_ d: LogDiff, nameA: String, nameB: String, verdicts: [Verdict] = [],
                            maxBatchEntries: Int = 64) -> String {
        var out = "A: \(nameA)\nB: \(nameB)\n\n"
        out += "METRICS (change from A to B)\n"
        out += TextFormat.pad("Key", 26, left: true) + TextFormat.pad("A", 16) + TextFormat.pad("B", 16)
            + TextFormat.pad("B − A", 16) + TextFormat.pad("%", 10) + "\n"
        for m in d.metrics {
            let rel = m.a == m.b ? "" : m.relative.isNaN ? "-" : TextFormat.signed(m.relative * 100, 1) + "%"
            let abs = m.a == m.b ? "=" : (m.absolute > 0 ? "+" : "") + value(m.absolute)
            out += TextFormat.pad(m.key, 26, left: true) + TextFormat.pad(value(m.a), 16) + TextFormat.pad(value(m.b), 16)
                + TextFormat.pad(abs, 16) + TextFormat.pad(rel, 10) + "\n"
        }

        let r = d.requests
        out += "\nREQUESTS (finished in both, matched by id)\n"
        out += "  Matched: \(r.matched)   only in A: \(r.onlyInA)   only in B: \(r.onlyInB)\n"
        out += "  E2E: \(r.slower) slower, \(r.faster) faster, \(r.unchanged) unchanged\n"
        out += "  Mean change: TTFT \(TextFormat.signed(r.meanTTFTDelta * 1000)) ms, E2E \(TextFormat.signed(r.meanE2EDelta * 1000)) ms\n"
        if !r.top.isEmpty {
            out += "  Most changed (by |ΔE2E|):\n"
            let w = max(8, min(24, r.top.map(\.id.count).max() ?? 8))
            out += "  " + TextFormat.pad("id", w, left: true) + TextFormat.pad("TTFT A ms", 12) + TextFormat.pad("TTFT B ms", 12)
                + TextFormat.pad("ΔTTFT", 11) + TextFormat.pad("E2E A ms", 12) + TextFormat.pad("E2E B ms", 12)
                + TextFormat.pad("ΔE2E", 11) + "\n"
            for c in r.top {
                out += "  " + TextFormat.pad(c.id, w, left: true) + TextFormat.pad(ms(c.ttftA), 12) + TextFormat.pad(ms(c.ttftB), 12)
                    + TextFormat.pad(TextFormat.signed(c.ttftDelta * 1000), 11) + TextFormat.pad(ms(c.e2eA), 12)
                    + TextFormat.pad(ms(c.e2eB), 12) + TextFormat.pad(TextFormat.signed(c.e2eDelta * 1000), 11) + "\n"
            }
        }

        out += "\nSCHEDULE\n"
        if let v = d.divergence {
            out += "  First divergence at step record #\(v.index) (\(v.what) differs):\n"
            out += stepText("A", v.a, other: v.b, maxEntries: maxBatchEntries)
            out += stepText("B", v.b, other: v.a, maxEntries: maxBatchEntries)
        } else {
            out += "  Identical: \(d.stepsCompared) step records compared, no divergence\n"
        }
        if d.isFleet {
            out += "\nROUTING\n"
            if let r = d.routeDivergence {
                out += "  First request routed differently: decision #\(r.index)\n"
                out += "  A: \(RouteDivergence.text(r.aID, r.aReplica))\n"
                out += "  B: \(RouteDivergence.text(r.bID, r.bReplica))\n"
            } else {
                out += "  Identical: \(d.routesCompared) routing decisions compared\n"
            }
        }
        if !verdicts.isEmpty {
            out += "\nFAIL-IF\n"
            for v in verdicts { out += "  " + verdictLine(v) + "\n" }
        }
        return out
    }

    private static func stepText(_ side: String, _ s: NamedStep?, other: NamedStep?, maxEntries: Int) -> String {
        guard let s else { return "  \(side): the log has no more steps\n" }
        var out = "  \(side): step \(s.step) at t=\(TextFormat.fixed(s.time, 6))s, batch of \(s.batch.count):\n"
        var line = "     "
        for (i, e) in s.batch.prefix(maxEntries).enumerated() {
            let differs = other.map { i >= $0.batch.count || $0.batch[i] != e } ?? false
            let item = (differs ? "*" : "") + "\(e.id):\(e.tokens)"
            if line.count + item.count + 1 > 100 { out += line + "\n"; line = "     " }
            line += " " + item
        }
        if s.batch.count > maxEntries { line += " … \(s.batch.count - maxEntries) more" }
        out += line + "\n"
        out += "     preempted: [\(s.preempted.joined(separator: ", "))]  finished: [\(s.finished.joined(separator: ", "))]\n"
        return out
    }

    // MARK: JSON

    public static func json(_ d: LogDiff, nameA: String, nameB: String, verdicts: [Verdict] = []) -> String {
        func n(_ v: Double) -> String { JSONText.number(v) }
        func s(_ v: String) -> String { JSONText.string(v) }
        var out = "{\n  \"a\": \(s(nameA)),\n  \"b\": \(s(nameB)),\n  \"metrics\": {"
        out += JSONText.lines(d.metrics.map { m in
            "\(s(m.key)): {\"a\": \(n(m.a)), \"b\": \(n(m.b)), \"delta\": \(n(m.absolute)), \"relative\": \(n(m.relative))}"
        }, indent: "    ")
        let r = d.requests
        out += "\n  },\n  \"requests\": {\"matched\": \(r.matched), \"only_in_a\": \(r.onlyInA), \"only_in_b\": \(r.onlyInB), "
        out += "\"slower\": \(r.slower), \"faster\": \(r.faster), \"unchanged\": \(r.unchanged), "
        out += "\"mean_ttft_delta_ms\": \(n(r.meanTTFTDelta * 1000)), \"mean_e2e_delta_ms\": \(n(r.meanE2EDelta * 1000)), \"top\": ["
        out += JSONText.lines(r.top.map { c in
            "{\"id\": \(s(c.id)), \"ttft_a_ms\": \(n(c.ttftA * 1000)), \"ttft_b_ms\": \(n(c.ttftB * 1000)), "
                + "\"ttft_delta_ms\": \(n(c.ttftDelta * 1000)), \"e2e_a_ms\": \(n(c.e2eA * 1000)), "
                + "\"e2e_b_ms\": \(n(c.e2eB * 1000)), \"e2e_delta_ms\": \(n(c.e2eDelta * 1000))}"
        }, indent: "    ")
        out += r.top.isEmpty ? "]},\n" : "\n  ]},\n"
        out += "  \"steps_compared\": \(d.stepsCompared),\n  \"divergence\": "
        if let v = d.divergence {
            out += "{\"index\": \(v.index), \"what\": \(s(v.what)), \"a\": \(stepJSON(v.a)), \"b\": \(stepJSON(v.b))}"
        } else {
            out += "null"
        }
        if d.isFleet {
            out += ",\n  \"routes_compared\": \(d.routesCompared),\n  \"route_divergence\": "
            if let r = d.routeDivergence {
                func side(_ id: String?, _ k: Int?) -> String {
                    guard let id, let k else { return "null" }
                    return "{\"id\": \(s(id)), \"replica\": \(k)}"
                }
                out += "{\"index\": \(r.index), \"a\": \(side(r.aID, r.aReplica)), \"b\": \(side(r.bID, r.bReplica))}"
            } else {
                out += "null"
            }
        }
        out += ",\n  \"fail_if\": ["
        out += verdicts.map {
            "{\"condition\": \(s($0.condition.text)), \"holds\": \($0.holds), \"change\": \(n($0.condition.change($0.delta)))}"
        }.joined(separator: ", ")
        out += "]\n}\n"
        return out
    }

    private static func stepJSON(_ step: NamedStep?) -> String {
        guard let step else { return "null" }
        let batch = step.batch.map { "[\(JSONText.string($0.id)),\($0.tokens)]" }.joined(separator: ",")
        let pre = step.preempted.map(JSONText.string).joined(separator: ",")
        let fin = step.finished.map(JSONText.string).joined(separator: ",")
        return "{\"step\": \(step.step), \"t\": \(JSONText.number(step.time)), \"batch\": [\(batch)], \"preempted\": [\(pre)], \"finished\": [\(fin)]}"
    }
}
