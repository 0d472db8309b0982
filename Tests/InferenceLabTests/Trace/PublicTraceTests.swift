import Foundation
import Testing
@testable import InferenceLab
import InferenceLabCore

/// End to end over the shared public traces and the samples in traces/.
@Suite("public traces")
struct PublicTraceTests {
    @Test("converting the raw traces reproduces the shipped native files",
          .enabled(if: tracesPublicPresent, "shared/traces-public beside the package (or INFERENCE_LAB_PUBLIC_TRACES) is absent: skipped"),
          arguments: [
            (TraceFormat.azure, "AzureLLMInferenceTrace_conv.csv.gz", "azure2023_conv.native.jsonl.gz"),
            (.azure, "AzureLLMInferenceTrace_code.csv.gz", "azure2023_code.native.jsonl.gz"),
            (.mooncake, "mooncake_conversation_trace.jsonl.gz", "mooncake_conversation.blk512.native.jsonl.gz"),
            (.mooncake, "mooncake_synthetic_trace.jsonl.gz", "mooncake_synthetic.blk512.native.jsonl.gz"),
          ])
    func reproduceNative(format: TraceFormat, raw: String, native: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("converted.jsonl.gz")
        let report = try TraceConverter.convert(from: format, input: "\(tracesPublicDirectory)/raw/\(raw)", output: out)
        var mine = try TraceReader(path: out)
        var shipped = try TraceReader(path: "\(tracesPublicDirectory)/native/\(native)")
        var n = 0
        while let expected = try shipped.next() {
            let got = try #require(try mine.next(), "converted file ends at record \(n)")
            #expect(abs(got.arrivalTime - expected.arrivalTime) <= 1e-6, "record \(n)")
            #expect(got.promptTokens == expected.promptTokens, "record \(n)")
            #expect(got.outputTokens == expected.outputTokens, "record \(n)")
            #expect(got.prefixHashes == expected.prefixHashes, "record \(n)")
            #expect(got.id == expected.id)
            n += 1
            if got != expected && n > 5 { break }
        }
        #expect(try mine.next() == nil)
        #expect(report.written == n)
        #expect(n > 3000)
    }

    @Test("the first 2000 requests of the Azure conversation sample replay with configs/config.toml")
    func azureSample() throws {
        var config = try ConfigLoader.load(path: packageRoot + "/configs/config.toml").config
        let path = packageRoot + "/traces/azure_conv.sample.jsonl.gz"
        config.workload.arrivalPattern = .trace
        config.workload.tracePath = path
        config.workload.numRequests = 2000
        let (summary, sim) = try simulate(config, try TraceSource(path: path, maxRequests: 2000))
        #expect(sim.source.error == nil)
        #expect(sim.status == .complete)
        #expect(summary.arrived == 2000)
        #expect(summary.completed + summary.rejected == 2000)
        #expect(summary.completed > 1900)
        #expect(summary.ttft.count == summary.completed)
    }

    @Test("the Mooncake sample with 512-token prefix hashes hits the prefix cache")
    func mooncakeSample() throws {
        var config = try ConfigLoader.load(path: packageRoot + "/configs/config.toml").config
        config.scheduler.prefixHashBlockSize = 512
        let path = packageRoot + "/traces/mooncake_conversation.blk512.sample.jsonl.gz"
        let (summary, sim) = try simulate(config, try TraceSource(path: path))
        #expect(sim.source.error == nil)
        #expect(sim.status == .complete)
        #expect(summary.arrived == 300)
        #expect(summary.rejected > 0)  // prompts beyond Llama-3-70B's 8192 tokens
        #expect(summary.completed + summary.rejected == 300)
        #expect(summary.prefixCacheHitRate > 0)

        // Without the right block size the hashes cover 16-token blocks: the shared system
        // prompt (block 0) covers only the first 16 tokens, and hits are rarer.
        config.scheduler.prefixHashBlockSize = 16
        let (mismatched, _) = try simulate(config, try TraceSource(path: path))
        #expect(mismatched.prefixCacheHitRate < summary.prefixCacheHitRate)
    }
}
