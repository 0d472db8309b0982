import Foundation
import Testing

/// `[workload] request_timeout` and `warmup_trace` / `--warmup-trace` through the executables.
private func n(_ v: Any?) -> Int { (v as! NSNumber).intValue }
private func d(_ v: Any?) -> Double { (v as! NSNumber).doubleValue }

@Suite("benchmark state: timeouts and warmup")
struct BenchmarkStateEndToEndTests {
    /// Two requests with the same 48-token prefix (3 hashes of 16 tokens).
    static let trace = """
        {"request_id":"m1","arrival_time":0,"prompt_tokens":64,"output_tokens":4,"prefix_hashes":[1,2,3,4]}
        {"request_id":"m2","arrival_time":0.5,"prompt_tokens":64,"output_tokens":4,"prefix_hashes":[1,2,3,9]}

        """
    static let warmup = """
        {"request_id":"w1","arrival_time":100,"prompt_tokens":64,"output_tokens":2,"prefix_hashes":[1,2,3,4]}

        """

    /// A config replaying `trace.jsonl` with 16-token prefix hashes.
    static func config(_ dir: Scratch, _ extra: String = "") throws -> String {
        try dir.config("c.toml", [
            ("arrival_pattern = \"poisson\"", "arrival_pattern = \"trace\"\ntrace_path = \"\(dir.file("trace.jsonl"))\"\n" + extra),
        ])
    }

    @Test("a warmup fills the prefix cache for the measured requests, which alone are counted; the analyzer agrees")
    func warmupFromTheCommandLine() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        _ = try dir.write(Self.trace, "trace.jsonl")
        let warm = try dir.write(Self.warmup, "warm.jsonl")
        let config = try Self.config(dir)

        let cold = try Tool.simulate(["-c", config, "--json", "-q"])
        #expect(cold.status == 0, "\(cold.stderr)")
        let log = dir.file("run.jsonl.gz")
        let warmRun = try Tool.simulate(["-c", config, "--json", "-q", "--warmup-trace", warm, "--events", log])
        #expect(warmRun.status == 0, "\(warmRun.stderr)")
        let c = try jsonObject(cold.stdout), w = try jsonObject(warmRun.stdout)
        #expect(n(c["completed"]) == 2 && n(w["completed"]) == 2)
        #expect(n(c["arrived"]) == 2 && n(w["arrived"]) == 2)
        // Cold: m2 hits m1's 3 shared blocks (48 tokens). Warm: m1 also hits w1's 3 blocks.
        #expect(n(c["prefix_cache_hit_tokens"]) == 48)
        #expect(n(w["prefix_cache_hit_tokens"]) == 96)
        // Hit rates over the measured prompts (2 × 64 tokens): 48/128 cold, 96/128 warm. (A
        // 70B model's small prefills are memory-bound: the TTFT hardly changes here.)
        #expect(d(c["prefix_cache_hit_rate"]) == 0.375 && d(w["prefix_cache_hit_rate"]) == 0.75)
        #expect(n(w["timed_out"]) == 0)

        let summary = try Tool.analyze(["summary", log, "--json"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout == warmRun.stdout)

        // The same warmup named in the config; an empty warmup file is no warmup at all.
        let fromConfig = try Tool.simulate(["-c", try Self.config(dir, "warmup_trace = \"\(warm)\""), "--json", "-q"])
        #expect(fromConfig.stdout == warmRun.stdout, "\(fromConfig.stderr)")
        let empty = try dir.write("", "empty.jsonl")
        let none = try Tool.simulate(["-c", config, "--json", "-q", "--warmup-trace", empty])
        #expect(none.status == 0 && none.stdout == cold.stdout, "\(none.stderr)")
    }

    @Test("timed-out requests are counted, written to the log and read back to the same summary")
    func timeouts() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        // 80 requests at 100 req/s on the default 70B model: the queue grows, and clients give
        // up after 4 s.
        let config = try dir.config("c.toml", requests: 80, rate: 100, [("seed = 42", "seed = 42\nrequest_timeout = 4.0")])
        let (log, json) = try dir.simulate(config, "run.jsonl.gz")
        let s = try jsonObject(json)
        let timedOut = n(s["timed_out"])
        #expect(timedOut > 0)
        #expect(n(s["completed"]) + n(s["rejected"]) + timedOut == 80)
        #expect(json.hasSuffix("\"timed_out\": \(timedOut)\n}\n"), "the last key")
        let summary = try Tool.analyze(["summary", log, "--json"])
        #expect(summary.stdout == json, "\(summary.stderr)")
        let text = try Tool.simulate(["-c", config])
        #expect(text.stdout.contains("(\(timedOut) timed out)"))

        let export = try Tool.analyze(["export", log, "--requests", dir.file("r.csv")])
        #expect(export.status == 0, "\(export.stderr)")
        let rows = try dir.read("r.csv").split(separator: "\n")
        #expect(rows.filter { $0.contains(",timed_out,") }.count == timedOut)
    }
}
