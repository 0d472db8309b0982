import Foundation
import Testing

/// Real production traces from the shared folder replay end to end (skipped where the
/// shared folder is absent).
@Suite struct PublicTraceReplayTests {
    static let native = Tool.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/traces-public/native")
    static var available: Bool {
        FileManager.default.fileExists(atPath: native.appendingPathComponent("azure2023_conv.native.jsonl.gz").path)
    }

    /// The whole Azure 2023 conversation trace (19,366 requests, one hour) under
    /// configs/config.toml: the node is overloaded (5.5 req/s offered), so requests queue and
    /// some are preempted, but every request that fits max_seq_len completes and the
    /// analyzer agrees with the simulator.
    @Test(.enabled(if: available, "shared/traces-public not found"))
    func azureConversationTraceReplays() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let log = scratch.file("azure.jsonl.gz")
        let trace = Self.native.appendingPathComponent("azure2023_conv.native.jsonl.gz").path
        let r = try Tool.simulate(["--config", "configs/config.toml", "--trace", trace, "--events", log, "--json", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let s = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let completed = s["completed"] as? Int ?? 0, rejected = s["rejected"] as? Int ?? 0
        #expect(completed + rejected == 19_366)
        #expect(rejected < 10)
        #expect((s["preemptions"] as? Int ?? 0) > 0)
        let analyzed = try Tool.analyze(["summary", log, "--json"])
        #expect(analyzed.status == 0)
        #expect(analyzed.stdout == r.stdout)
    }
}
