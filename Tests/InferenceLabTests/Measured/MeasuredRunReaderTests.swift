import Foundation
import Testing
@testable import InferenceLab
import InferenceLabCore

@Suite("measured runs: vllm bench serve and inference-perf importers")
struct MeasuredRunReaderTests {
    static func read(_ text: String, format: MeasuredFormat? = nil, name: String = "run.json") throws -> MeasuredRun {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try writeOutput(text, to: dir.file(name))
        return try MeasuredRunReader.read(path: dir.file(name), format: format)
    }

    static func readError(_ text: String, format: MeasuredFormat? = nil) -> InputError? {
        inputError { _ = try read(text, format: format) }
    }

    static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test("vllm-bench detailed: per-request values and outcomes worked by hand")
    func vllmBenchDetailed() throws {
        let run = try Self.read(MeasuredFixtures.vllmBench)
        #expect(run.source == "vllm-bench")
        #expect(run.requests.count == 3)
        #expect(run.completed == 2)
        #expect(run.requests[2].error == "timeout")
        #expect(run.requests.map(\.startTime) == [0, 0.5, 1.0])
        #expect(Self.close(run.requests[0].e2e, 0.2))  // 0.1 + 0.05 + 0.05: no latencies in the file
        #expect(run.requestRate == 2 && run.burstiness == 1 && run.maxConcurrency == nil)
        let o = run.outcomes()
        let expected: [(OutcomeMetric, Double)] = [
            (.meanTTFT, 150), (.p50TTFT, 150), (.p90TTFT, 190), (.p99TTFT, 199),
            (.meanITL, 80), (.p50ITL, 100), (.p99ITL, 100),
            (.meanTPOT, 75), (.p50TPOT, 75), (.p99TPOT, 99.5),
            (.meanE2E, 350), (.p50E2E, 350), (.p90E2E, 470), (.p99E2E, 497),
            (.decodeITL, 80), (.duration, 1), (.requestThroughput, 2), (.outputThroughput, 7),
        ]
        for (m, v) in expected { #expect(Self.close(o[m], v), "\(m.rawValue): \(o[m] ?? .nan) ≠ \(v)") }
        // The published aggregates are kept apart (they use vLLM's own duration, 2.5 s).
        #expect(run.published[.requestThroughput] == 0.8)
        #expect(run.published[.p50TTFT] == 150)
        let trace = run.traceRequests()
        #expect(trace == [RequestSpec(id: "0", arrivalTime: 0, promptTokens: 10, outputTokens: 3),
                          RequestSpec(id: "1", arrivalTime: 0.5, promptTokens: 20, outputTokens: 4)])
    }

    @Test("vllm-bench without start_times: t = 0 for rate inf, refused or redrawn otherwise")
    func vllmBenchWithoutStarts() throws {
        var unlimited = try Self.read(MeasuredFixtures.vllmBenchWithoutStarts())
        #expect(!unlimited.hasStartTimes)
        #expect(Self.close(unlimited.requests[0].e2e, 0.25))  // latencies win over TTFT + Σ ITL
        try unlimited.prepareForReplay(redraw: false, seed: 1)
        #expect(unlimited.traceRequests().map(\.arrivalTime) == [0, 0])
        #expect(unlimited.arrivalNote?.contains("inf") == true)
        // Without send times the run's duration is vLLM's own.
        let plain = try Self.readOutcomes(MeasuredFixtures.vllmBenchWithoutStarts())
        #expect(Self.close(plain[.duration], 3))

        var rated = try Self.read(MeasuredFixtures.vllmBenchWithoutStarts(rate: "4.0"))
        let refused = inputError { try rated.prepareForReplay(redraw: false, seed: 1) }
        #expect(refused?.field == "start_times")
        #expect(refused?.message.contains("--redraw-arrivals") == true)
        try rated.prepareForReplay(redraw: true, seed: 7)
        var again = try Self.read(MeasuredFixtures.vllmBenchWithoutStarts(rate: "4.0"))
        try again.prepareForReplay(redraw: true, seed: 7)
        #expect(rated.traceRequests() == again.traceRequests(), "redrawn arrivals are seeded")
        #expect(rated.traceRequests()[0].arrivalTime == 0 && rated.traceRequests()[1].arrivalTime > 0)
        #expect(rated.arrivalNote?.hasPrefix("redrawn") == true)

        var limited = try Self.read(MeasuredFixtures.vllmBenchWithoutStarts(maxConcurrency: "2"))
        let concurrency = inputError { try limited.prepareForReplay(redraw: true, seed: 1) }
        #expect(concurrency?.message.contains("concurrency") == true)
    }

    static func readOutcomes(_ text: String) throws -> Outcomes { try read(text).outcomes() }

    @Test("vllm-bench aggregates only: the published values, and no replay")
    func vllmBenchAggregates() throws {
        var run = try Self.read(MeasuredFixtures.vllmBenchAggregates)
        #expect(run.requests.isEmpty)
        let o = run.outcomes()
        #expect(o[.meanTTFT] == 40 && o[.p50TTFT] == 35 && o[.p99TTFT] == 90)
        #expect(o[.requestThroughput] == 2 && o[.duration] == 10)
        #expect(Self.close(o[.decodeITL], 10))  // (1040 − 40) / (2020 / 20 − 1)
        #expect(o[.p90TTFT] == nil)
        let error = inputError { try run.prepareForReplay(redraw: true, seed: 1) }
        #expect(error?.message.contains("--save-detailed") == true)
    }

    @Test("inference-perf per-request file, v0.5 and v0.6 records")
    func inferencePerf() throws {
        let run = try Self.read(MeasuredFixtures.inferencePerf)
        #expect(run.source == "inference-perf")
        #expect(run.requests.map(\.inputTokens) == [12, 22, 5], "server usage wins over the client's count")
        #expect(run.requests.map(\.outputTokens) == [3, 3, 0])
        #expect(run.requests.map(\.startTime) == [0, 0.25, 0.75])
        #expect(run.requests[2].error == "ClientConnectorError: refused")
        #expect(Self.close(run.requests[0].ttft, 0.1) && Self.close(run.requests[1].ttft, 0.2))
        #expect(zip(run.requests[1].itls, [0.25, 0.3]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(Self.close(run.requests[1].e2e, 0.75))
        let o = run.outcomes()
        #expect(Self.close(o[.meanTTFT], 150))
        #expect(Self.close(o[.meanE2E], 625))
        #expect(Self.close(o[.meanITL], 237.5))  // (200 + 200 + 250 + 300) / 4
        #expect(Self.close(o[.duration], 1.0))   // last finish 0.25 + 0.75 − first send 0
        #expect(run.traceRequests().map(\.promptTokens) == [12, 22])
    }

    @Test("inference-perf summary report: aggregates in ms, from the validation data")
    func inferencePerfSummary() throws {
        let path = "tools/validate/data/inference-perf-runs/20260217-155451-llama-2-7b-tp1-codegen/results/summary_lifecycle_metrics.json"
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let run = try MeasuredRunReader.read(path: root.appendingPathComponent(path).path)
        let o = run.outcomes()
        #expect(run.requests.isEmpty)
        #expect(Self.close(o[.meanTTFT], 27.981806303111346))
        #expect(Self.close(o[.p50TTFT], 27.235565500063785))
        #expect(Self.close(o[.meanE2E], 2080.7397430955556))
        #expect(Self.close(o[.requestThroughput], 7.464036271643712))
        #expect(Self.close(o[.duration], 9000 / 7.464036271643712))
    }

    @Test("the measured-outcomes file reads back as the run it was written from")
    func measuredFileRoundTrip() throws {
        for text in [MeasuredFixtures.vllmBench, MeasuredFixtures.inferencePerf, MeasuredFixtures.vllmBenchAggregates] {
            let run = try Self.read(text)
            let back = try Self.read(MeasuredRunFile.render(run), name: "m.json")
            #expect(back.requests == run.requests)
            #expect(back.source == run.source && back.file == run.file)
            #expect(back.published == run.published)
            #expect(back.outcomes() == run.outcomes())
            #expect(back.requestRate == run.requestRate && back.maxConcurrency == run.maxConcurrency)
        }
    }

    @Test("malformed input: file, line and field named")
    func malformed() throws {
        var e = Self.readError(MeasuredFixtures.vllmBench.replacingOccurrences(of: "\"ttfts\": [0.1, 0.2, 0.0]", with: "\"ttfts\": [0.1, \"x\", 0.0]"))
        #expect(e?.field == "ttfts[1]" && e?.file.hasSuffix("run.json") == true)
        #expect(e?.line == 5 && e?.message.contains("expected a number") == true)
        e = Self.readError(MeasuredFixtures.vllmBench.replacingOccurrences(of: "\"output_lens\": [3, 4, 0]", with: "\"output_lens\": [3, 4]"))
        #expect(e?.field == "output_lens" && e?.message.contains("has 2 entries, input_lens has 3") == true)
        e = Self.readError(MeasuredFixtures.vllmBench.replacingOccurrences(of: "\"input_lens\": [10, 20, 30]", with: "\"input_lens\": [10, -20, 30]"))
        #expect(e?.field == "input_lens[1]" && e?.line == 5)
        e = Self.readError(MeasuredFixtures.vllmBench.replacingOccurrences(of: "\"ttfts\": [0.1, 0.2, 0.0]", with: "\"ttfts\": [0.1, 0.2, 0.0"))
        // The array's missing ']' shows where the scanner meets the next key's ':' (line 6).
        #expect(e?.line == 6 && e?.message == "not valid JSON: expected ',' or ']', found ':'", "\(e?.description ?? "")")
        e = Self.readError(MeasuredFixtures.vllmBenchAggregates + "\n" + MeasuredFixtures.vllmBenchAggregates)
        #expect(e?.line == 4 && e?.message.contains("--append-result") == true, "\(e?.description ?? "")")
        e = Self.readError("{\"model_id\": \"m\"}")
        #expect(e?.field == "input_lens" && e?.message.contains("not a vLLM bench serve result") == true)
        e = Self.readError(MeasuredFixtures.inferencePerf.replacingOccurrences(of: "{\"start_time\": 50.25, ", with: "{"))
        #expect(e?.field == "start_time" && e?.line == 4, "\(e?.description ?? "")")
        e = Self.readError(MeasuredFixtures.inferencePerf.replacingOccurrences(of: "\"end_time\": 50.5", with: "\"end_time\": 49.0"))
        #expect(e?.field == "end_time" && e?.line == 2)
        e = Self.readError(MeasuredFixtures.inferencePerf, format: .vllmBench)
        #expect(e?.message.contains("looks like inference-perf") == true)
        e = Self.readError("[]")
        #expect(e?.message == "no requests")
        e = Self.readError("{\"schema\": \"inference-lab.measured/2\", \"requests\": []}")
        #expect(e?.field == "schema" && e?.line == 1)
        e = Self.readError("{\"schema\": \"inference-lab.measured/1\", \"requests\": [\n{\"id\": \"0\", \"input_tokens\": 3}]}")
        #expect(e?.field == "output_tokens" && e?.line == 2)
        e = Self.readError("{\"request_rate\": NaN, \"mean_ttft_ms\": 3}")
        #expect(e?.field == "request_rate" && e?.message.contains("finite") == true)
    }
}
