import Foundation
import Testing
@testable import InferenceLab
import InferenceLabCore

@Suite("trace replay")
struct TraceSourceTests {
    static func lines(_ n: Int) -> [String] {
        (0..<n).map { #"{"arrival_time":\#(Double($0) * 0.25 + 1),"prompt_tokens":\#(100 + $0),"output_tokens":\#(1 + $0 % 5)}"# }
    }

    /// Drains a source the way the simulator does.
    static func drain(_ source: inout TraceSource) -> [RequestSpec] {
        var out: [RequestSpec] = []
        while source.peekArrivalTime() != nil { out.append(source.next()) }
        #expect(source.isExhausted)
        return out
    }

    @Test("time scale multiplies arrival times: 0.5 is twice the rate, 2 half")
    func timeScale() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl.gz")
        try writeTrace(Self.lines(8), to: path)
        for scale in [0.5, 1, 2] {
            var source = try TraceSource(path: path, timeScale: scale)
            let requests = Self.drain(&source)
            #expect(requests.count == 8)
            let expected: [Double] = (0..<8).map { (k: Int) -> Double in (Double(k) * 0.25 + 1) * scale }
            #expect(requests.map(\.arrivalTime) == expected)
            #expect(requests.map(\.promptTokens) == Array(100..<108))
        }
        #expect(inputError { _ = try TraceSource(path: path, timeScale: 0) }?.field == "time_scale")
        #expect(inputError { _ = try TraceSource(path: path, timeScale: -.infinity) } != nil)
    }

    @Test("max requests and duration stop the replay")
    func limits() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        try writeTrace(Self.lines(10), to: path)
        var first3 = try TraceSource(path: path, maxRequests: 3)
        #expect(Self.drain(&first3).map(\.id) == ["0", "1", "2"])
        var upTo2s = try TraceSource(path: path, durationSecs: 2)  // arrivals 1, 1.25, …, 2
        #expect(Self.drain(&upTo2s).count == 5)
        var scaled = try TraceSource(path: path, timeScale: 2, durationSecs: 2)  // 2, 2.5, …
        #expect(Self.drain(&scaled).count == 1)
        #expect(scaled.error == nil)
    }

    @Test("a bad line stops the source and keeps the error")
    func errorKept() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        var lines = Self.lines(6)
        lines[4] = #"{"arrival_time":9,"prompt_tokens":-1,"output_tokens":2}"#
        try writeTrace(lines, to: path)
        let (summary, sim) = try simulate(smallTraceConfig(path), try TraceSource(path: path))
        #expect(sim.source.yielded == 4)
        #expect(summary.completed == 4)
        #expect(sim.source.error?.description == "\(path):5: prompt_tokens: must be a positive number of tokens, got -1")

        let (skippedSummary, skippedSim) = try simulate(smallTraceConfig(path), try TraceSource(path: path, skipInvalid: true))
        #expect(skippedSim.source.error == nil)
        #expect(skippedSim.source.skipped.count == 1)
        #expect(skippedSummary.completed == 5)
    }

    @Test("an event log is dropped when the trace turns out bad")
    func eventLogAborted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        var lines = Self.lines(6)
        lines.append("{")
        try writeTrace(lines, to: path)
        let config = smallTraceConfig(path)
        let logPath = dir.file("run.events.jsonl.gz")
        var sim = try Simulator(config: config, source: try TraceSource(path: path))
        var log = try EventLogWriter(path: logPath, version: "test", seed: 0, configJSON: resolvedConfigJSON(config))
        sim.run(into: &log)
        #expect(sim.source.error?.line == 7)
        log.abort()
        #expect(try dir.contents() == ["t.jsonl"])
    }

    @Test("requests the model cannot serve are rejected and the replay ends cleanly")
    func rejections() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("t.jsonl")
        try writeTrace([
            #"{"arrival_time":0,"prompt_tokens":100,"output_tokens":10}"#,
            #"{"arrival_time":0.1,"prompt_tokens":9000,"output_tokens":10}"#,   // prompt ≥ max_seq_len
            #"{"arrival_time":0.2,"prompt_tokens":8000,"output_tokens":500}"#,  // prompt + output > max_seq_len
            #"{"arrival_time":0.3,"prompt_tokens":50,"output_tokens":5}"#,
        ], to: path)
        let (summary, sim) = try simulate(smallTraceConfig(path), try TraceSource(path: path))
        #expect(sim.status == .complete)
        #expect(summary.arrived == 4)
        #expect(summary.rejected == 2)
        #expect(summary.completed == 2)
        #expect(SummaryTable.render(summary).contains("Completed requests: 2 (2 rejected)"))
    }
}

/// The default config (max_seq_len 8192) replaying `path`.
func smallTraceConfig(_ path: String) -> SimulatorConfig {
    var c = SimulatorConfig.default
    c.workload.arrivalPattern = .trace
    c.workload.tracePath = path
    c.workload.numRequests = nil
    return c
}
