import Testing
import Foundation
@testable import InferenceLabCore

// Step times for configs/config.toml's model (Llama-3-70B, BF16, one H100):
// peak 1.513e15 FLOP/s, 3.35e12 B/s, 70e9 params (140e9 weight bytes), L = 80,
// d_attn = 64 heads × 128 = 8192, KV bytes/token = 2 · 8 · 128 · 2 · 80 = 327,680.
// FLOPs = 2·N·P + Σ 4·L·d_attn·n·(c + (n+1)/2); bytes = weights + Σ (c + n)·327,680.
// 4·L·d_attn = 4 · 80 · 8192 = 2,621,440.

@Suite struct RooflineTests {
    let roofline = Roofline(.default)

    @Test func kvBytesPerToken() {
        #expect(SimulatorConfig.default.kvBytesPerToken == 327_680)
        #expect(SimulatorConfig.default.weightBytes == 140e9)
    }

    @Test func prefillStep() {
        // One 1024-token prompt, c = 0.
        // FLOPs = 2·1024·70e9 + 2,621,440·1024·(0 + 1025/2)
        //       = 143,360,000,000,000 + 1,375,731,712,000 = 144,735,731,712,000
        // bytes = 140e9 + 1024·327,680 = 140,335,544,320
        // time  = max(144,735,731,712,000 / 1.513e15 ≈ 0.09566, 140,335,544,320 / 3.35e12 ≈ 0.04189)
        //       → compute-bound.
        let c = roofline.cost(of: [ScheduledChunk(context: 0, tokens: 1024)])
        #expect(relClose(c.flops, 144_735_731_712_000))
        #expect(relClose(c.bytes, 140_335_544_320))
        #expect(relClose(c.seconds, 144_735_731_712_000 / 1.513e15))
    }

    @Test func decodeStep() {
        // Eight decodes at c = 1000, n = 1.
        // FLOPs = 2·8·70e9 + 8·2,621,440·(1000 + 1) = 1,120,000,000,000 + 20,992,491,520
        //       = 1,140,992,491,520
        // bytes = 140e9 + 8·1001·327,680 = 140e9 + 2,624,061,440 = 142,624,061,440
        // time  = max(≈ 0.000754, 142,624,061,440 / 3.35e12 ≈ 0.04257) → memory-bound.
        let batch = Array(repeating: ScheduledChunk(context: 1000, tokens: 1), count: 8)
        let c = roofline.cost(of: batch)
        #expect(relClose(c.flops, 1_140_992_491_520))
        #expect(relClose(c.bytes, 142_624_061_440))
        #expect(relClose(c.seconds, 142_624_061_440 / 3.35e12))
    }

    @Test func mixedStep() {
        // A 256-token chunk at c = 512 plus one decode at c = 2047. N = 257.
        // matmul    = 2·257·70e9 = 35,980,000,000,000
        // chunk     = 2,621,440·256·(512 + 257/2 = 640.5) = 429,832,273,920
        // decode    = 2,621,440·1·(2047 + 1) = 5,368,709,120
        // FLOPs     = 36,415,200,983,040
        // bytes     = 140e9 + (768 + 2048)·327,680 = 140e9 + 922,746,880 = 140,922,746,880
        // time      = max(≈ 0.02407, ≈ 0.04207) → memory-bound.
        let c = roofline.cost(of: [ScheduledChunk(context: 512, tokens: 256), ScheduledChunk(context: 2047, tokens: 1)])
        #expect(relClose(c.flops, 36_415_200_983_040))
        #expect(relClose(c.bytes, 140_922_746_880))
        #expect(relClose(c.seconds, 140_922_746_880 / 3.35e12))
    }

    @Test func emptyBatchCostsNothing() {
        let c = roofline.cost(of: [])
        #expect(c.flops == 0 && c.bytes == 0 && c.seconds == 0)
    }

