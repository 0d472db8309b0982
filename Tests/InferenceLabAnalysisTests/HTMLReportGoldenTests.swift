import Foundation
import Testing
@testable import InferenceLabAnalysis

/// Pins the exact bytes of a one-node (schema-1) log's HTML report, so that the fleet's
/// per-replica section cannot change a one-node page. The hash was taken from the report
/// code before the per-replica section existed; a change here must be a deliberate change of
/// the one-node page (update the hash and say why in the commit message).
@Suite("HTML report of a one-node log (golden)")
struct HTMLReportGoldenTests {
    /// FNV-1a, 64 bits.
    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The default node with 40 requests, logged with a fixed header config (so that new
    /// config keys do not change the page) and rendered; the log's path and the version in the footer are replaced.
    static func page(windows: Int) throws -> String {
        var config = SimulatorConfig.default
        config.workload.numRequests = 40
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-golden-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/one.jsonl"
        let configJSON = #"{"hardware":{"name":"H100","compute_flops":989000000000000,"memory_bandwidth":3350000000000},"#
            + #""model":{"name":"llama-3-70b"},"scheduler":{"policy":"fcfs","max_num_batched_tokens":8192,"max_num_seqs":256},"#
            + #""workload":{"arrival_pattern":"poisson","arrival_rate":5,"num_requests":40,"seed":42}}"#
        var sim = try Simulator(config: config)
        var writer = try EventLogWriter(path: path, version: "golden", seed: config.workload.seed, configJSON: configJSON)
        let status = sim.run(into: &writer)
        try writer.finish(status: status)
        let data = try ReportData.read(path: path, buckets: windows)
        return HTMLReport.render(data)
            .replacingOccurrences(of: path, with: "one.jsonl")  // the page names the log
            .replacingOccurrences(of: "inference-lab-analyze \(InferenceLabVersion.string) ·", with: "inference-lab-analyze VERSION ·")
    }

    @Test("a one-node log's report is byte-identical to the page before the per-replica section")
    func oneNodeUnchanged() throws {
        let page = try Self.page(windows: 400)
        #expect(!page.contains("Per replica"))
        #expect(Self.fnv1a(page) == 4456202543719131340, "hash \(Self.fnv1a(page)), \(page.utf8.count) bytes")
        let coarse = try Self.page(windows: 20)
        #expect(Self.fnv1a(coarse) == 9505389329991574924, "hash \(Self.fnv1a(coarse)), \(coarse.utf8.count) bytes")
    }
}
