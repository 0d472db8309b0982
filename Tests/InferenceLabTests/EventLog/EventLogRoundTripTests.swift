import Foundation
import Testing
@testable import InferenceLab

@Suite("event log round trip")
struct EventLogRoundTripTests {
    /// Configs that exercise preemption, async scheduling and rejections.
    static let scenarios: [(String, SimulatorConfig)] = {
        var preempting = smallConfig(requests: 60)
        preempting.scheduler.numGPUBlocksOverride = 600
        preempting.workload.arrivalRate = 50
        var async = preempting
        async.scheduler.asyncScheduling = true
        var rejecting = smallConfig(requests: 60)
        rejecting.model.maxSeqLen = 1200
        return [("default", smallConfig()), ("preempting", preempting), ("async", async), ("rejecting", rejecting)]
    }()

    @Test("reading the log back gives the simulator's own summary", arguments: [0, 1, 2, 3])
    func summaryMatches(scenario: Int) throws {
        let (label, config) = Self.scenarios[scenario]
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("\(label).events.jsonl.gz")
        let (expected, status, counts) = try runLogged(config, to: path)
        #expect(try dir.contents() == ["\(label).events.jsonl.gz"])
        let (summary, reader) = try replay(path)
        #expect(summary == expected)
        #expect(reader.header.schema == "inference-lab.events/1")
        #expect(reader.header.version == "0.0.0-test")
        #expect(reader.header.seed == config.workload.seed)
        #expect(reader.header.computeFlops == config.hardware.computeFlops)
        #expect(reader.header.memoryBandwidth == config.hardware.memoryBandwidth)
        #expect(reader.header.configJSON == testConfigJSON(config))
        #expect(reader.end == EventLogEnd(status: status, counts: counts))
        #expect(counts.arrived == expected.arrived)
        #expect(counts.finished == expected.completed)
        #expect(counts.steps == expected.steps)
        switch label {
        case "preempting", "async": #expect(expected.preemptions > 0, "\(label) should preempt")
        case "rejecting": #expect(expected.rejected > 0, "\(label) should reject")
        default: #expect(expected.completed == 80)
        }
    }

    @Test("events read back equal the events the simulator emitted")
    func eventsMatch() throws {
        let config = Self.scenarios[2].1
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("events.jsonl")
        var sim = try Simulator(config: config)
        let writer = try EventLogWriter(path: path, version: "v", seed: 1, configJSON: testConfigJSON(config))
        var sink = TeeSink(writer, RecordingSink())
        try sink.a.finish(status: sim.run(into: &sink))
        let reader = try EventLogReader(path: path)
        var read = RecordingSink()
        try reader.read(into: &read)
        let original = sink.b.events
        try #require(read.events.count == original.count)
        // Slots differ; compare what the events say with slots mapped to ids.
        var idsA: [Int32: String] = [:], idsB: [Int32: String] = [:]
        for (a, b) in zip(original, read.events) {
            #expect(describe(a, &idsA) == describe(b, &idsB))
        }
    }

