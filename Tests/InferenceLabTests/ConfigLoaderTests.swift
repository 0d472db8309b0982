import Foundation
import Testing
@testable import InferenceLab
@testable import InferenceLabCore

/// Loading the shipped configs and the original's configs.
@Suite struct ConfigLoaderTests {
    @Test func configTomlIsTheBuiltInDefault() throws {
        let loaded = try ConfigLoader.load(path: packageRoot + "/configs/config.toml")
        #expect(loaded.config == SimulatorConfig.default)
    }

    @Test func configTomlWarnsAboutItsExplicitKVPool() throws {
        let loaded = try ConfigLoader.load(path: packageRoot + "/configs/config.toml")
        #expect(loaded.warnings.count == 1)
        let warning = try #require(loaded.warnings.first)
        // kv_cache_capacity is on line 16 of configs/config.toml.
        #expect(warning.hasPrefix(packageRoot + "/configs/config.toml:16: warning: hardware.kv_cache_capacity: "))
        #expect(warning.contains("exceed memory_capacity"))
    }

    @Test func configTomlDerivedValues() throws {
        let c = try ConfigLoader.load(path: packageRoot + "/configs/config.toml").config
        #expect(c.kvBytesPerToken == 327_680)
        #expect(c.kvPoolBytes == 68_719_476_736)
        #expect(c.usableKVBlocks == 13_106)  // 13,107 blocks, one of them vLLM's null block
        #expect(c.weightBytes == 140e9)
    }

    @Test func testBlogToml() throws {
        let loaded = try ConfigLoader.load(path: packageRoot + "/configs/test_blog.toml")
        let c = loaded.config
        #expect(loaded.warnings.isEmpty)
        #expect(c.hardware.name == "H100 TP=2")
        #expect(c.hardware.kvCacheCapacity == nil)
        #expect(c.hardware.bytesPerParam == 1)
        #expect(c.scheduler.policy == .sif)
        #expect(c.scheduler.maxNumSeqs == 1000)
        #expect(c.workload.arrivalPattern == .closedLoop)
        #expect(c.workload.numConcurrentUsers == 64)
        #expect(c.workload.numRequests == 640)
        #expect(c.workload.inputLengths == .fixed(1024))
        #expect(c.workload.outputLengths == .fixed(1024))
        #expect(c.logInterval == 10)
        #expect(c.kvBytesPerToken == 163_840)
        #expect(c.kvPoolBytes == 84_618_822_656)
        #expect(c.usableKVBlocks == 32_278)
    }

    @Test func qwen3Toml() throws {
        let loaded = try ConfigLoader.load(path: packageRoot + "/configs/qwen3_30b_a3b.toml")
        let c = loaded.config
        #expect(c.model.name == "Qwen3-30B-A3B")
        #expect(c.model.numActiveParameters == 3.34e9)
        #expect(c.model.headDim == nil)
        #expect(c.model.resolvedHeadDim == 64)  // the original's value; the real model has 128
        #expect(c.model.maxSeqLen == 32768)
        #expect(c.kvBytesPerToken == 49_152)
        #expect(c.usableKVBlocks == 87_380)
        #expect(c.workload == SimulatorConfig.default.workload)
        #expect(loaded.warnings.count == 1)
    }

    @Test func linearParityToml() throws {
        let loaded = try ConfigLoader.load(path: packageRoot + "/configs/linear_parity.toml")
        let c = loaded.config
        #expect(loaded.warnings.isEmpty)
        #expect(c.compute == ComputeConfig(model: .linear, baseSeconds: 0.01, perTokenSeconds: 0.0001))
        #expect(c.scheduler.numGPUBlocksOverride == 401)
        #expect(c.usableKVBlocks == 400)
        #expect(c.scheduler.maxNumBatchedTokens == 512)
        #expect(c.scheduler.maxNumSeqs == 32)
        #expect(c.scheduler.blockSize == 16)
        #expect(c.scheduler.enablePrefixCaching)
        #expect(!c.scheduler.asyncScheduling)
        #expect(c.hardware == SimulatorConfig.default.hardware)
    }

