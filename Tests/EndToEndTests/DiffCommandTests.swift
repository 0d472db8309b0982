import Foundation
import Testing

@Suite("inference-lab-analyze diff")
struct DiffCommandTests {
    @Test("a log diffed with itself: zero deltas, no divergence, every request unchanged")
    func itself() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let (log, _) = try dir.simulate(try dir.config("c.toml"), "a.jsonl.gz")
        let r = try Tool.analyze(["diff", log, log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        let metrics = o["metrics"] as? [String: [String: Any]] ?? [:]
        #expect(metrics.count > 50)
        for (key, m) in metrics { #expect((m["delta"] as? NSNumber)?.doubleValue == 0, "\(key)") }
        #expect(o["divergence"] is NSNull)
        let requests = o["requests"] as? [String: Any] ?? [:]
        #expect(requests["matched"] as? Int == 60)
        #expect(requests["unchanged"] as? Int == 60)
        #expect((requests["top"] as? [Any])?.isEmpty == true)
        #expect((o["steps_compared"] as? Int ?? 0) > 100)

        // Text form, and A from standard input.
        let text = try Tool.analyze(["diff", "-", log], stdinPath: log)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("no divergence"))
        #expect(text.stdout.contains("0 slower, 0 faster, 60 unchanged"))
        #expect(try Tool.analyze(["diff", "-", "-"], stdinPath: log).status == 2)
    }

    @Test("a smaller token budget: more steps, and the schedules diverge at the first chunked prefill")
    func tokenBudget() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let (a, _) = try dir.simulate(try dir.config("a.toml"), "a.jsonl.gz")
        let small = try dir.config("b.toml", [("max_num_batched_tokens = 8192", "max_num_batched_tokens = 2048")])
        let (b, _) = try dir.simulate(small, "b.jsonl.gz")
        let r = try Tool.analyze(["diff", a, b, "--json", "--top", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        let metrics = o["metrics"] as? [String: [String: Double]] ?? [:]
        // Prompts are chunked into at most 2048 tokens per step: more steps.
        #expect((metrics["steps"]?["delta"] ?? 0) > 0)
        #expect(metrics["completed"]?["delta"] == 0)
        let d = try #require(o["divergence"] as? [String: Any])
        let stepA = try #require(d["a"] as? [String: Any]), stepB = try #require(d["b"] as? [String: Any])
        func tokens(_ s: [String: Any]) -> Int { (s["batch"] as? [[Any]] ?? []).reduce(0) { $0 + ($1[1] as? Int ?? 0) } }
        #expect(tokens(stepA) > 2048)
        #expect(tokens(stepB) <= 2048)
        #expect(d["what"] as? String == "batch")
        #expect((d["index"] as? Int ?? 0) >= 1)
        #expect((o["requests"] as? [String: Any])?["matched"] as? Int == 60)
        #expect(((o["requests"] as? [String: Any])?["top"] as? [Any])?.count == 3)

        let text = try Tool.analyze(["diff", a, b])
        #expect(text.stdout.contains("First divergence at step record #\(d["index"] as? Int ?? 0) (batch differs)"))
        #expect(text.stdout.contains("Most changed (by |ΔE2E|)"))
    }

    @Test("--fail-if: 1 when a condition holds, 0 when none does, 2 for a bad condition")
    func failIf() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let (a, _) = try dir.simulate(try dir.config("a.toml"), "a.jsonl.gz")
        let small = try dir.config("b.toml", [("max_num_batched_tokens = 8192", "max_num_batched_tokens = 2048")])
        let (b, _) = try dir.simulate(small, "b.jsonl.gz")

        let holds = try Tool.analyze(["diff", a, b, "--fail-if", "steps>+0.1%"])
        #expect(holds.status == 1)
        #expect(holds.stderr.contains("fail-if: steps>+0.1%: holds"))
        #expect(try Tool.analyze(["diff", a, b, "--fail-if", "steps>0"]).status == 1)
        #expect(try Tool.analyze(["diff", a, b, "--fail-if", "steps<-0.1%", "--fail-if", "completed>0"]).status == 0)
        #expect(try Tool.analyze(["diff", a, b, "--fail-if", "completed<-1%", "--fail-if", "steps>=1"]).status == 1)
        #expect(try Tool.analyze(["diff", a, a, "--fail-if", "p99_ttft_ms>+5%"]).status == 0)

        let unknown = try Tool.analyze(["diff", a, b, "--fail-if", "p99_ttf_ms>+5%"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown summary key 'p99_ttf_ms' (did you mean 'p99_ttft_ms'?)"))
        #expect(try Tool.analyze(["diff", a, b, "--fail-if", "p99_ttft_ms=5"]).status == 2)
        #expect(try Tool.analyze(["diff", a, b, "--fail-if", "p99_ttft_ms>five%"]).status == 2)
    }
}
