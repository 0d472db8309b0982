import Foundation
import Testing
@testable import InferenceLab

/// `timed_out` and `warmup_end` records: written only when a timeout fires or a warmup ran,
/// read back to the same events, and the analyzer's summary equals the simulator's.
@Suite("event log: timeouts and warmup")
struct BenchmarkStateLogTests {
    /// An overloaded run (60 requests at 50 req/s on the default 70B model) whose clients give
    /// up after 3 s, behind a warmup of 8 requests sharing prefixes with nothing measured.
    static func config(async: Bool) -> SimulatorConfig {
        var c = smallConfig(requests: 60)
        c.workload.arrivalRate = 50
        c.workload.requestTimeout = 3
        c.scheduler.asyncScheduling = async
        c.scheduler.numGPUBlocksOverride = 800
        return c
    }

    static let warmup: [RequestSpec] = (0..<8).map { i in
        RequestSpec(id: "w\(i)", arrivalTime: Double(i) * 0.05, promptTokens: 600, outputTokens: 20,
                    prefixHashes: [1, 2, 3], warmup: true)
    }

    /// Runs the config behind the warmup into a log at `path`; the in-process summary and events.
    static func runLogged(_ config: SimulatorConfig, to path: String) throws -> (Summary, [SimulationEvent]) {
        let source = WarmupRequestSource(warmup: ArrayRequestSource(warmup), measured: SyntheticSource(config.workload))
        var sim = try Simulator(config: config, source: source)
        let writer = try EventLogWriter(path: path, version: "v", seed: 1, configJSON: testConfigJSON(config))
        var sink = TeeSink(TeeSink(writer, MetricsReducer(config: config)), RecordingSink())
        let status = sim.run(into: &sink)
        #expect(status == .complete)
        try sink.a.a.finish(status: status, simTime: sim.now)
        return (sink.a.b.summary(), sink.b.events)
    }

    @Test("the analyzer's summary of the log equals the simulator's", arguments: [false, true])
    func summaryMatches(async: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("run.events.jsonl")
        let (expected, events) = try Self.runLogged(Self.config(async: async), to: path)
        #expect(expected.timedOut > 0, "the run should time requests out")
        #expect(expected.arrived == 60 && expected.completed + expected.rejected + expected.timedOut == 60)
        let (summary, _) = try replay(path)
        #expect(summary == expected)

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix(#"{"type":"timed_out","t":"#) }.count == expected.timedOut)
        #expect(lines.filter { $0.hasPrefix(#"{"type":"warmup_end","t":"#) }.count == 1)

        // The events read back are the simulator's, through the writer-layout path and,
        // with a space after every `{`, through the general path.
        let spaced = dir.file("spaced.jsonl")
        try text.replacingOccurrences(of: #"{"type""#, with: #"{ "type""#).write(toFile: spaced, atomically: true, encoding: .utf8)
        for file in [path, spaced] {
            let reader = try EventLogReader(path: file)
            var read = RecordingSink()
            try reader.read(into: &read)
            try #require(read.events.count == events.count)
            var idsA: [Int32: String] = [:], idsB: [Int32: String] = [:]
            for (a, b) in zip(events, read.events) {
                #expect(EventLogRoundTripTests().describe(a, &idsA) == EventLogRoundTripTests().describe(b, &idsB))
            }
        }
    }

    @Test("a timed_out record for a request that is not live is an error naming the line")
    func timedOutWithoutArrival() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("bad.jsonl")
        try #"""
        {"type":"header","schema":"inference-lab.events/1","version":"v","seed":1,"config":{}}
        {"type":"timed_out","t":1.0,"id":"x"}

        """#.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try EventLogReader(path: path, allowIncomplete: true)
        var sink = RecordingSink()
        #expect {
            try reader.read(into: &sink)
        } throws: { error in
            guard let e = error as? InputError else { return false }
            return e.line == 2 && e.field == "id" && e.message.contains("'x'")
        }
    }
}

@Suite("warmup trace")
struct WarmupTraceTests {
    @Test("rebased to start at 0 and flagged as warmup")
    func loads() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("warm.jsonl")
        try """
        {"request_id":"a","arrival_time":10.5,"prompt_tokens":100,"output_tokens":5}
        {"request_id":"b","arrival_time":12.0,"prompt_tokens":50,"output_tokens":1}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let specs = try WarmupTrace.load(path: path)
        #expect(specs.map(\.id) == ["a", "b"])
        #expect(specs.map(\.arrivalTime) == [0, 1.5])
        #expect(specs.allSatisfy { $0.warmup })
    }

    @Test("an empty file is no warmup")
    func empty() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("empty.jsonl")
        try "\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try WarmupTrace.load(path: path).isEmpty)
    }

    @Test("a missing file and a bad line are errors naming the file (and line and field)")
    func errors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let missing = dir.file("missing.jsonl")
        #expect { try WarmupTrace.load(path: missing) } throws: { error in
            (error as? InputError)?.file == missing
        }
        let bad = dir.file("bad.jsonl")
        try """
        {"request_id":"a","arrival_time":0,"prompt_tokens":100,"output_tokens":5}
        {"request_id":"b","arrival_time":1,"prompt_tokens":-3,"output_tokens":1}
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect { try WarmupTrace.load(path: bad) } throws: { error in
            guard let e = error as? InputError else { return false }
            return e.file == bad && e.line == 2 && e.field == "prompt_tokens"
        }
    }
}
