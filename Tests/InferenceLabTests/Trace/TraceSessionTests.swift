import Foundation
import Testing
@testable import InferenceLab
@testable import InferenceLabCore

@Suite("trace sessions: session_id and turn")
struct TraceSessionTests {
    @Test("session_id is an integer (its own key) or a string (hashed, top bit set); turn an integer")
    func readsSessions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("s.jsonl")
        try writeTrace([
            #"{"arrival_time":0,"prompt_tokens":40,"output_tokens":20,"session_id":0,"turn":0,"prefix_hashes":[0,1,2]}"#,
            #"{"arrival_time":1,"prompt_tokens":40,"output_tokens":20,"session_id":"chat-7"}"#,
            #"{"arrival_time":2, "prompt_tokens": 70, "output_tokens": 20, "turn": 1, "session_id": "chat-\u0037"}"#,
            #"{"arrival_time":3,"prompt_tokens":40,"output_tokens":20}"#,
            #"{"arrival_time":4,"prompt_tokens":40,"output_tokens":20,"session_id":"5"}"#,
            #"{"arrival_time":5,"prompt_tokens":40,"output_tokens":20,"session_id":5,"turn":2147483647}"#,
        ], to: path)
        let r = try readTrace(path).requests
        #expect(r.map(\.sessionKey) == [0, SessionKey.of(utf8: "chat-7".utf8), SessionKey.of(utf8: "chat-7".utf8), nil,
                                        SessionKey.of(utf8: "5".utf8), 5])
        #expect(r.map(\.turn) == [0, nil, 1, nil, nil, 2_147_483_647])
        // FNV-1a 64 of "chat-7", computed by hand from the offset basis and prime, top bit set.
        var h: UInt64 = 14_695_981_039_346_656_037
        for b in "chat-7".utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        #expect(SessionKey.of(utf8: "chat-7".utf8) == h | 1 << 63)
        #expect(SessionKey.isText(r[1].sessionKey!) && !SessionKey.isText(r[5].sessionKey!))
        #expect(r[4].sessionKey != r[5].sessionKey)  // "5" and 5 are different sessions
    }

    @Test("bad session_id and turn values name the file, line and field", arguments: [
        (#""session_id":-1"#, "session_id", "must be ≥ 0 (or a string), got -1"),
        (#""session_id":9223372036854775808"#, "session_id", "out of range: 9223372036854775808 (at most 9223372036854775807)"),
        (#""session_id":"""#, "session_id", "must not be empty"),
        (#""session_id":1.5"#, "session_id", "expected an integer, got 1.5"),
        (#""session_id":true"#, "session_id", "expected a string or a non-negative integer, got true"),
        (#""session_id":[1]"#, "session_id", "expected a string or a non-negative integer, got [1]"),
        (#""session_id":1,"turn":-1"#, "turn", "must be in 0…2147483647, got -1"),
        (#""session_id":1,"turn":2147483648"#, "turn", "must be in 0…2147483647, got 2147483648"),
        (#""session_id":1,"turn":"1""#, "turn", "expected an integer, got \"1\""),
        (#""turn":0"#, "turn", "needs a session_id on the same line"),
        (#""session_id":1,"session_id":2"#, "session_id", "appears twice in the line"),
    ])
    func badValues(fields: String, field: String, message: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let error = traceError([
            #"{"arrival_time":0,"prompt_tokens":4,"output_tokens":2}"#,
            #"{"arrival_time":1,"prompt_tokens":4,"output_tokens":2,"# + fields + "}",
        ], in: dir)
        #expect(error?.line == 2)
        #expect(error?.field == field)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "no error")")
    }

    @Test("the writer writes session_id and turn between priority and prefix_hashes, and reads them back")
    func writerRoundTrip() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("w.jsonl")
        let writer = try TraceWriter(path: path)
        try writer.append(arrivalTime: 0.5, promptTokens: 70, outputTokens: 20, priority: 2, prefixHashes: [0, 1],
                          sessionID: 3, turn: 1)
        try writer.append(arrivalTime: 0.75, promptTokens: 40, outputTokens: 20)
        try writer.commit()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == """
            {"arrival_time":0.5,"prompt_tokens":70,"output_tokens":20,"priority":2,"session_id":3,"turn":1,"prefix_hashes":[0,1]}
            {"arrival_time":0.75,"prompt_tokens":40,"output_tokens":20}

            """)
        let r = try readTrace(path).requests
        #expect(r.map(\.sessionKey) == [3, nil] && r.map(\.turn) == [1, nil])
    }

    /// A sessions workload small enough for a debug build.
    static func sessionsConfig(seed: UInt64 = 5, requests: Int = 80) -> SimulatorConfig {
        var config = SimulatorConfig.default
        config.workload = WorkloadConfig(arrivalPattern: .sessions, arrivalRate: 2, cv: 1.5, numRequests: requests,
                                         inputLengths: .lognormal(mean: 6, stdDev: 0.5),
                                         outputLengths: .uniform(min: 10, max: 60), seed: seed,
                                         turnsPerSession: .uniform(min: 1, max: 6),
                                         turnInputLengths: .uniform(min: 5, max: 80),
                                         thinkTimeMs: .lognormal(mean: 6, stdDev: 1))
        return config
    }

    @Test("a generated sessions trace replays to the same summary and event stream under the same config")
    func generateThenReplay() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = Self.sessionsConfig()
        let path = dir.file("sessions.jsonl.gz")
        #expect(try TraceGenerator.write(config: config, to: path) == 80)

        let frozen = try readTrace(path).requests
        var replayConfig = config
        replayConfig.workload.arrivalPattern = .trace
        replayConfig.workload.tracePath = path
        let direct = try simulate(config, SyntheticSource(config))
        let replay = try simulate(replayConfig, try TraceSource(path: path))
        #expect(direct.0 == replay.0)
        #expect(direct.0.completed + direct.0.rejected == 80)
        #expect(direct.0.prefixCacheHitTokens > 0)

        // The trace holds what the run sent: same ids, times, lengths, sessions, turns, hashes.
        var sent: [RequestSpec] = []
        var sim = try Simulator(config: config, source: ObservedRequestSource(SyntheticSource(config), observer: RequestLog()))
        var a = EventRecorder()
        sim.run(into: &a)
        sent = sim.source.observer.specs
        #expect(sent == frozen)
        #expect(Set(frozen.compactMap(\.sessionKey)).count > 5)
        var b = EventRecorder()
        var s2 = try Simulator(config: replayConfig, source: try TraceSource(path: path))
        s2.run(into: &b)
        #expect(a.lines == b.lines)
    }

    @Test("replayed under another config, the turns keep the generating run's send times (open loop)")
    func replayUnderAnotherConfig() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let config = Self.sessionsConfig()
        let path = dir.file("sessions.jsonl")
        try TraceGenerator.write(config: config, to: path)
        var slower = config
        slower.scheduler.maxNumSeqs = 2
        var replayConfig = slower
        replayConfig.workload.arrivalPattern = .trace
        replayConfig.workload.tracePath = path
        let direct = try simulate(slower, SyntheticSource(slower))
        let replay = try simulate(replayConfig, try TraceSource(path: path))
        // The direct run waits for its own (slower) finishes; the replay does not.
        #expect(direct.0 != replay.0)
        #expect(replay.0.completed + replay.0.rejected == 80)
        var source = try TraceSource(path: path)
        var times: [Double] = []
        while source.peekArrivalTime() != nil { times.append(source.next().arrivalTime) }
        #expect(times == (try readTrace(path).requests.map(\.arrivalTime)))
    }
}
