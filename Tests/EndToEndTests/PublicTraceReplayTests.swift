import Foundation
import Testing

/// Real production traces replay end to end (skipped where they are absent). They are read
/// from `native/` in the folder named by `INFERENCE_LAB_PUBLIC_TRACES`, else in
/// `shared/traces-public` beside the repository.
@Suite struct PublicTraceReplayTests {
    static let tracesPublic: URL = ProcessInfo.processInfo.environment["INFERENCE_LAB_PUBLIC_TRACES"]
        .map { URL(fileURLWithPath: $0) }
        ?? Tool.packageRoot.deletingLastPathComponent().appendingPathComponent("shared").appendingPathComponent("traces-public")
    static let native = tracesPublic.appendingPathComponent("native")
    static var available: Bool {
        FileManager.default.fileExists(atPath: native.appendingPathComponent("azure2023_conv.native.jsonl.gz").path)
    }

    /// The whole Azure 2023 conversation trace (19,366 requests, one hour) under
    /// configs/config.toml: the node is overloaded (5.5 req/s offered), so requests queue and
    /// some are preempted, but every request that fits max_seq_len completes and the
    /// analyzer agrees with the simulator.
    @Test(.enabled(if: available, "the public traces are absent (set INFERENCE_LAB_PUBLIC_TRACES)"))
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