    @Test func moeWeightBytes() {
        // Qwen3-30B-A3B-like: P = 30.5e9, P_active = 3.34e9, E = 128, k = 8, BF16.
        // expert = (30.5e9 − 3.34e9) / (128 − 8) = 226,333,333.33…
        // shared = 30.5e9 − 128·expert = 1,529,333,333.33…
        // E_touched(N) = 128·(1 − (127/128)^(8N)); bytes = (shared + E_touched·expert)·2.
        var cfg = SimulatorConfig.default
        cfg.model = ModelConfig(name: "moe", numParameters: 30.5e9, numActiveParameters: 3.34e9,
                                numLayers: 48, hiddenDim: 2048, numHeads: 32, numKVHeads: 4,
                                maxSeqLen: 32768, numExperts: 128, numExpertsPerToken: 8)
        let r = Roofline(cfg)
        let expert = (30.5e9 - 3.34e9) / 120
        let shared = 30.5e9 - 128 * expert
        for n in [1, 2, 16, 100, 8192] {
            let touched = 128 * (1 - Foundation.pow(127.0 / 128.0, Double(8 * n)))
            let expected = (shared + touched * expert) * 2
            #expect(relClose(r.weightBytes(tokens: n), expected, rel: 1e-12), "N = \(n)")
        }
        // One token touches at most k experts: between shared + (k − ε) experts and P_active.
        #expect(r.weightBytes(tokens: 1) <= 3.34e9 * 2 * (1 + 1e-12))
        // Many tokens touch (nearly) all experts: the whole model.
        #expect(relClose(r.weightBytes(tokens: 8192), 30.5e9 * 2, rel: 1e-9))
        // The step's bytes use it: one decode at c = 0.
        let c = r.cost(of: [ScheduledChunk(context: 0, tokens: 1)])
        #expect(relClose(c.bytes, r.weightBytes(tokens: 1) + cfg.kvBytesPerToken))
        // Matmul FLOPs use the active parameters.
        #expect(relClose(c.flops, 2 * 3.34e9 + 4 * 48 * 2048 * 1 * (0 + 1)))
    }

    @Test func moeWithoutExpertCountsReadsActiveParameters() {
        var cfg = SimulatorConfig.default
        cfg.model.numParameters = 30.5e9
        cfg.model.numActiveParameters = 3.34e9
        #expect(Roofline(cfg).weightBytes(tokens: 1000) == 3.34e9 * 2)
    }

    @Test func slidingWindowCapsKeysOnSlidingLayers() {
        // 40 of 80 layers use a 4096 window. Decode at c = 8000: full layers see 8001 keys,
        // sliding ones 4096. Attention = 4·8192·1·(40·8001 + 40·4096).
        var cfg = SimulatorConfig.default
        cfg.model.slidingWindow = 4096
        cfg.model.numSlidingLayers = 40
        let c = Roofline(cfg).cost(of: [ScheduledChunk(context: 8000, tokens: 1)])
        let attention = 4.0 * 8192 * (40 * 8001 + 40 * 4096)
        #expect(relClose(c.flops, 2 * 70e9 + attention))
        // Below the window nothing changes.
        let short = Roofline(cfg).cost(of: [ScheduledChunk(context: 100, tokens: 1)])
        let dense = roofline.cost(of: [ScheduledChunk(context: 100, tokens: 1)])
        #expect(short.flops == dense.flops)
    }

    @Test func linearModel() {
        // base 2 ms + 10 µs/token · 101 tokens + 100 µs/request · 2 = 0.00321 s; FLOPs and
        // bytes still the roofline's.
        var cfg = SimulatorConfig.default
        cfg.compute = ComputeConfig(model: .linear, baseSeconds: 0.002, perTokenSeconds: 1e-5, perRequestSeconds: 1e-4)
        let batch = [ScheduledChunk(context: 0, tokens: 100), ScheduledChunk(context: 50, tokens: 1)]
        let c = ConfiguredStepTimeModel(cfg).cost(of: batch)
        #expect(relClose(c.seconds, 0.002 + 1e-5 * 101 + 1e-4 * 2))
        let rc = roofline.cost(of: batch)
        #expect(c.flops == rc.flops && c.bytes == rc.bytes)
    }

    @Test func kvPoolOfConfigToml() {
        // 68,719,476,736 B / (16 · 327,680 B) = 13,107.2 → 13,107 blocks incl. the null block.
        #expect(SimulatorConfig.default.usableKVBlocks == 13_106)
    }

    @Test func kvPoolOfTestBlog() {
        // 160 GiB · 0.9 = 154,618,822,656 B; minus 70e9 FP8 weights = 84,618,822,656 B.
        // KV bytes/token = 2 · 8 · 128 · 1 · 80 = 163,840; block = 2,621,440 B →
        // 32,279 blocks incl. the null block → 32,278 usable.
        var cfg = SimulatorConfig.default
        cfg.hardware = HardwareConfig(name: "H100 TP=2", computeFlops: 3.958e15, memoryBandwidth: 6.7e12,
                                      memoryCapacity: 171_798_691_840, kvCacheCapacity: nil,
                                      gpuMemoryUtilization: 0.9, bytesPerParam: 1)
        #expect(cfg.kvBytesPerToken == 163_840)
        #expect(cfg.kvPoolBytes == 84_618_822_656)
        #expect(cfg.usableKVBlocks == 32_279 - 1)
    }
}
