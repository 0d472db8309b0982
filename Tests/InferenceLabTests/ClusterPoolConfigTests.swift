import Foundation
import Testing
@testable import InferenceLab

/// `[[cluster.pool]]`: reading pools with their own tables, the header's pools, and every way
/// a pool is rejected, at the pool's own line and key. `baseConfig` has 34 lines, so the text
/// appended after it starts at line 35.
@Suite struct ClusterPoolConfigTests {
    private let pools = """
        [cluster]
        router = "least_outstanding"
        kv_transfer_bandwidth = 25e9

        [[cluster.pool]]
        name = "prefill"
        role = "prefill"
        replicas = 2
        [cluster.pool.scheduler]
        max_num_batched_tokens = 16384

        [[cluster.pool]]
        name = "decode"
        role = "Decode"
        replicas = 3
        [cluster.pool.hardware]
        memory_bandwidth = 4.8e12
        [cluster.pool.scheduler]
        max_num_seqs = 512
        """

    @Test func poolsReadTheirOwnTablesOverTheFleets() throws {
        let loaded = try ConfigLoader.parse(baseConfig + "\n" + pools, file: "t.toml")
        let c = loaded.config
        #expect(c.cluster.replicas == 5)
        #expect(c.cluster.kvTransferBandwidth == 25e9 && c.cluster.kvTransferLatency == 0.0005)
        #expect(c.cluster.pools.map(\.name) == ["prefill", "decode"])
        #expect(c.cluster.pools.map(\.role) == [.prefill, .decode])
        #expect(c.cluster.pools.map(\.replicas) == [2, 3])
        let (p, d) = (c.cluster.pools[0], c.cluster.pools[1])
        // The prefill pool: its own token budget, the fleet's everything else.
        #expect(p.scheduler.maxNumBatchedTokens == 16384)
        #expect(p.scheduler.maxNumSeqs == c.scheduler.maxNumSeqs)
        #expect(p.hardware == c.hardware)
        // The decode pool: its own bandwidth and max_num_seqs, the fleet's token budget.
        #expect(d.hardware.memoryBandwidth == 4.8e12 && d.hardware.computeFlops == c.hardware.computeFlops)
        #expect(d.scheduler.maxNumSeqs == 512 && d.scheduler.maxNumBatchedTokens == c.scheduler.maxNumBatchedTokens)
        #expect(c.isDisaggregated)
        #expect(c.replicaNodes.map(\.role) == [.prefill, .prefill, .decode, .decode, .decode])

        // The header names each pool with its resolved tables.
        let json = resolvedConfigJSON(c)
        #expect(json.contains(#""cluster":{"replicas":5,"router":"least_outstanding""#))
        #expect(json.contains(#""kv_transfer_bandwidth":25000000000.0,"kv_transfer_latency":0.0005,"pools":[{"name":"prefill","role":"prefill","replicas":2,"hardware":{"#))
        #expect(json.contains(#""name":"decode","role":"decode","replicas":3,"hardware":{"#))
        #expect(json.contains(#""memory_bandwidth":4800000000000.0"#))
    }

    @Test func mixedPoolsCanMixGPUsFromTheCatalog() throws {
        let text = baseConfig + "\n" + """
            [cluster]
            [[cluster.pool]]
            name = "h100"
            replicas = 2
            [cluster.pool.hardware]
            preset = "h100-sxm"
            tensor_parallel_size = 2
            [[cluster.pool]]
            name = "a100"
            [cluster.pool.hardware]
            preset = "a100-sxm-80gb"
            tensor_parallel_size = 4
            """
        let c = try ConfigLoader.parse(text, file: "t.toml").config
        #expect(c.cluster.replicas == 3 && !c.isDisaggregated)
        #expect(c.cluster.pools[0].hardware.computeFlops != c.cluster.pools[1].hardware.computeFlops)
        #expect(c.cluster.pools[1].hardware.name.contains("A100"))
        // GPUs: 2 replicas × TP 2 + 1 replica × TP 4.
        #expect(SweepCost.gpus(c) == 8)
        // Cost: 4 H100 GPUs at $3.00 and 4 A100 GPUs at $1.30 an hour; a row's price per GPU-hour
        // is their mean, not the top-level [hardware]'s price.
        let cost = try #require(SweepCost.costPerHour(c))
        #expect(abs(cost - 17.2) < 1e-9)
        #expect(abs(try #require(SweepCost.pricePerGPUHour(c)) - 2.15) < 1e-9)
        // Pools renting one GPU keep its price exactly.
        var same = c
        same.cluster.pools[1].hardware.pricePerHour = 3.0
        #expect(SweepCost.pricePerGPUHour(same) == 3.0)
        // A pool without a price leaves both unknown.
        var unpriced = c
        unpriced.cluster.pools[1].hardware.pricePerHour = nil
        #expect(SweepCost.costPerHour(unpriced) == nil && SweepCost.pricePerGPUHour(unpriced) == nil)
    }

