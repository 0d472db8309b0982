import Foundation
import Testing
@testable import InferenceLab
@testable import InferenceLabCore

@Suite("generate and replay")
struct TraceGeneratorTests {
    @Test("a generated trace replays to the same summary and event log", arguments: ["gen.jsonl.gz", "gen.jsonl"])
    func generateThenReplay(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var config = SimulatorConfig.default
        config.workload = WorkloadConfig(arrivalPattern: .gamma, arrivalRate: 8, cv: 2, numRequests: 60,
                                         inputLengths: .lognormal(mean: 6, stdDev: 0.8),
                                         outputLengths: .uniform(min: 1, max: 40), seed: 7)
        let path = dir.file(name)
        #expect(try TraceGenerator.write(config.workload, to: path) == 60)

        var replayConfig = config
        replayConfig.workload.arrivalPattern = .trace
        replayConfig.workload.tracePath = path

        let direct = try simulate(config, SyntheticSource(config.workload))
        let replay = try simulate(replayConfig, try TraceSource(path: path, maxRequests: replayConfig.workload.numRequests))
        #expect(replay.1.source.error == nil)
        #expect(direct.0 == replay.0)
        #expect(direct.0.completed == 60)

        // The event streams match too (ids included), apart from the config in the header.
        var a = EventRecorder(), b = EventRecorder()
        var s1 = try Simulator(config: config, source: SyntheticSource(config.workload))
        s1.run(into: &a)
        var s2 = try Simulator(config: replayConfig, source: try TraceSource(path: path))
        s2.run(into: &b)
        #expect(a.lines == b.lines)
        #expect(a.lines.count > 60)
    }

    @Test("closed-loop and trace workloads cannot be frozen")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("x.jsonl")
        let closed = WorkloadConfig(arrivalPattern: .closedLoop, numRequests: 10, numConcurrentUsers: 2)
        let error = inputError { try TraceGenerator.write(closed, to: path) }
        #expect(error?.field == "workload.arrival_pattern")
        #expect(error?.message.hasPrefix("a closed-loop workload cannot be frozen as a trace") == true)
        #expect(inputError { try TraceGenerator.write(WorkloadConfig(arrivalPattern: .trace, tracePath: "t"), to: path) } != nil)
        #expect(try dir.contents().isEmpty)
    }
}

/// Records events as comparable text (ids, times, tokens).
struct EventRecorder: EventSink {
    var lines: [String] = []
    var ids: [Int32: String] = [:]
    mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a):
            ids[a.slot] = a.id
            lines.append("arrival \(a.id) \(a.time) \(a.promptTokens) \(a.outputTokens)")
        case .step(let s):
            lines.append("step \(s.step) \(s.time) \(s.duration) \(s.batchSlots.map { ids[$0] ?? "?" }) \(s.batchTokens)")
        case .finished(let time, _, let slot, let outputs):
            lines.append("finished \(ids[slot] ?? "?") \(time) \(outputs)")
        default:
            lines.append("\(event)")
        }
    }
}
