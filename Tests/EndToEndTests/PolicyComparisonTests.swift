import Foundation
import Testing

/// The users' main loop: freeze a workload as a trace, replay it under two scheduling
/// policies, and let `diff` say what changed.
@Suite struct PolicyComparisonTests {
    @Test("generate → replay with fcfs and with shortest-output-first → diff shows lower mean latency")
    func generateReplayTwoPoliciesDiff() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Few running slots and enough load that requests queue, so the waiting order matters.
        let config = try scratch.config("base.toml", requests: 150, rate: 8, [("max_num_seqs = 256", "max_num_seqs = 8")])
        let trace = scratch.file("workload.jsonl.gz")
        let generated = try Tool.simulate(["generate", "--config", config, trace])
        #expect(generated.status == 0, "\(generated.stderr)")

        let sjfConfig = try scratch.write(
            try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: #"policy = "fcfs""#, with: #"policy = "sjf""#), "sjf.toml")
        let fcfsLog = scratch.file("fcfs.jsonl.gz"), sjfLog = scratch.file("sjf.jsonl.gz")
        for (cfg, log) in [(config, fcfsLog), (sjfConfig, sjfLog)] {
            let r = try Tool.simulate(["--config", cfg, "--trace", trace, "--events", log, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }

        let diff = try Tool.analyze(["diff", fcfsLog, sjfLog, "--json"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        let metrics = try #require(json["metrics"] as? [String: [String: Any]], "\(diff.stdout.prefix(400))")
        func change(_ key: String) -> Double? { metrics[key]?["delta"] as? Double }
        // Shortest output first finishes short requests sooner: mean E2E and mean TTFT drop.
        let e2e = try #require(change("mean_e2el_ms"))
        #expect(e2e < 0)
        #expect(try #require(change("mean_ttft_ms")) < 0)
        // The same requests complete under both policies.
        #expect(change("completed") == 0)
        // The schedules diverge somewhere (the waiting order differs).
        #expect(diff.stdout.contains("divergence"))

        // A pipeline gate on the same comparison: fcfs → sjf does not regress mean E2E.
        let gate = try Tool.analyze(["diff", fcfsLog, sjfLog, "--fail-if", "mean_e2el_ms>+0%"])
        #expect(gate.status == 0, "\(gate.stderr)")
        let reverse = try Tool.analyze(["diff", sjfLog, fcfsLog, "--fail-if", "mean_e2el_ms>+0%"])
        #expect(reverse.status == 1)
    }
}
