import Testing
@testable import InferenceLabCore

/// The schema's declarations reach every field of ``SimulatorConfig`` and read back what they
/// write, so that the readers and the header driven by them miss nothing.
@Suite struct ConfigSchemaTests {
    /// A config whose every field differs from ``SimulatorConfig/init()``'s.
    static let everyFieldSet = SimulatorConfig(
        hardware: HardwareConfig(name: "X", computeFlops: 1e15, memoryBandwidth: 2e12, memoryCapacity: 9e10,
                                 kvCacheCapacity: 3e10, gpuMemoryUtilization: 0.8, bytesPerParam: 1,
                                 kvCacheBytesPerElement: 2, tensorParallelSize: 2, interconnectBandwidth: 4e11,
                                 interconnectLatency: 1e-5),
        model: ModelConfig(name: "M", numParameters: 8e9, numActiveParameters: 2e9, numLayers: 32, hiddenDim: 4096,
                           numHeads: 32, numKVHeads: 4, headDim: 128, maxSeqLen: 4096, slidingWindow: 1024,
                           numSlidingLayers: 16, numExperts: 8, numExpertsPerToken: 2),
        scheduler: SchedulerConfig(maxNumBatchedTokens: 2048, maxNumSeqs: 64, policy: .sjf, enableChunkedPrefill: false,
                                   blockSize: 32, longPrefillTokenThreshold: 100, maxNumPartialPrefills: 2,
                                   enablePrefixCaching: false, asyncScheduling: true, watermark: 0.01,
                                   reserveFullPrompt: false, numGPUBlocksOverride: 500, prefixHashBlockSize: 512),
        workload: WorkloadConfig(arrivalPattern: .closedLoop, arrivalRate: 3, cv: 2, numRequests: 10, durationSecs: 60,
                                 numConcurrentUsers: 4, thinkTime: 0.5, inputLengths: .uniform(min: 1, max: 9),
                                 outputLengths: .fixed(7), seed: .max, tracePath: "t.jsonl", timeScale: 2),
        compute: ComputeConfig(model: .calibrated, baseSeconds: 0.01, perTokenSeconds: 1e-4, perRequestSeconds: 1e-3,
                               calibration: CalibrationFactors(computeEfficiency: 0.5, memoryEfficiency: 0.6,
                                                               attentionComputeEfficiency: 0.7,
                                                               attentionMemoryEfficiency: 0.8,
                                                               interconnectEfficiency: 0.9, stepOverheadSeconds: 1e-3,
                                                               layerOverheadSeconds: 1e-5, tokenOverheadSeconds: 1e-7)),
        logInterval: 7)

    @Test func copyingEveryKeyCopiesTheWholeConfig() {
        var copy = SimulatorConfig()
        for table in ConfigSchema.tables {
            for key in table.keys { key.set(&copy, key.get(Self.everyFieldSet)) }
        }
        #expect(copy == Self.everyFieldSet)
    }

    @Test func namesAreUniqueAndDefaultsHaveTheirKind() {
        #expect(Set(ConfigSchema.tableNames).count == ConfigSchema.tables.count)
        for table in ConfigSchema.tables {
            #expect(Set(table.keyNames).count == table.keys.count, "duplicate key in [\(table.name)]")
            for key in table.keys {
                guard let value = key.defaultValue.value else { continue }
                var config = SimulatorConfig()
                key.set(&config, value)
                // A default is valid for its own range where the range always applies.
                if key.checkedWhen == nil {
                    #expect(key.range.violation(value) == nil, "\(table.name).\(key.name)")
                }
                if case .value = key.role, let back = key.get(config) {
                    #expect(ConfigSchema.sameValue(back, value), "\(table.name).\(key.name)")
                }
            }
        }
    }

    @Test func rangesWordTheirMessages() {
        #expect(ConfigRange.positive.violation(.integer(0)) == "must be a positive integer, got 0")
        #expect(ConfigRange.positive.violation(.number(-1)) == "must be a positive finite number, got -1.0")
        #expect(ConfigRange.fraction.violation(.number(1.5)) == "must be in (0, 1], got 1.5")
        #expect(ConfigRange.fractionBelowOne.violation(.number(1)) == "must be in [0, 1), got 1.0")
        #expect(ConfigRange.nonNegativeSeconds.violation(.number(-.infinity)) == "must be ≥ 0 seconds, got -inf")
        #expect(ConfigRange.integerIn(2...9, belowReason: "(why)", aboveReason: "(max)").violation(.integer(1)) == "must be ≥ 2 (why), got 1")
        #expect(ConfigRange.integerIn(2...9, belowReason: "(why)", aboveReason: "(max)").violation(.integer(10)) == "must be at most 9 (max), got 10")
        #expect(ConfigRange.positive.violation(.integer(1 << 31)) == "must be at most 2147483647, got 2147483648")
        #expect(ConfigRange.positive.violation(.number(2)) == nil)
    }
}