    /// A pool table in a file without the fleet's table goes over the built-in default's.
    @Test func aPoolTableWithoutTheFleetsGoesOverTheBuiltInDefault() throws {
        let text = "[cluster]\n[[cluster.pool]]\nname = \"fast\"\n[cluster.pool.hardware]\nmemory_bandwidth = 4.8e12\n"
        let c = try ConfigLoader.parse(text, file: "t.toml").config
        var expected = SimulatorConfig.default.hardware
        expected.memoryBandwidth = 4.8e12
        #expect(c.cluster.pools[0].hardware == expected)
        #expect(c.cluster.pools[0].scheduler == SimulatorConfig.default.scheduler)
    }

    /// `--set cluster.pool[1].replicas=4` and sweep axes address a pool's keys by index.
    @Test func overridesAndSweepAxesReachPoolKeys() throws {
        let text = baseConfig + "\n" + pools
        let set = try ConfigOverride(parsing: "cluster.pool[1].replicas=4")
        let bandwidth = try ConfigOverride(parsing: "cluster.pool[0].hardware.memory_bandwidth=2e12")
        let c = try ConfigLoader.parse(text, file: "t.toml", overrides: [set, bandwidth]).config
        #expect(c.cluster.pools.map(\.replicas) == [2, 4] && c.cluster.replicas == 6)
        #expect(c.cluster.pools[0].hardware.memoryBandwidth == 2e12 && c.cluster.pools[1].hardware.memoryBandwidth == 4.8e12)

        let missing = try ConfigOverride(parsing: "cluster.pool[2].replicas=1")
        #expect(throws: InputError.self) { try ConfigLoader.parse(text, file: "t.toml", overrides: [missing]) }
        do {
            _ = try ConfigLoader.parse(text, file: "t.toml", overrides: [missing])
        } catch {
            #expect(error.message.contains("no [[cluster.pool]] entry 2") && error.field == "cluster.pool[2].replicas", "\(error)")
        }
        // An index that is not a whole number from 0 is refused as the override is read.
        for key in ["cluster.pool[-1].replicas", "cluster.pool[x].replicas", "cluster.pool[0.replicas",
                    "cluster.pool[99999999999999999999].replicas"] {
            let error = inputError { _ = try ConfigOverride(parsing: key + "=1") }
            #expect(error?.file == "--set" && error?.field == key, "\(String(describing: error))")
            #expect(error?.message.contains("an entry of an array of tables is NAME[i], i a whole number from 0") == true,
                    "\(String(describing: error))")
        }
        // A bad value set by an override is reported where the override was given.
        let zero = try ConfigOverride(parsing: "cluster.pool[1].replicas=0")
        do {
            _ = try ConfigLoader.parse(text, file: "t.toml", overrides: [zero])
            Issue.record("replicas = 0 loaded")
        } catch {
            #expect(error.file == "--set" && error.field == "cluster.pool[1].replicas", "\(error)")
        }

