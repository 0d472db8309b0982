import Foundation
import Testing
@testable import InferenceLab

/// The event-log decoder's fast path (`EventLogDecoder+WriterLayout.swift`) against its general
/// path: on the writer's own lines and on randomly mutated ones, decoding with the fast path
/// gives the general path's event or its error, byte for byte.
@Suite("event log fast path")
struct EventLogFastPathTests {
    /// The outcome of decoding `lines` in order: one text per line (the event with slots, or
    /// the error); decoding stops at the first error, as the reader does.
    static func outcomes(_ lines: [[UInt8]], fast: Bool) -> [String] {
        var decoder = EventLogDecoder(file: "log")
        var end: EventLogEnd?
        var out: [String] = []
        for (i, line) in lines.enumerated() {
            let result: Result<SimulationEvent?, InputError> = line.withUnsafeBufferPointer { b in
                do throws(InputError) {
                    return .success(fast ? try decoder.decode(b, line: i + 2, end: &end)
                                         : try decoder.decodeWithoutFastPath(b, line: i + 2, end: &end))
                } catch { return .failure(error) }
            }
            switch result {
            case .success(let event): out.append(event.map { describe($0) } ?? "nil \(String(describing: end))")
            case .failure(let error): out.append("error \(error)"); return out
            }
        }
        return out
    }

    /// Every field of an event, slots as numbers (both decoders assign the same slots).
    static func describe(_ e: SimulationEvent) -> String {
        switch e {
        case .arrival(let a): return "arrival \(a.time.bitPattern) \(a.slot) \(a.id) \(a.promptTokens) \(a.outputTokens) \(a.priority)"
        case .rejected(let t, let s, let i, let r): return "rejected \(t.bitPattern) \(s) \(i) \(r)"
        case .cacheHit(let t, let s, let slot, let n, let r): return "hit \(t.bitPattern) \(s) \(slot) \(n) \(r)"
        case .step(let r):
            return "step \(r.step) \(r.time.bitPattern) \(r.duration.bitPattern) \(r.batchSlots) \(r.batchTokens) "
                + "\(r.noTokenSlots) \(r.preemptedSlots) \(r.finishedSlots) \(r.prefillTokens) \(r.decodeTokens) "
                + "\(r.running) \(r.waiting) \(r.kvBlocksUsed) \(r.kvBlocksTotal) \(r.flops.bitPattern) \(r.bytes.bitPattern)"
        case .firstToken(let t, let s, let slot): return "first \(t.bitPattern) \(s) \(slot)"
        case .preempted(let t, let s, let slot): return "preempted \(t.bitPattern) \(s) \(slot)"
        case .finished(let t, let s, let slot, let n): return "finished \(t.bitPattern) \(s) \(slot) \(n)"
        case .timedOut(let t, let slot): return "timed_out \(t.bitPattern) \(slot)"
        case .warmupEnded(let t): return "warmup_end \(t.bitPattern)"
        }
    }

    /// The records (header dropped) of a small run that preempts and rejects.
    static func writerLines() throws -> [[UInt8]] {
        var config = smallConfig(requests: 40)
        config.scheduler.numGPUBlocksOverride = 600
        config.workload.arrivalRate = 50
        config.model.maxSeqLen = 1200
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("a.events.jsonl")
        try runLogged(config, to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { Array($0.utf8) }
    }

    @Test("the writer's own lines: the same events on both paths")
    func writerOutput() throws {
        let lines = try Self.writerLines()
        #expect(lines.count > 100)
        let general = Self.outcomes(lines, fast: false)
        #expect(!general.contains { $0.hasPrefix("error") })
        #expect(Self.outcomes(lines, fast: true) == general)
    }

    @Test("randomly mutated lines: the same event or the same error on both paths")
    func mutatedLines() throws {
        let lines = try Self.writerLines()
        var rng = Xoshiro256(seed: 7)
        let alphabet = Array(#"0123456789-+.eE,:[]{}" x\nul"#.utf8)
        var differing = 0
        for _ in 0..<300 {
            let i = Int.random(in: 0..<lines.count, using: &rng)
            var line = lines[i]
            for _ in 0...Int.random(in: 0..<3, using: &rng) {
                guard !line.isEmpty else { break }
                let k = Int.random(in: 0..<line.count, using: &rng)
                let c = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: line[k] = c
                case 1: line.remove(at: k)
                default: line.insert(c, at: k)
                }
            }
            var mutated = Array(lines[...i])
            mutated[i] = line
            let fast = Self.outcomes(mutated, fast: true)
            let general = Self.outcomes(mutated, fast: false)
            if fast != general { differing += 1 }
            #expect(fast.last == general.last, "line \(i + 2): \(String(decoding: line, as: UTF8.self))")
        }
        #expect(differing == 0)
    }
}
