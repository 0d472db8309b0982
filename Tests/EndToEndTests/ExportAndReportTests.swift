import Foundation
import Testing

@Suite("inference-lab-analyze export and report")
struct ExportAndReportTests {
    @Test("export: one row per finished or rejected request and per step; a hand-checked row")
    func export() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let log = try dir.write(tinyLog, "tiny.jsonl")
        let r = try Tool.analyze(["export", log, "--requests", dir.file("r.csv"), "--steps", dir.file("s.csv")])
        #expect(r.status == 0, "\(r.stderr)")
        let requests = try dir.read("r.csv").split(separator: "\n").map(String.init)
        #expect(requests.count == 1 + 4)
        #expect(requests[0] == "id,arrival,first_token,finish,ttft_ms,tpot_ms,e2e_ms,queue_ms,prompt_tokens,output_tokens,preemptions,cached_tokens,status,reason")
        #expect(requests[1] == "r,0,,,,,,,0,0,0,0,rejected,prompt_too_long")
        #expect(requests[2] == "b,0,0.1,0.1,100,,100,0,10,1,0,0,finished,")
        // a: TTFT 100 ms, TPOT (0.6 − 0.1) / 2, E2E 600 ms.
        let a = requests[4].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(a[0] == "a" && a[3] == "0.6" && a[4] == "100" && a[6] == "600" && a[12] == "finished")
        #expect(abs(Double(a[5])! - 250) < 1e-9)
        let steps = try dir.read("s.csv").split(separator: "\n").map(String.init)
        #expect(steps.count == 1 + 4)
        #expect(steps[1] == "1,0,0.1,3,30,0,2,0,3,100,1000000000000,10000000000,0,1")

        // A simulated run: row counts match the summary.
        let (big, json) = try dir.simulate(try dir.config("c.toml"), "run.jsonl.gz")
        let summary = try jsonObject(json)
        let e = try Tool.analyze(["export", big, "--requests", dir.file("r2.csv.gz"), "--steps", dir.file("s2.csv"), "-q"])
        #expect(e.status == 0 && e.stderr.isEmpty, "\(e.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("r2.csv.gz")))
        let stepRows = try dir.read("s2.csv").split(separator: "\n").count
        #expect(stepRows == 1 + (summary["steps"] as? Int ?? -1))
        let piped = try Tool.analyze(["export", "-", "--requests", dir.file("r3.csv")], stdinPath: big)
        #expect(piped.status == 0)
        #expect(try dir.read("r3.csv").split(separator: "\n").count == 1 + (summary["arrived"] as? Int ?? -1))
    }

    @Test("report: a self-contained HTML file with SVG charts and no external URLs")
    func report() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let (log, _) = try dir.simulate(try dir.config("c.toml"), "run.jsonl.gz")
        let out = dir.file("report.html")
        let r = try Tool.analyze(["report", log, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 7)
        #expect(!html.contains("http"))
        #expect(!html.contains("<script"))
        for caption in ["Time to first token (CDF)", "KV cache use", "Running and waiting requests", "Batch tokens per step", "Output throughput"] {
            #expect(html.contains(caption), "\(caption)")
        }
        #expect(html.contains("time (s)"))
        #expect(html.contains("Completed requests") || html.contains("Requests completed"))
        #expect(try dir.contents().filter { $0.contains(".tmp") }.isEmpty)
    }
}

extension Scratch {
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path) }
}