        for key in ["cluster.pool[0].replicas", "cluster.pool[3].role", "cluster.pool[1].hardware.preset",
                    "cluster.pool[0].scheduler.max_num_seqs"] {
            #expect(throws: Never.self) { try SweepSpec.checkConfigKey(key, file: "s.toml", line: 3) }
        }
        for key in ["cluster.pool[0].gpus", "cluster.pool[0].model.num_layers", "cluster.pool[0].hardware.nope",
                    "cluster.pool[x].replicas"] {
            #expect(throws: InputError.self) { try SweepSpec.checkConfigKey(key, file: "s.toml", line: 3) }
        }
    }

    private func expectError(_ text: String, line: Int?, field: String, _ fragments: String...,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = configError(baseConfig + "\n" + text) else {
            Issue.record("expected an error, but the config loaded", sourceLocation: sourceLocation)
            return
        }
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func badPoolsAreReportedAtTheirLineAndKey() {
        // A key of the second pool's own table: its line, indexed by pool.
        expectError(pools.replacingOccurrences(of: "max_num_seqs = 512", with: "max_num_seqs = 0"),
                    line: 53, field: "cluster.pool[1].scheduler.max_num_seqs", "positive")
        expectError(pools.replacingOccurrences(of: "replicas = 3", with: "replicas = 3\ngpus = 2"),
                    line: 50, field: "cluster.pool[1].gpus", "unknown key in a [[cluster.pool]] entry")
        // A table of the whole config inside a pool: said to belong at the top level, not
        // matched to a key of the same name in another table ([compute] model).
        expectError(pools.replacingOccurrences(of: "max_num_seqs = 512", with: "max_num_seqs = 512\n[cluster.pool.model]\nnum_layers = 40"),
                    line: 54, field: "cluster.pool[1].model",
                    "unknown table [cluster.pool[1].model]; [model] is set once, at the top level of the config; valid keys here: name, role, replicas, hardware")
        expectError(pools.replacingOccurrences(of: "role = \"Decode\"", with: "role = \"decoder\""),
                    line: 48, field: "cluster.pool[1].role", "decode")
        expectError(pools.replacingOccurrences(of: "name = \"decode\"\n", with: ""),
                    line: 46, field: "cluster.pool[1].name", "is required")
        expectError(pools.replacingOccurrences(of: "name = \"decode\"", with: "name = \"\""),
                    line: 47, field: "cluster.pool[1].name", "must not be empty")
        expectError(pools.replacingOccurrences(of: "name = \"decode\"", with: "name = 2"),
                    line: 47, field: "cluster.pool[1].name", "string")
        // The entry's keys are checked against their schema's ranges (``ConfigSchema/clusterPool``).
        expectError(pools.replacingOccurrences(of: "replicas = 3", with: "replicas = 0"),
                    line: 49, field: "cluster.pool[1].replicas", "must be a positive integer, got 0")
        expectError(pools.replacingOccurrences(of: "replicas = 3", with: "replicas = -2"),
                    line: 49, field: "cluster.pool[1].replicas")
        expectError(pools.replacingOccurrences(of: "name = \"decode\"", with: "name = \"prefill\""),
                    line: 47, field: "cluster.pool[1].name", "names two pools")
        expectError(pools.replacingOccurrences(of: "router = \"least_outstanding\"", with: "replicas = 4"),
                    line: 36, field: "cluster.replicas", "not both")
        expectError(pools.replacingOccurrences(of: "role = \"Decode\"", with: "role = \"prefill\""),
                    line: 39, field: "cluster.pool", "at least one decode pool")
        expectError(pools.replacingOccurrences(of: "role = \"Decode\"", with: "role = \"mixed\""),
                    line: 48, field: "cluster.pool[1].role", "cannot also have mixed pools")
        expectError(pools.replacingOccurrences(of: "max_num_seqs = 512", with: "block_size = 32"),
                    line: 53, field: "cluster.pool[1].scheduler.block_size", "same size")
        expectError(pools.replacingOccurrences(of: "kv_transfer_bandwidth = 25e9", with: "kv_transfer_bandwidth = 0"),
                    line: 37, field: "cluster.kv_transfer_bandwidth", "positive")
        expectError("[cluster]\npool = 3\n", line: 36, field: "cluster.pool", "array of tables")
        expectError(pools.replacingOccurrences(of: "[cluster.pool.hardware]\nmemory_bandwidth = 4.8e12", with: "hardware = 7"),
                    line: 50, field: "cluster.pool[1].hardware", "expected a table")
    }
}
