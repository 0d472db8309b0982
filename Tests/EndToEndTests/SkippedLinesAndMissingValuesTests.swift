import Foundation
import Testing

/// Nothing is lost without a trace: lines skipped under `--skip-invalid` are counted in the
/// JSON summary and the event log, and a metric without samples is `null`, not 0.
@Suite("skipped lines and missing values")
struct SkippedLinesAndMissingValuesTests {
    /// 30 lines, every third with a zero prompt (invalid).
    static func partlyInvalidTrace(_ dir: Scratch) throws -> String {
        var text = ""
        for i in 0..<30 {
            let prompt = i % 3 == 0 ? 0 : 100
            text += "{\"arrival_time\": \(Double(i) / 10), \"prompt_tokens\": \(prompt), \"output_tokens\": 5}\n"
        }
        return try dir.write(text, "t.jsonl")
    }

    @Test("--skip-invalid -q: the count and first reasons in --json, -o, the end record and the analyzer's summary")
    func skippedLinesAreReported() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let trace = try Self.partlyInvalidTrace(dir)
        let log = dir.file("run.jsonl"), out = dir.file("s.json")
        let r = try Tool.simulate(["--trace", trace, "--skip-invalid", "-q", "--json", "-o", out, "--events", log])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["completed"] as? Int == 20)
        #expect(o["skipped_lines"] as? Int == 10)
        let reasons = o["skipped_reasons"] as? [String] ?? []
        #expect(reasons.count == 5)
        #expect(reasons.first == "\(trace):1: prompt_tokens: must be a positive number of tokens, got 0")
        #expect(try dir.read("s.json") == r.stdout)

        let end = try dir.read("run.jsonl").split(separator: "\n").last.map(String.init) ?? ""
        let endRecord = try jsonObject(end)
        #expect(endRecord["type"] as? String == "end")
        #expect(endRecord["skipped_lines"] as? Int == 10)
        #expect((endRecord["skipped_reasons"] as? [String]) == reasons)

        let json = try Tool.analyze(["summary", log, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout == r.stdout)
        let csv = try Tool.analyze(["summary", log, "--csv"]).stdout.split(separator: "\n")
        #expect(csv.first?.hasSuffix(",skipped_lines") == true)
        #expect(csv.last?.hasSuffix(",10") == true)
        let text = try Tool.analyze(["summary", log]).stdout
        #expect(text.contains("SKIPPED TRACE LINES\n  10 invalid lines skipped; the first 5:\n    \(trace):1: prompt_tokens:"), "\(text)")
    }

    @Test("a run that skipped nothing has no skipped keys (and its log no new fields)")
    func nothingSkippedAddsNothing() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let trace = try dir.write("{\"arrival_time\": 0, \"prompt_tokens\": 10, \"output_tokens\": 3}\n", "ok.jsonl")
        let log = dir.file("run.jsonl")
        let r = try Tool.simulate(["--trace", trace, "--skip-invalid", "-q", "--json", "--events", log])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("skipped"))
        #expect(try !dir.read("run.jsonl").contains("skipped"))
        #expect(try Tool.analyze(["summary", log, "--json"]).stdout == r.stdout)
    }

    @Test("a hand-written end record with skipped fields is read; one without them too")
    func analyzerReadsBothForms() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let with = tinyLog.replacingOccurrences(
            of: "\"sim_time\":0.6}", with: "\"sim_time\":0.6,\"skipped_lines\":7,\"skipped_reasons\":[\"t.jsonl:3: x\"]}")
        let a = try Tool.analyze(["summary", try dir.write(with, "with.jsonl"), "--json"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout.contains("\"skipped_lines\": 7,\n  \"skipped_reasons\": [\"t.jsonl:3: x\"]\n}"), "\(a.stdout)")
        let b = try Tool.analyze(["summary", try dir.write(tinyLog, "without.jsonl"), "--json"])
        #expect(b.status == 0 && !b.stdout.contains("skipped"), "\(b.stderr)")
        let wrongType = tinyLog.replacingOccurrences(of: "\"sim_time\":0.6}", with: "\"sim_time\":0.6,\"skipped_reasons\":[3]}")
        let c = try Tool.analyze(["summary", try dir.write(wrongType, "bad.jsonl")])
        #expect(c.status == 2 && c.stderr.contains("bad.jsonl:16: skipped_reasons: expected a string"), "\(c.stderr)")
    }

    @Test("no completed request: latencies are null in JSON, '-' in text, empty in CSV")
    func missingLatenciesAreNull() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        // The only request cannot be served (prompt ≥ max_seq_len): rejected, nothing completes.
        let trace = try dir.write("{\"arrival_time\": 0, \"prompt_tokens\": 900000, \"output_tokens\": 5}\n", "big.jsonl")
        let log = dir.file("empty.jsonl")
        let r = try Tool.simulate(["--trace", trace, "-q", "--json", "--events", log])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["completed"] as? Int == 0)
        for stem in ["ttft", "tpot", "itl", "e2el", "queue"] {
            for stat in ["mean", "median", "min", "max", "p50", "p90", "p95", "p99"] {
                #expect(o["\(stat)_\(stem)_ms"] is NSNull, "\(stat)_\(stem)_ms")
            }
        }
        #expect(o["rejected"] as? Int == 1)
        let analyzed = try Tool.analyze(["summary", log, "--json"])
        #expect(analyzed.stdout == r.stdout)
        let csv = try Tool.analyze(["summary", log, "--csv"]).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let header = csv[0].split(separator: ",", omittingEmptySubsequences: false)
        let values = csv[1].split(separator: ",", omittingEmptySubsequences: false)
        let p99 = header.firstIndex(of: "p99_ttft_ms")
        #expect(p99.map { values[$0] } == "")
        let text = try Tool.analyze(["summary", log]).stdout
        #expect(text.contains("TTFT (ms)                   -          -"), "\(text)")
    }

    @Test("--fail-if on a value missing on either side holds (exit 1) and names the key")
    func failIfOnMissingValueFails() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let big = try dir.write("{\"arrival_time\": 0, \"prompt_tokens\": 900000, \"output_tokens\": 5}\n", "big.jsonl")
        let empty = dir.file("empty.jsonl"), base = dir.file("base.jsonl")
        #expect(try Tool.simulate(["--trace", big, "-q", "--events", empty]).status == 0)
        let trace = try Self.partlyInvalidTrace(dir)
        #expect(try Tool.simulate(["--trace", trace, "--skip-invalid", "-q", "--events", base]).status == 0)

        let r = try Tool.analyze(["diff", base, empty, "--fail-if", "p99_ttft_ms>+5%"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("fail-if: p99_ttft_ms>+5%: holds: p99_ttft_ms is missing in B"), "\(r.stderr)")
        // The text shows a missing value and its change as '-'.
        let row = r.stdout.split(separator: "\n").first { $0.hasPrefix("p99_ttft_ms ") }.map(String.init) ?? ""
        #expect(row.hasSuffix("               -               -         -"), "\(row)")
        let reversed = try Tool.analyze(["diff", empty, base, "--fail-if", "p99_ttft_ms<-5%", "--json"])
        #expect(reversed.status == 1, "\(reversed.stderr)")
        #expect(reversed.stderr.contains("p99_ttft_ms is missing in A"), "\(reversed.stderr)")
        let both = try Tool.analyze(["diff", empty, empty, "--fail-if", "mean_e2el_ms>10"])
        #expect(both.status == 1 && both.stderr.contains("mean_e2el_ms is missing in A and B"), "\(both.stderr)")
        // A key that has values on both sides still decides by its change.
        let present = try Tool.analyze(["diff", base, empty, "--fail-if", "rejected<0"])
        #expect(present.status == 0, "\(present.stderr)")
    }
}
