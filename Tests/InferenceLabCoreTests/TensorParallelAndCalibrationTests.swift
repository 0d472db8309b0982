import Testing
@testable import InferenceLabCore

// Hand-computed checks of the tensor-parallel communication term, the MoE expert-traffic
// formula (inference-lab-seed.md, deviation 9) and the calibrated model's sum.

@Suite struct TensorParallelAndCalibrationTests {
    /// Llama-3-70B-like (config.toml's model) on 4 GPUs with a 450 GB/s interconnect and
    /// 5 µs per all-reduce.
    func tp4() -> SimulatorConfig {
        var cfg = SimulatorConfig.default
        cfg.hardware.tensorParallelSize = 4
        cfg.hardware.interconnectBandwidth = 450e9
        cfg.hardware.interconnectLatency = 5e-6
        return cfg
    }

    @Test func communicationTermByHand() {
        // One 1000-token prefill, T = 4, L = 80, D = 8192, BF16 activations.
        // message per all-reduce = 1000 · 8192 · 2 = 16,384,000 B
        // ring: each GPU sends 2 · (4 − 1)/4 · 16,384,000 = 24,576,000 B per all-reduce
        // 2 · 80 = 160 all-reduces → 3,932,160,000 B
        // time = 160 · 5e-6 + 3,932,160,000 / 450e9 = 0.0008 + 0.0087381333… = 0.0095381333… s
        let r = Roofline(tp4())
        let t = r.terms(of: [ScheduledChunk(context: 0, tokens: 1000)])
        #expect(t.collectives == 160)
        #expect(relClose(t.collectiveBytes, 3_932_160_000))
        #expect(relClose(r.communicationSeconds(t), 0.0008 + 3_932_160_000 / 450e9))
        // The roofline adds it to the per-GPU roofline: FLOPs = (2·1000·70e9 + 2,621,440·1000·500.5)/4
        // = (1.4e14 + 1,312,030,720,000)/4 = 35,328,007,680,000 → /1.513e15 = 0.0233496…;
        // bytes = 140e9/4 + 1000 · 327,680 · (2/8) = 35e9 + 81,920,000 → /3.35e12 = 0.010472…
        let c = r.cost(of: [ScheduledChunk(context: 0, tokens: 1000)])
        #expect(relClose(c.flops, 35_328_007_680_000))
        #expect(relClose(c.bytes, 35_081_920_000))
        #expect(relClose(c.seconds, 35_328_007_680_000 / 1.513e15 + 0.0008 + 3_932_160_000 / 450e9))
        // No communication on one GPU.
        #expect(Roofline(.default).terms(of: [ScheduledChunk(context: 0, tokens: 1000)]).collectives == 0)
    }

    @Test func kvShareAndBlocksUnderTP() {
        // 8 KV heads on 4 GPUs: 2 each, a quarter of the KV per GPU. On 16 GPUs heads are
        // replicated: ceil(8/16) = 1 head each, an eighth.
        var cfg = tp4()
        #expect(cfg.kvShardFraction == 0.25)
        #expect(cfg.kvBytesPerTokenPerGPU == 81_920)
        cfg.hardware.tensorParallelSize = 16
        #expect(cfg.kvShardFraction == 0.125)
        // Derived pool: 80 GiB · 0.9 − 140e9/4 per GPU = 77,309,411,328 − 35e9 = 42,309,411,328 B;
        // blocks of 16 tokens · 81,920 B = 1,310,720 B → 32,279 blocks, 32,278 usable.
        var derived = tp4()
        derived.hardware.kvCacheCapacity = nil
        #expect(derived.kvPoolBytes == 42_309_411_328)
        #expect(derived.usableKVBlocks == 32_278)
    }

    @Test func tpValidation() {
        var cfg = tp4()
        cfg.hardware.interconnectBandwidth = nil
        #expect(cfg.validate().contains { $0.key == "hardware.interconnect_bandwidth" && $0.severity == .error })
        cfg = tp4()
        cfg.hardware.tensorParallelSize = 3
        #expect(cfg.validate().contains { $0.key == "hardware.tensor_parallel_size" && $0.severity == .error })
        #expect(tp4().validate().filter { $0.severity == .error }.isEmpty)
    }

