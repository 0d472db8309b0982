import Foundation
import Testing

@Suite("[engine] vllm_version end to end")
struct EngineEndToEndTests {
    @Test("vllm_version = 0.15.1: client times in the log, analyzer == simulator, slower than without")
    func vllmProfileRun() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        _ = try dir.config("base.toml", requests: 40, rate: 0.2)
        var text = try dir.read("base.toml")
        text += "\n[engine]\nvllm_version = \"0.15.1\"\n"
        let engine = try dir.write(text, "engine.toml")
        // The same vLLM defaults with every engine cost 0: the step-time model alone.
        let zeroCosts = ["api_request_seconds", "api_prompt_token_seconds", "api_output_token_seconds",
                         "step_seconds", "step_request_seconds", "step_token_seconds"].map { "\($0) = 0\n" }.joined()
        let plain = try dir.write(text + zeroCosts, "plain.toml")

        let (log, simJSON) = try dir.simulate(engine, "run.jsonl.gz")
        let r = try Tool.analyze(["summary", log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == simJSON)

        let export = try Tool.analyze(["export", log, "--requests", dir.file("requests.csv")])
        #expect(export.status == 0, "\(export.stderr)")
        let plainRun = try Tool.simulate(["-c", plain, "--json", "-q"])
        #expect(plainRun.status == 0, "\(plainRun.stderr)")
        let a = try jsonObject(simJSON), b = try jsonObject(plainRun.stdout)
        let ttft = try #require(a["mean_ttft_ms"] as? Double), plainTTFT = try #require(b["mean_ttft_ms"] as? Double)
        #expect(ttft > plainTTFT, "the API server and engine-core overheads add to TTFT")
        #expect(a["completed"] as? Int == 40)

        let header = try Tool.simulate(["-c", engine, "--events", "-", "-q"])
        #expect(header.status == 0, "\(header.stderr)")
        let lines = header.stdout.split(separator: "\n")
        #expect(lines.first?.contains(#""engine":{"vllm_version":"0.15.1""#) == true)
        #expect(lines.contains { $0.hasPrefix(#"{"type":"arrival""#) && $0.contains(#""client_t":"#) })
        #expect(lines.contains { $0.hasPrefix(#"{"type":"first_token""#) && $0.contains(#""client_t":"#) }
                || !text.contains("api_output_token_seconds"))
    }

    @Test("an unknown vllm_version exits 2 naming the file, line and key and the known profiles")
    func unknownVersion() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        _ = try dir.config("plain.toml", requests: 5, rate: 4)
        let text = try dir.read("plain.toml") + "\n[engine]\nvllm_version = \"0.1\"\n"
        let path = try dir.write(text, "bad.toml")
        let r = try Tool.simulate(["-c", path, "-q"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.toml:"), "\(r.stderr)")
        #expect(r.stderr.contains("engine.vllm_version"), "\(r.stderr)")
        #expect(r.stderr.contains("\"0.15.1\""), "\(r.stderr)")
    }
}
