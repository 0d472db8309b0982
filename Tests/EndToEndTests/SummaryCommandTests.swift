import Foundation
import Testing

@Suite("inference-lab-analyze summary")
struct SummaryCommandTests {
    @Test("summary --json equals the simulator's --json, byte for byte; also from stdin and as CSV")
    func equalsSimulator() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.config("c.toml", requests: 50, rate: 20)
        let (log, simJSON) = try dir.simulate(config, "run.jsonl.gz")

        let r = try Tool.analyze(["summary", log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == simJSON)
        let a = try jsonObject(r.stdout), b = try jsonObject(simJSON)
        #expect(a.count == b.count && a.count > 50)
        for (k, v) in b { #expect((a[k] as? NSNumber) == (v as? NSNumber), "\(k)") }

        let piped = try Tool.analyze(["summary", "-", "--json"], stdinPath: log)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == simJSON)

        let csv = try Tool.analyze(["summary", log, "--csv"])
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows[0].split(separator: ",").count == b.count)
        #expect(rows[0].hasPrefix("completed,rejected,arrived,duration"))

        let text = try Tool.analyze(["summary", log])
        #expect(text.stdout.contains("LATENCY METRICS"))
        #expect(text.stdout.contains("Completed requests: 50"))
    }

    @Test("a log of several 1 MiB gzip members, from a file and from stdin; truncated through stdin")
    func multiMemberLog() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.config("c.toml", requests: 400, rate: 20)
        let (log, simJSON) = try dir.simulate(config, "run.jsonl.gz")
        let plain = try Tool.analyze(["summary", log, "--json"])
        #expect(plain.stdout == simJSON, "\(plain.stderr)")
        let piped = try Tool.analyze(["summary", "-", "--json"], stdinPath: log)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == simJSON)
        // The writer starts a new member every 1 MiB of log: this one has several.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: log))
        var members = 0
        for i in 0..<(bytes.count - 3) where bytes[i] == 0x1F && bytes[i + 1] == 0x8B && bytes[i + 2] == 8 && bytes[i + 3] == 0 {
            members += 1
        }
        #expect(members >= 2, "expected a multi-member log, got \(bytes.count) bytes")
        let cut = dir.file("cut.jsonl.gz")
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let truncated = try Tool.analyze(["summary", "-", "--json"], stdinPath: cut)
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("<stdin>: truncated gzip stream (the file ends in the middle of compressed data)"),
                "\(truncated.stderr)")
    }

    @Test("SLO goodput and attainment, hand-checked on a tiny log")
    func goodput() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let log = try dir.write(tinyLog, "tiny.jsonl")
        // TTFT 100 ms for all; TPOT a = 250 ms, b none, c = 100 ms; duration 0.6 s.
        let r = try Tool.analyze(["summary", log, "--json", "--slo-ttft", "150", "--slo-tpot", "200"])
        #expect(r.status == 0, "\(r.stderr)")
        let keys = r.stdout.split(separator: "\n").compactMap { $0.split(separator: "\"").dropFirst().first.map(String.init) }
        #expect(keys.suffix(2) == ["goodput", "slo_attainment"])
        let o = try jsonObject(r.stdout)
        #expect(o["completed"] as? Int == 3)
        #expect(abs((o["goodput"] as? Double ?? 0) - 2 / 0.6) < 1e-12)
        #expect(abs((o["slo_attainment"] as? Double ?? 0) - 2.0 / 3) < 1e-12)

        // Only TPOT: a fails; only TTFT below 100 ms: none meet.
        let tpotOnly = try jsonObject(try Tool.analyze(["summary", log, "--json", "--slo-tpot", "300"]).stdout)
        #expect(abs((tpotOnly["slo_attainment"] as? Double ?? 0) - 1) < 1e-12)
        let strict = try jsonObject(try Tool.analyze(["summary", log, "--json", "--slo-ttft", "50", "--slo-tpot", "1000"]).stdout)
        #expect(strict["goodput"] as? Double == 0)

        let text = try Tool.analyze(["summary", log, "--slo-ttft", "150", "--slo-tpot", "200"])
        #expect(text.stdout.contains("SLO (TTFT ≤ 150 ms, TPOT ≤ 200 ms)"))
        #expect(text.stdout.contains("Attainment:         66.7% (2 of 3 completed)"))
        #expect(text.stdout.contains("Goodput:            3.333 req/s"))
    }

    @Test("usage errors exit 2")
    func usage() throws {
        #expect(try Tool.analyze(["summary", "x", "--json", "--csv"]).status == 2)
        #expect(try Tool.analyze(["summary"]).status == 2)
        #expect(try Tool.analyze(["summary", "x", "--slo-ttft", "-1"]).status == 2)
        #expect(try Tool.analyze(["frobnicate"]).status == 2)
    }
}
