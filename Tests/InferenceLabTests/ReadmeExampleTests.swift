import Foundation
import InferenceLab
import Testing

/// The library example of docs/architecture.md, compiled and run here; the second test checks
/// that the page still shows exactly these lines, so the two cannot drift apart.
@Suite struct ReadmeExampleTests {
    @Test func libraryExampleRuns() throws {
        // README-EXAMPLE-BEGIN
        var config = SimulatorConfig.default                  // or: try ConfigLoader.load(path: "x.toml").config
        config.scheduler.maxNumBatchedTokens = 4096
        config.workload.numRequests = 100
        var simulator = try Simulator(config: config)         // synthetic workload from [workload]
        var metrics = MetricsReducer(config: config)
        simulator.run(into: &metrics)
        let summary = metrics.summary()
        print(summary.ttft.p99, summary.outputThroughput)
        // README-EXAMPLE-END
        #expect(summary.completed == 100)
        #expect(summary.outputThroughput > 0)
    }

    @Test func readmeShowsTheTestedExample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let lines = source.components(separatedBy: "\n")
        guard let begin = lines.firstIndex(where: { $0.hasSuffix("// README-EXAMPLE-BEGIN") }),
              let end = lines.firstIndex(where: { $0.hasSuffix("// README-EXAMPLE-END") }) else {
            Issue.record("markers missing"); return
        }
        let example = lines[(begin + 1)..<end].map { String($0.dropFirst(8)) }.joined(separator: "\n")
        #expect(readme.contains("import InferenceLab\n\n" + example + "\n```"))
    }

    /// Every TOML block of the README loads as a config (with the catalog in configs/), so
    /// the front door never shows a config the tool refuses.
    @Test func readmeConfigBlocksLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```toml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(!blocks.isEmpty)
        for block in blocks {
            let loaded = try ConfigLoader.parse(block, file: "README.md", configDirectory: root.appendingPathComponent("configs").path)
            #expect(loaded.config.hardware.tensorParallelSize >= 1)
        }
    }
}