    @Test(.enabled(if: seedConfigsPresent, "the original's configs are not in shared/reference/seed-configs beside the package (or INFERENCE_LAB_SHARED)"),
          arguments: ["config.toml", "test_blog.toml", "qwen3_30b_a3b.toml"])
    func originalConfigsLoadUnchanged(name: String) throws {
        let original = try ConfigLoader.load(path: seedConfigDirectory + "/" + name)
        let ours = try ConfigLoader.load(path: packageRoot + "/configs/" + name)
        #expect(original.config == ours.config)
        #expect(original.warnings.count == ours.warnings.count)
    }

    @Test func emptyFileIsTheDefaultWithTheOriginalLogInterval() throws {
        let loaded = try ConfigLoader.parse("", file: "empty.toml")
        var expected = SimulatorConfig.default
        expected.logInterval = 100
        #expect(loaded.config == expected)
        // The default's explicit KV pool warns; with no [hardware] table there is no line,
        // and the warning says the value is the built-in default's, not the file's.
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.hasPrefix(
            "empty.toml: warning: hardware.kv_cache_capacity (from the built-in default [hardware]: the file has no [hardware] table): ") == true)
    }

    @Test func missingTablesTakeTheDefaults() throws {
        let text = """
        [scheduler]
        policy = "PRIORITY"
        """
        let c = try ConfigLoader.parse(text, file: "t.toml").config
        #expect(c.hardware == SimulatorConfig.default.hardware)
        #expect(c.model == SimulatorConfig.default.model)
        #expect(c.workload == SimulatorConfig.default.workload)
        #expect(c.scheduler.policy == .priority)
        #expect(c.scheduler.maxNumBatchedTokens == 8192)
    }

    @Test func additionsAndDefaults() throws {
        let text = baseConfig + """

        [compute]
        model = "Roofline"
        [simulation]
        log_interval = 7
        """
        var c = try ConfigLoader.parse(text, file: "t.toml").config
        // Defaults of the keys the file leaves out.
        #expect(c.hardware.gpuMemoryUtilization == 0.9)
        #expect(c.hardware.kvCacheBytesPerElement == nil)
        #expect(c.model.numKVHeads == 8 && c.model.headDim == nil && c.model.numExperts == nil)
        #expect(c.scheduler == SchedulerConfig())
        #expect(c.workload.cv == 1 && c.workload.thinkTime == 0 && c.workload.durationSecs == nil)
        #expect(c.compute.model == .roofline)
        #expect(c.logInterval == 7)

        let more = base(replacing: "block_size", with: """
        block_size = 32
        enable_prefix_caching = false
        long_prefill_token_threshold = 256
        max_num_partial_prefills = 4
        async_scheduling = true
        watermark = 0.01
        reserve_full_prompt = false
        num_gpu_blocks_override = 1000
        prefix_hash_block_size = 32
        """)
        c = try ConfigLoader.parse(more, file: "t.toml").config
        #expect(c.scheduler == SchedulerConfig(
            blockSize: 32, longPrefillTokenThreshold: 256, maxNumPartialPrefills: 4,
            enablePrefixCaching: false, asyncScheduling: true, watermark: 0.01, reserveFullPrompt: false,
            numGPUBlocksOverride: 1000, prefixHashBlockSize: 32))
    }

    @Test func modelAdditions() throws {
        let text = base(replacing: "max_seq_len", with: """
        max_seq_len = 8192
        head_dim = 128
        num_active_parameters = 10e9
        num_experts = 16
        num_experts_per_token = 2
        sliding_window = 4096
        num_sliding_layers = 40
        """)
        let m = try ConfigLoader.parse(text, file: "t.toml").config.model
        #expect(m.headDim == 128)
        #expect(m.numActiveParameters == 10e9)
        #expect(m.numExperts == 16 && m.numExpertsPerToken == 2)
        #expect(m.slidingWindow == 4096 && m.numSlidingLayers == 40)
    }

    @Test func hardwareAdditions() throws {
        let text = base(replacing: "kv_cache_capacity", with: """
        kv_cache_capacity = 0
        kv_cache_bytes_per_element = 1
        gpu_memory_utilization = 0.95
        """).replacingOccurrences(of: "num_parameters = 70000000000", with: "num_parameters = 8e9")
        let c = try ConfigLoader.parse(text, file: "t.toml").config
        #expect(c.hardware.kvCacheCapacity == nil)  // 0 means derive, as in the original
        #expect(c.hardware.kvCacheBytesPerElement == 1)
        #expect(c.hardware.gpuMemoryUtilization == 0.95)
        #expect(c.kvBytesPerToken == 163_840)
        #expect(c.kvPoolBytes == (85_899_345_920 * 0.95).rounded(.down) - 16e9)
    }

    @Test func integersWhereFloatsAreExpected() throws {
        let text = base(replacing: "mean = 6.9", with: "mean = 7")
            .replacingOccurrences(of: "arrival_rate = 5.0", with: "arrival_rate = 5")
            .replacingOccurrences(of: "compute_flops = 1.513e15", with: "compute_flops = 1513000000000000")
        let c = try ConfigLoader.parse(text, file: "t.toml").config
        #expect(c.workload.inputLengths == .lognormal(mean: 7, stdDev: 0.7))
        #expect(c.workload.arrivalRate == 5)
        #expect(c.hardware.computeFlops == 1.513e15)
    }

    @Test func enumeratedValuesIgnoreCase() throws {
        let text = base(replacing: "policy", with: "policy = \"SJF\"")
            .replacingOccurrences(of: "\"poisson\"", with: "\"Gamma\"")
            .replacingOccurrences(of: "type = \"lognormal\"\nmean = 6.9\nstd_dev = 0.7",
                                  with: "type = \"Uniform\"\nmin = 10\nmax = 20")
        let c = try ConfigLoader.parse(text, file: "t.toml").config
        #expect(c.scheduler.policy == .sjf)
        #expect(c.workload.arrivalPattern == .gamma)
        #expect(c.workload.inputLengths == .uniform(min: 10, max: 20))
    }

    @Test(arguments: SchedulingPolicy.allCases)
    func everyPolicy(policy: SchedulingPolicy) throws {
        let text = base(replacing: "policy", with: "policy = \"\(policy.rawValue)\"")
        #expect(try ConfigLoader.parse(text, file: "t.toml").config.scheduler.policy == policy)
    }

    @Test func inlineAndDottedDistributions() throws {
        let text = """
        [workload]
        arrival_pattern = "batched"
        num_requests = 10
        input_len_dist = { type = "normal", mean = 500, std_dev = 50 }
        output_len_dist.type = "fixed"
        output_len_dist.value = 3
        """
        let w = try ConfigLoader.parse(text, file: "t.toml").config.workload
        #expect(w.arrivalPattern == .batched)
        #expect(w.inputLengths == .normal(mean: 500, stdDev: 50))
        #expect(w.outputLengths == .fixed(3))
    }

    @Test func closedLoopAndTraceWorkloads() throws {
        let closed = """
        [workload]
        arrival_pattern = "closed_loop"
        num_concurrent_users = 8
        think_time = 0.5
        duration_secs = 60
        seed = 7
        input_len_dist = { type = "fixed", value = 100 }
        output_len_dist = { type = "fixed", value = 10 }
        """
        let w = try ConfigLoader.parse(closed, file: "t.toml").config.workload
        #expect(w.numConcurrentUsers == 8 && w.thinkTime == 0.5 && w.durationSecs == 60 && w.seed == 7)
        #expect(w.numRequests == nil)
        #expect(w.arrivalRate == 0)

        let trace = """
        [workload]
        arrival_pattern = "trace"
        trace_path = "traces/example.jsonl.gz"
        """
        let t = try ConfigLoader.parse(trace, file: "t.toml").config.workload
        #expect(t.arrivalPattern == .trace)
        #expect(t.tracePath == "traces/example.jsonl.gz")
    }

    @Test func largeSeed() throws {
        let text = base(replacing: "seed", with: "seed = 9223372036854775807")
        #expect(try ConfigLoader.parse(text, file: "t.toml").config.workload.seed == UInt64(Int64.max))
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let path = temporaryFile(bytes: [0xEF, 0xBB, 0xBF] + Array("[scheduler]\nblock_size = 32\n".utf8))
        #expect(try ConfigLoader.load(path: path).config.scheduler.blockSize == 32)
    }
}
