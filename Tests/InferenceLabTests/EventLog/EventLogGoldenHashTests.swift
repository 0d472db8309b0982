import Foundation
import InferenceLab
@testable import InferenceLabCore
import Testing

/// Pins the exact bytes of small runs' event logs, so that optimisations cannot change what
/// the simulator does: a change here must be a deliberate change of behaviour (update the
/// hashes, rerun with `GOLDEN_UPDATE=1` to rewrite the fixtures, and say why in the commit
/// message). A mismatch names the first line that differs, with both lines.
@Suite struct EventLogGoldenHashTests {
    /// FNV-1a, 64 bits.
    static func fnv1a(_ data: Data) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// The log of `config`'s run, as written.
    static func log(_ config: SimulatorConfig) throws -> Data {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/golden.jsonl"
        try runLogged(config, to: path, version: "golden")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Committed per-case fixtures (`Golden/NAME.lines`: a 32-bit hash of every line;
    /// `Golden/NAME.head.jsonl`: the first lines in full, about 8 KB), so that a changed log
    /// names its first differing line instead of only a different hash.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let headBytes = 8 * 1024

    /// A line's fixture entry: its FNV-1a hash folded to 32 bits, in hex.
    static func lineHash(_ line: Substring) -> String {
        let h = fnv1a(Data(line.utf8))
        return String(UInt32(truncatingIfNeeded: h ^ (h >> 32)), radix: 16)
    }

    /// Checks the log of `config` against `expected` (the hash of the whole log); on a
    /// mismatch, records the first line that differs from the committed fixtures: its number
    /// and both lines (the expected one in full where the head fixture holds it). With
    /// `GOLDEN_UPDATE=1` in the environment and a matching hash, rewrites the fixtures.
    static func check(_ config: SimulatorConfig, _ name: String, hash expected: UInt64) throws {
        let data = try log(config)
        let hash = fnv1a(data)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let linesURL = fixtures.appendingPathComponent("\(name).lines")
        let headURL = fixtures.appendingPathComponent("\(name).head.jsonl")
        if hash == expected {
            if ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] == "1" {
                try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
                try lines.map { lineHash($0) + "\n" }.joined().write(to: linesURL, atomically: true, encoding: .utf8)
                var head = "", size = 0
                for line in lines where size + line.utf8.count + 1 <= headBytes { head += line + "\n"; size += line.utf8.count + 1 }
                try head.write(to: headURL, atomically: true, encoding: .utf8)
            }
            return
        }
        let hashes = try String(contentsOf: linesURL, encoding: .utf8).split(separator: "\n").map(String.init)
        let head = try String(contentsOf: headURL, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let message = "\(name): the log's hash is \(hash), expected \(expected); "
            + firstDifference(Array(lines), hashes: hashes, head: Array(head))
        Issue.record(Comment(rawValue: message))
    }

    /// Where `lines` first differ from the fixtures' line hashes, with both lines (the expected
    /// one in full where `head` holds it, else its hash).
    static func firstDifference(_ lines: [Substring], hashes: [String], head: [Substring]) -> String {
        guard let i = (0..<max(lines.count, hashes.count)).first(where: { i in
            i >= lines.count || i >= hashes.count || lineHash(lines[i]) != hashes[i]
        }) else { return "every line matches the fixtures (a missing final newline?)" }
        let expectedLine = i < head.count ? String(head[i]) : i < hashes.count ? "(a line with hash \(hashes[i]))" : "(end of log)"
        let actualLine = i < lines.count ? String(lines[i]) : "(end of log)"
        return "first difference at line \(i + 1):\n  expected: \(expectedLine)\n  actual:   \(actualLine)"
    }

    /// config.toml's model and workload, 300 requests at 5 req/s.
    static var defaultCase: SimulatorConfig {
        var c = SimulatorConfig.default
        c.workload.numRequests = 300
        return c
    }

    /// Heavy KV pressure under the priority policy with async scheduling: preemptions,
    /// resume hits, budget restores.
    static var pressureCase: SimulatorConfig {
        var c = SimulatorConfig.default
        c.workload.numRequests = 150
        c.workload.arrivalRate = 20
        c.scheduler.numGPUBlocksOverride = 700
        c.scheduler.policy = .priority
        c.scheduler.asyncScheduling = true
        c.scheduler.maxNumBatchedTokens = 2048
        return c
    }

    /// Closed loop with the original's sif policy and a long-prefill threshold.
    static var closedLoopCase: SimulatorConfig {
        var c = SimulatorConfig.default
        c.workload = WorkloadConfig(arrivalPattern: .closedLoop, numRequests: 120, numConcurrentUsers: 16,
                                    thinkTime: 0.5, inputLengths: .uniform(min: 64, max: 2048),
                                    outputLengths: .lognormal(mean: 4, stdDev: 1), seed: 9)
        c.scheduler.policy = .sif
        c.scheduler.longPrefillTokenThreshold = 256
        return c
    }

    @Test func defaultRunIsUnchanged() throws {
        try Self.check(Self.defaultCase, "default", hash: 12201234211898945661)
    }

    @Test func pressureRunIsUnchanged() throws {
        try Self.check(Self.pressureCase, "pressure", hash: 16337807699260724486)
    }

    @Test func closedLoopRunIsUnchanged() throws {
        try Self.check(Self.closedLoopCase, "closed-loop", hash: 12217384508449751326)
    }

    @Test func aChangedLogNamesItsFirstDifferingLine() throws {
        let lines = ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"].map { Substring($0) }
        let hashes = lines.map { Self.lineHash($0) }
        var changed = lines
        changed[1] = "{\"b\":5}"
        #expect(Self.firstDifference(changed, hashes: hashes, head: Array(lines.prefix(2)))
                == "first difference at line 2:\n  expected: {\"b\":2}\n  actual:   {\"b\":5}")
        changed[1] = lines[1]
        changed[2] = "{\"c\":4}"
        #expect(Self.firstDifference(changed, hashes: hashes, head: Array(lines.prefix(2)))
                == "first difference at line 3:\n  expected: (a line with hash \(hashes[2]))\n  actual:   {\"c\":4}")
        #expect(Self.firstDifference(Array(lines.prefix(2)), hashes: hashes, head: [])
                .hasSuffix("actual:   (end of log)"))
        #expect(Self.firstDifference(lines, hashes: hashes, head: []).hasPrefix("every line matches"))
    }
}