    @Test func moeExpertTrafficByHand() {
        // P_total = 10e9, P_active = 4e9, E = 8, k = 2, BF16.
        // expert = (10e9 − 4e9)/(8 − 2) = 1e9; shared = 10e9 − 8 · 1e9 = 2e9.
        // N = 1: E_touched = 8 · (1 − (7/8)^2) = 8 · 15/64 = 1.875
        //        bytes = (2e9 + 1.875e9) · 2 = 7.75e9 (= P_active·2 − 0.125e9·2: two routings may collide)
        // N = 2: E_touched = 8 · (1 − (7/8)^4) = 8 · 1695/4096 = 3.310546875
        //        bytes = (2e9 + 3.310546875e9) · 2 = 10.62109375e9
        var cfg = SimulatorConfig.default
        cfg.model = ModelConfig(name: "moe", numParameters: 10e9, numActiveParameters: 4e9, numLayers: 16,
                                hiddenDim: 4096, numHeads: 32, numKVHeads: 8, maxSeqLen: 4096,
                                numExperts: 8, numExpertsPerToken: 2)
        let r = Roofline(cfg)
        #expect(relClose(r.expertsTouched(tokens: 1), 1.875, rel: 1e-12))
        #expect(relClose(r.weightBytes(tokens: 1), 7.75e9, rel: 1e-12))
        #expect(relClose(r.expertsTouched(tokens: 2), 3.310546875, rel: 1e-12))
        #expect(relClose(r.weightBytes(tokens: 2), 10.62109375e9, rel: 1e-12))
        // Under TP 2 each GPU reads half of it.
        cfg.hardware.tensorParallelSize = 2
        cfg.hardware.interconnectBandwidth = 450e9
        let t = Roofline(cfg).terms(of: [ScheduledChunk(context: 0, tokens: 2)])
        #expect(relClose(t.weightBytes, 10.62109375e9 / 2, rel: 1e-12))
    }

    @Test func calibratedSumByHand() {
        // One decode at c = 1000 on one GPU (config.toml's model), with
        // η_c = 0.5, η_m = 0.8, η_ac = 0.5, η_am = 0.4, step 1 ms, layer 10 µs, token 1 µs.
        // matmul:    max(2·70e9 / (1.513e15·0.5), 140e9 / (3.35e12·0.8)) = 140e9/2.68e12 = 0.05223880…
        // attention: max(2,621,440·1001 / (1.513e15·0.5), 1001·327,680 / (3.35e12·0.4))
        //          = 328,007,680 / 1.34e12 = 0.00024478…
        // overheads: 0.001 + 80·10e-6 + 1·80·1e-6 = 0.00188
        var cfg = SimulatorConfig.default
        cfg.compute = ComputeConfig(model: .calibrated, calibration: CalibrationFactors(
            computeEfficiency: 0.5, memoryEfficiency: 0.8, attentionComputeEfficiency: 0.5,
            attentionMemoryEfficiency: 0.4, stepOverheadSeconds: 0.001, layerOverheadSeconds: 10e-6,
            tokenOverheadSeconds: 1e-6))
        let c = ConfiguredStepTimeModel(cfg).cost(of: [ScheduledChunk(context: 1000, tokens: 1)])
        #expect(relClose(c.seconds, 140e9 / 2.68e12 + 328_007_680 / 1.34e12 + 0.00188))
        #expect(ConfiguredStepTimeModel(cfg).cost(of: []).seconds == 0)
        // Default factors and no overheads: matmul and attention priced separately, so never
        // below the plain roofline.
        cfg.compute.calibration = CalibrationFactors()
        let batch = [ScheduledChunk(context: 0, tokens: 512), ScheduledChunk(context: 4000, tokens: 1)]
        #expect(CalibratedRoofline(cfg).cost(of: batch).seconds >= Roofline(cfg).cost(of: batch).seconds)
    }

    @Test func fitRecoversKnownFactors() {
        // Steps generated by known factors are fitted back to (nearly) zero error.
        var cfg = tp4()
        let truth = CalibrationFactors(computeEfficiency: 0.7, memoryEfficiency: 0.85, attentionComputeEfficiency: 0.6,
                                       attentionMemoryEfficiency: 0.5, interconnectEfficiency: 0.75,
                                       layerOverheadSeconds: 40e-6)
        var samples: [CalibrationSample] = []
        for tp in [2, 4, 8] {
            for (b, n, ctx) in [(1, 1024, 0), (8, 2048, 0), (1, 1, 1000), (64, 1, 2000), (128, 1, 8000)] {
                samples.append(CalibrationSample(phase: n == 1 ? .decode : .prefill, tensorParallelSize: tp,
                                                 requests: b, tokens: n, context: ctx, seconds: 1))
            }
        }
        cfg.hardware.tensorParallelSize = 1
        let truthTimes = CalibrationFit.predict(samples, config: cfg, factors: truth)
        for i in samples.indices { samples[i].seconds = truthTimes[i] }
        let fit = CalibrationFit.fit(samples, config: cfg)
        #expect(medianOf(fit.absoluteRelativeErrors) < 0.01)
    }
}