    @Test("batch fast paths and the general path read the same events", arguments: [0, 1, 2, 3])
    func batchPathsAgree(scenario: Int) throws {
        let (label, config) = Self.scenarios[scenario]
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("\(label).events.jsonl")
        try runLogged(config, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Every third step's batch with spaces (general path, so the next batch is compared
        // with a cache of the other layout), and every id made long (no longer fits in the
        // 16-byte comparison).
        var spaced: [String] = []
        var step = 0
        for line in lines {
            if line.contains(#""type":"step""#) {
                step += 1
                if step % 3 == 0 { spaced.append(line.replacingOccurrences(of: "],[", with: "], [")); continue }
            }
            spaced.append(String(line))
        }
        let longIDs = try NSRegularExpression(pattern: #""([0-9]+)""#)
            .stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                      withTemplate: #""request-with-a-long-id-$1""#)
        try spaced.joined(separator: "\n").write(toFile: dir.file("spaced.jsonl"), atomically: true, encoding: .utf8)
        try longIDs.write(toFile: dir.file("long.jsonl"), atomically: true, encoding: .utf8)
        // Every record in the general path (a space after `{`), and short non-numeric ids (the
        // id index's hash table instead of its array of numeric ids).
        try text.replacingOccurrences(of: #"{"type""#, with: #"{ "type""#)
            .write(toFile: dir.file("general.jsonl"), atomically: true, encoding: .utf8)
        try NSRegularExpression(pattern: #""([0-9]+)""#)
            .stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: #""request-with-a-long-id-$1""#)
            .replacingOccurrences(of: "request-with-a-long-id-", with: "r")
            .write(toFile: dir.file("named.jsonl"), atomically: true, encoding: .utf8)

        func events(_ path: String) throws -> [String] {
            let reader = try EventLogReader(path: path)
            var sink = RecordingSink()
            try reader.read(into: &sink)
            var ids: [Int32: String] = [:]
            return sink.events.map {
                describe($0, &ids).replacingOccurrences(of: "request-with-a-long-id-", with: "")
                    .replacingOccurrences(of: #"(?<![0-9a-z])r([0-9]+)"#, with: "$1", options: .regularExpression)
            }
        }
        let expected = try events(path)
        #expect(expected.count > 100)
        for variant in ["spaced.jsonl", "long.jsonl", "general.jsonl", "named.jsonl"] {
            let got = try events(dir.file(variant))
            #expect(got == expected, "\(label) \(variant)")
        }
    }

    /// An event as text with slots replaced by request ids.
    func describe(_ e: SimulationEvent, _ ids: inout [Int32: String]) -> String {
        func id(_ s: Int32) -> String { ids[s] ?? "?\(s)" }
        switch e {
        case .arrival(let a):
            ids[a.slot] = a.id
            return "arrival \(a.time) \(a.id) \(a.promptTokens) \(a.outputTokens) \(a.priority)"
        case .rejected(let t, _, let i, let r): return "rejected \(t) \(i) \(r)"
        case .cacheHit(let t, let s, let slot, let n, let r): return "hit \(t) \(s) \(id(slot)) \(n) \(r)"
        case .step(let r):
            return "step \(r.step) \(r.time) \(r.duration) \(r.batchSlots.map(id)) \(r.batchTokens) "
                + "\(r.noTokenSlots.map(id)) \(r.preemptedSlots.map(id)) \(r.finishedSlots.map(id)) "
                + "\(r.prefillTokens) \(r.decodeTokens) \(r.running) \(r.waiting) \(r.kvBlocksUsed) "
                + "\(r.kvBlocksTotal) \(r.flops) \(r.bytes)"
        case .firstToken(let t, let s, let slot): return "first \(t) \(s) \(id(slot))"
        case .preempted(let t, let s, let slot): return "preempted \(t) \(s) \(id(slot))"
        case .finished(let t, let s, let slot, let n): return "finished \(t) \(s) \(id(slot)) \(n)"
        case .timedOut(let t, let slot): return "timed_out \(t) \(id(slot))"
        case .warmupEnded(let t): return "warmup_end \(t)"
        }
    }

    @Test("the same seed gives byte-identical logs", arguments: ["a.events.jsonl.gz", "a.events.jsonl"])
    func deterministic(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = Self.scenarios[1].1
        try runLogged(config, to: dir.file("1-" + name))
        try runLogged(config, to: dir.file("2-" + name))
        let first = try readBytes(dir.file("1-" + name))
        #expect(first.count > 1000)
        #expect(first == (try readBytes(dir.file("2-" + name))))
        var other = config
        other.workload.seed = 7
        try runLogged(other, to: dir.file("3-" + name))
        #expect(first != (try readBytes(dir.file("3-" + name))))
    }

    @Test("records have the schema's field order")
    func recordShapes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("shape.jsonl")
        try runLogged(Self.scenarios[1].1, to: path, version: "1.2.3")
        let lines = try readLines(path)
        #expect(lines.first?.hasPrefix(#"{"type":"header","schema":"inference-lab.events/1","version":"1.2.3","seed":42,"config":{"hardware":"#) == true)
        #expect(lines.last?.hasPrefix(#"{"type":"end","status":"complete","steps":"#) == true)
        func keys(_ line: String) -> [String] {
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            _ = object  // parses as JSON
            // Keys in textual order: top-level `"key":` occurrences outside arrays.
            var result: [String] = [], depth = 0, inString = false, escaped = false, current = ""
            var lastString = ""
            for ch in line {
                if inString {
                    if escaped { escaped = false; current.append(ch); continue }
                    if ch == "\\" { escaped = true; continue }
                    if ch == "\"" { inString = false; lastString = current; continue }
                    current.append(ch)
                    continue
                }
                switch ch {
                case "\"": inString = true; current = ""
                case "{", "[": depth += 1
                case "}", "]": depth -= 1
                case ":": if depth == 1 { result.append(lastString) }
                default: break
                }
            }
            return result
        }
        let expected: [String: [String]] = [
            "arrival": ["type", "t", "id", "prompt_tokens", "output_tokens", "priority"],
            "step": ["type", "step", "t", "dt", "batch", "no_token", "preempted", "finished", "prefill_tokens",
                     "decode_tokens", "running", "waiting", "kv_blocks_used", "kv_blocks_total", "flops", "bytes"],
            "first_token": ["type", "t", "step", "id"],
            "preempted": ["type", "t", "step", "id"],
            "finished": ["type", "t", "step", "id", "output_tokens"],
            "end": ["type", "status", "steps", "arrived", "finished", "rejected", "sim_time"],
        ]
        var seenTypes = Set<String>()
        for line in lines.dropFirst() {
            let k = keys(line)
            let type = String(line.dropFirst(9).prefix { $0 != "\"" })
            seenTypes.insert(type)
            if let want = expected[type] { #expect(k == want, "\(type)") }
        }
        #expect(seenTypes.isSuperset(of: ["arrival", "step", "first_token", "preempted", "finished", "end"]))
    }

    @Test("rejected records carry id and reason")
    func rejectedRecords() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("rej.jsonl")
        try runLogged(Self.scenarios[3].1, to: path)
        let rejected = try readLines(path).filter { $0.hasPrefix(#"{"type":"rejected""#) }
        #expect(!rejected.isEmpty)
        let reasons = ["prompt_too_long", "exceeds_max_seq_len", "exceeds_kv_cache"]
        #expect(rejected.allSatisfy { line in
            line.contains(#","id":""#) && reasons.contains { line.hasSuffix(#","reason":"\#($0)"}"#) }
        }, "\(rejected)")
    }
}
