import Foundation
import Testing
@testable import InferenceLab
@testable import InferenceLabCore

@Suite struct ConfigJSONTests {
    @Test func defaultConfig() {
        let expected = #"{"hardware":{"name":"H100","compute_flops":1513000000000000.0,"memory_bandwidth":3350000000000.0,"memory_capacity":85899345920.0,"kv_cache_capacity":68719476736.0,"gpu_memory_utilization":0.9,"bytes_per_param":2},"#
            + #""model":{"name":"Llama-3-70B","num_parameters":70000000000.0,"num_layers":80,"hidden_dim":8192,"num_heads":64,"num_kv_heads":8,"max_seq_len":8192},"#
            + #""scheduler":{"max_num_batched_tokens":8192,"max_num_seqs":256,"policy":"fcfs","enable_chunked_prefill":true,"block_size":16,"long_prefill_token_threshold":0,"max_num_partial_prefills":1,"enable_prefix_caching":true,"async_scheduling":false,"watermark":0.0,"reserve_full_prompt":true,"prefix_hash_block_size":16},"#
            + #""workload":{"arrival_pattern":"poisson","arrival_rate":5.0,"cv":1.0,"num_requests":400,"think_time":0.0,"seed":42,"input_len_dist":{"type":"lognormal","mean":6.9,"std_dev":0.7},"output_len_dist":{"type":"lognormal","mean":5.3,"std_dev":0.8}},"#
            + #""compute":{"model":"roofline","base_seconds":0.0,"per_token_seconds":0.0,"per_request_seconds":0.0},"#
            + #""simulation":{"log_interval":5},"#
            + #""derived":{"kv_bytes_per_token":327680.0,"kv_pool_bytes":68719476736.0,"usable_kv_blocks":13106,"weight_bytes":140000000000.0,"long_prefill_token_threshold":0}}"#
        #expect(resolvedConfigJSON(.default) == expected)
    }

    @Test func optionalValuesAppearWhenSet() throws {
        var c = SimulatorConfig.default
        c.hardware.kvCacheBytesPerElement = 1
        c.model = ModelConfig(numActiveParameters: 1e9, headDim: 128, slidingWindow: 4096, numSlidingLayers: 2,
                              numExperts: 8, numExpertsPerToken: 2)
        c.scheduler.numGPUBlocksOverride = 401
        c.workload = WorkloadConfig(arrivalPattern: .closedLoop, numRequests: nil, durationSecs: 30,
                                    numConcurrentUsers: 4, inputLengths: .uniform(min: 1, max: 9),
                                    outputLengths: .normal(mean: 10, stdDev: 2), seed: .max, tracePath: "t.jsonl")
        let json = resolvedConfigJSON(c)
        for fragment in [
            #""kv_cache_bytes_per_element":1}"#, #""num_active_parameters":1000000000.0,"#, #""head_dim":128,"#,
            #""sliding_window":4096,"num_sliding_layers":2,"num_experts":8,"num_experts_per_token":2}"#,
            #""num_gpu_blocks_override":401,"#, #""duration_secs":30.0,"num_concurrent_users":4,"#,
            #""seed":18446744073709551615,"trace_path":"t.jsonl","#,
            #""input_len_dist":{"type":"uniform","min":1,"max":9}"#,
            #""output_len_dist":{"type":"normal","mean":10.0,"std_dev":2.0}"#, #""usable_kv_blocks":400,"#,
        ] {
            #expect(json.contains(fragment), "\(fragment)")
        }
        #expect(!json.contains("num_requests"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["hardware", "model", "scheduler", "workload", "compute", "simulation", "derived"])
    }

    @Test func fixedDistributionAndRoundTrip() {
        var c = SimulatorConfig.default
        c.workload.inputLengths = .fixed(1024)
        c.hardware.gpuMemoryUtilization = 0.1 + 0.2  // 0.30000000000000004
        c.compute = ComputeConfig(model: .linear, baseSeconds: 0.01, perTokenSeconds: 1e-4)
        let json = resolvedConfigJSON(c)
        #expect(json.contains(#""input_len_dist":{"type":"fixed","value":1024}"#))
        #expect(json.contains(#""gpu_memory_utilization":0.30000000000000004,"#))
        #expect(json.contains(#""compute":{"model":"linear","base_seconds":0.01,"per_token_seconds":0.0001,"#))
        // The shortest representation reads back exactly (Swift's parser; corelibs-foundation's
        // JSONSerialization is off by one ulp here, so it is not the judge).
        #expect(Double("0.30000000000000004") == 0.1 + 0.2)
    }

    @Test func stringsAreEscapedAndNonFiniteIsNull() throws {
        var c = SimulatorConfig.default
        c.hardware.name = "a \"quoted\" \\ name\n\t\u{01}é"
        c.workload.arrivalRate = .infinity
        c.workload.thinkTime = .nan
        let json = resolvedConfigJSON(c)
        #expect(json.contains(#""name":"a \"quoted\" \\ name\n\t\u0001é""#))
        #expect(json.contains(#""arrival_rate":null,"#))
        #expect(json.contains(#""think_time":null,"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let hardware = try #require(object["hardware"] as? [String: Any])
        #expect(hardware["name"] as? String == c.hardware.name)
    }

    @Test func loadedConfigsSerialise() throws {
        for name in ["config.toml", "test_blog.toml", "qwen3_30b_a3b.toml", "linear_parity.toml"] {
            let c = try ConfigLoader.load(path: packageRoot + "/configs/" + name).config
            let json = resolvedConfigJSON(c)
            #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any], "\(name)")
        }
    }
}
