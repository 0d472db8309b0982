import Foundation
import Testing
@testable import InferenceLab

@Suite("event log reader errors")
struct EventLogReaderErrorTests {
    /// A small plain log's lines.
    static func logLines(in dir: TemporaryDirectory) throws -> [String] {
        let path = dir.file("base.jsonl")
        try runLogged(smallConfig(requests: 12), to: path)
        return try readLines(path)
    }

    static func write(_ lines: [String], _ path: String) throws {
        try writeOutput(lines.joined(separator: "\n") + "\n", to: path)
    }

    @Test("a log without an end record is refused, and accepted with allowIncomplete", arguments: ["cut.jsonl", "cut.jsonl.gz"])
    func missingEnd(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lines = try Self.logLines(in: dir)
        let path = dir.file(name)
        try Self.write(Array(lines.dropLast()), path)
        let error = inputError { _ = try replay(path) }
        #expect(error?.file == path)
        #expect(error?.message.contains("no end record") == true, "\(String(describing: error))")
        let (summary, reader) = try replay(path, allowIncomplete: true)
        #expect(reader.end == nil)
        #expect(summary.completed == 12)
    }

    @Test("a wrong or missing schema is refused")
    func wrongSchema() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var lines = try Self.logLines(in: dir)
        let path = dir.file("schema.jsonl")
        lines[0] = lines[0].replacingOccurrences(of: "inference-lab.events/1", with: "inference-lab.events/9")
        try Self.write(lines, path)
        let error = inputError { _ = try EventLogReader(path: path) }
        #expect(error?.line == 1)
        #expect(error?.field == "schema")
        #expect(error?.message.contains("unsupported schema 'inference-lab.events/9'") == true)

