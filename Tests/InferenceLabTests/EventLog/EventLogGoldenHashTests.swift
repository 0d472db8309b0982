import Foundation
import InferenceLab
import Testing

/// Pins the exact bytes of small runs' event logs, so that optimisations cannot change what
/// the simulator does: a change here must be a deliberate change of behaviour (update the
/// hashes and say why in the commit message).
@Suite struct EventLogGoldenHashTests {
    /// FNV-1a, 64 bits.
    static func fnv1a(_ data: Data) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    static func logHash(_ config: SimulatorConfig) throws -> UInt64 {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/golden.jsonl"
        try runLogged(config, to: path, version: "golden")
        return fnv1a(try Data(contentsOf: URL(fileURLWithPath: path)))
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
        let hash = try Self.logHash(Self.defaultCase)
        #expect(hash == 12201234211898945661)
    }

    @Test func pressureRunIsUnchanged() throws {
        let hash = try Self.logHash(Self.pressureCase)
        #expect(hash == 16337807699260724486)
    }

    @Test func closedLoopRunIsUnchanged() throws {
        let hash = try Self.logHash(Self.closedLoopCase)
        #expect(hash == 12217384508449751326)
    }
}