        lines[0] = lines[0].replacingOccurrences(of: #""schema":"inference-lab.events/9","#, with: "")
        try Self.write(lines, path)
        #expect(inputError { _ = try EventLogReader(path: path) }?.description == "\(path):1: schema: missing")

        try Self.write([#"{"arrival_time": 0.5, "prompt_tokens": 10, "output_tokens": 3}"#], path)
        #expect(inputError { _ = try EventLogReader(path: path) }?.message.contains("not an inference-lab event log") == true)
        try Self.write(["hello"], path)
        #expect(inputError { _ = try EventLogReader(path: path) }?.message.contains("not an inference-lab event log") == true)
        try writeOutput("", to: path)
        #expect(inputError { _ = try EventLogReader(path: path) }?.message.contains("empty file") == true)
    }

    @Test("a malformed record names its line and field")
    func malformed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lines = try Self.logLines(in: dir)
        let path = dir.file("bad.jsonl")
        let stepLine = try #require(lines.firstIndex { $0.hasPrefix(#"{"type":"step""#) })

        var broken = lines
        broken[stepLine] = broken[stepLine].replacingOccurrences(of: #""dt":"#, with: #""dt":"x"#)
        try Self.write(broken, path)
        let e1 = inputError { _ = try replay(path) }
        #expect(e1?.line == stepLine + 1)
        #expect(e1?.field == "dt")
        #expect(e1?.message.contains("expected a number") == true, "\(String(describing: e1))")

        broken = lines
        broken[stepLine] = broken[stepLine].replacingOccurrences(of: #","running":"#, with: #","runing":"#)
        try Self.write(broken, path)
        let e2 = inputError { _ = try replay(path) }
        #expect(e2?.description == "\(path):\(stepLine + 1): running: missing")

        broken = lines
        broken[stepLine] = String(broken[stepLine].dropLast())
        try Self.write(broken, path)
        #expect(inputError { _ = try replay(path) }?.line == stepLine + 1)

        broken = lines
        let arrival = try #require(lines.firstIndex { $0.hasPrefix(#"{"type":"arrival""#) })
        broken.remove(at: arrival)
        try Self.write(broken, path)
        let e3 = inputError { _ = try replay(path) }
        #expect(e3?.message.contains("has no arrival before it") == true, "\(String(describing: e3))")

        broken = lines
        broken.append(lines[arrival])
        try Self.write(broken, path)
        #expect(inputError { _ = try replay(path) }?.message == "record after the end record")

        broken = lines
        broken.remove(at: stepLine)
        try Self.write(broken, path)
        let e4 = inputError { _ = try replay(path, allowIncomplete: true) }
        #expect(e4?.field == "steps")
        #expect(e4?.message.contains("records lost or edited") == true)
    }

    @Test("unknown record types and extra fields are skipped")
    func forwardCompatible() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var lines = try Self.logLines(in: dir)
        let (expected, _) = try replay(dir.file("base.jsonl"))
        lines.insert(#"{"type":"annotation","t":1.0,"note":{"nested":[1,2,{"x":null}]}}"#, at: 3)
        lines[2] = String(lines[2].dropLast()) + #","extra":[true,false,"s"]}"#
        lines.insert("", at: 5)
        let path = dir.file("extra.jsonl")
        try Self.write(lines, path)
        let (summary, _) = try replay(path)
        #expect(summary == expected)
    }

    @Test("a header without hardware peaks cannot build a reducer")
    func missingHardware() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("nohw.jsonl")
        let writer = try EventLogWriter(path: path, version: "v", seed: 1, configJSON: #"{"model":{"name":"x"}}"#)
        var w = writer
        try w.finish(status: .complete)
        let reader = try EventLogReader(path: path)
        #expect(reader.header.configJSON == #"{"model":{"name":"x"}}"#)
        #expect(inputError { _ = try reader.makeMetricsReducer() }?.field == "config.hardware.compute_flops")
        var sink = NullSink()
        try reader.read(into: &sink)
        #expect(reader.end == EventLogEnd(status: .complete, counts: EventLogCounts()))
    }

    @Test("abort leaves no file; finish reports the status")
    func writerAbortAndStatus() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = smallConfig(requests: 10)
        var sim = try Simulator(config: config)
        var writer = try EventLogWriter(path: dir.file("x.events.jsonl.gz"), version: "v", seed: 1,
                                        configJSON: testConfigJSON(config))
        for _ in 0..<20 { _ = sim.advance(into: &writer) }
        writer.abort()
        #expect(try dir.contents() == [])
        #expect(throws: OutputError.self) { try writer.finish(status: .failed) }

        var sim2 = try Simulator(config: config)
        var writer2 = try EventLogWriter(path: dir.file("y.events.jsonl.gz"), version: "v", seed: 1,
                                         configJSON: testConfigJSON(config))
        for _ in 0..<20 { _ = sim2.advance(into: &writer2) }
        sim2.interrupt(into: &writer2)
        try writer2.finish(status: .interrupted)
        let (_, reader) = try replay(dir.file("y.events.jsonl.gz"))
        #expect(reader.end?.status == .interrupted)
        #expect(reader.end?.counts.steps == writer2.counts.steps)
    }
}

@Suite("event log reader slots")
struct EventLogReaderSlotTests {
    static let header = #"{"type":"header","schema":"inference-lab.events/1","version":"v","seed":1,"config":{"hardware":{"compute_flops":1e15,"memory_bandwidth":3e12}}}"#

    static func step(_ n: Int, _ t: Double, batch: [(String, Int)], noToken: [String] = [], finished: [String] = []) -> String {
        let b = batch.map { "[\"\($0.0)\",\($0.1)]" }.joined(separator: ",")
        let q: ([String]) -> String = { "[" + $0.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        return #"{"type":"step","step":\#(n),"t":\#(t),"dt":0.1,"batch":[\#(b)],"no_token":\#(q(noToken)),"preempted":[],"finished":\#(q(finished)),"prefill_tokens":0,"decode_tokens":0,"running":1,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":10,"flops":1.0,"bytes":2.0}"#
    }

    static func arrival(_ id: String, _ t: Double) -> String {
        #"{"type":"arrival","t":\#(t),"id":"\#(id)","prompt_tokens":10,"output_tokens":1,"priority":0}"#
    }

    @Test("an id that finishes and arrives again gets a fresh slot; a finished id may appear in the next step")
    func reusedID() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lines = [
            Self.header,
            Self.arrival("a", 0), Self.arrival("b", 0),
            Self.step(1, 0, batch: [("a", 10), ("b", 10)], finished: ["a"]),
            #"{"type":"finished","t":0.1,"step":1,"id":"a","output_tokens":1}"#,
            Self.arrival("a", 0.1),
            // "a" is the new request here; the cached old "a" must not match.
            Self.step(2, 0.1, batch: [("a", 10), ("b", 1)], finished: ["b"]),
            #"{"type":"finished","t":0.2,"step":2,"id":"b","output_tokens":2}"#,
            // "b" finished in step 2 and is still listed (async stale output).
            Self.step(3, 0.2, batch: [("a", 1), ("b", 1)], noToken: ["b"]),
            Self.step(4, 0.3, batch: [("a", 1)], finished: ["a"]),
            #"{"type":"finished","t":0.4,"step":4,"id":"a","output_tokens":1}"#,
            #"{"type":"end","status":"complete","steps":4,"arrived":3,"finished":3,"rejected":0,"sim_time":0.4}"#,
        ]
        let path = dir.file("reuse.jsonl")
        try writeOutput(lines.joined(separator: "\n") + "\n", to: path)
        let reader = try EventLogReader(path: path)
        var rec = RecordingSink()
        try reader.read(into: &rec)
        var arrivals: [RequestSlot] = []
        var steps: [[RequestSlot]] = []
        for e in rec.events {
            if case .arrival(let a) = e { arrivals.append(a.slot) }
            if case .step(let r) = e { steps.append(r.batchSlots) }
        }
        #expect(Set(arrivals).count == 3)  // the second "a" does not reuse the retiring slot
        #expect(steps[0] == [arrivals[0], arrivals[1]])
        #expect(steps[1] == [arrivals[2], arrivals[1]])
        #expect(steps[2] == [arrivals[2], arrivals[1]])
        #expect(steps[3] == [arrivals[2]])
        #expect(reader.end?.counts.finished == 3)

        // Two steps after it finished, "b" is gone: listing it again is an error.
        var bad = lines
        bad.insert(Self.step(5, 0.4, batch: [("b", 1)]), at: bad.count - 2)
        try writeOutput(bad.joined(separator: "\n") + "\n", to: path)
        let error = inputError { _ = try replay(path) }
        #expect(error?.field == "batch")
        #expect(error?.message == "request 'b' has no arrival before it")
    }
}
