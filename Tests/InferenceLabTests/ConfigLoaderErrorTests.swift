import Foundation
import Testing
@testable import InferenceLab

/// Every way a config can be rejected, with the exact line and the key it names.
/// Line numbers refer to `baseConfig` (see ConfigTestSupport.swift) or to the text shown.
@Suite struct ConfigLoaderErrorTests {
    /// Checks the error's place and that its message contains each fragment.
    func expectError(_ text: String, line: Int?, column: Int? = nil, field: String?, _ fragments: String...,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = configError(text) else {
            Issue.record("expected an error, but the config loaded", sourceLocation: sourceLocation)
            return
        }
        #expect(error.file == "t.toml", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
        #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Syntax

    @Test func syntaxErrorHasLineAndColumn() {
        let text = base(replacing: "num_layers", with: "num_layers = = 80")
        let error = configError(text)
        #expect(error?.line == 11)
        #expect(error?.column == 14)
        #expect(error?.field == nil)
        #expect(error?.message.hasPrefix("TOML syntax error: ") == true)
        #expect(error?.description.hasPrefix("t.toml:11:14: TOML syntax error: ") == true)
    }

    @Test func integerOutOfRangeIsASyntaxError() {
        let error = configError(base(replacing: "seed", with: "seed = 99999999999999999999"))
        #expect(error?.line == 26)
        #expect(error?.message.hasPrefix("TOML syntax error") == true)
    }

    @Test func duplicateKeyIsASyntaxError() {
        let error = configError(base(replacing: "block_size", with: "block_size = 16\nblock_size = 32"))
        #expect(error?.line == 22)
    }

    @Test func nulByte() {
        expectError("[scheduler]\nblock_size = 16\u{0}\n", line: 2, field: nil, "NUL")
    }

    // MARK: Structure

    @Test func unknownKeyWithSuggestion() {
        expectError(base(replacing: "max_num_seqs", with: "max_num_seq = 256"),
                    line: 18, field: "scheduler.max_num_seq", "unknown key in [scheduler]", "did you mean \"max_num_seqs\"?")
        #expect(configError(base(replacing: "max_num_seqs", with: "max_num_seq = 256"))?.description
            == "t.toml:18: scheduler.max_num_seq: unknown key in [scheduler]; did you mean \"max_num_seqs\"?")
    }

    @Test func unknownKeyWithoutCloseMatchListsTheValidKeys() {
        expectError(base(replacing: "bytes_per_param", with: "bytes_per_param = 2\nvendor = \"nvidia\""),
                    line: 8, field: "hardware.vendor", "unknown key in [hardware]; valid keys: name, compute_flops")
    }

    @Test func keyOfAnotherTable() {
        expectError(base(replacing: "block_size", with: "block_size = 16\nseed = 1"),
                    line: 22, field: "scheduler.seed", "\"seed\" belongs in [workload]")
        expectError("seed = 1\n" + baseConfig, line: 1, field: "seed",
                    "unknown key at the top level", "\"seed\" belongs in [workload]")
        expectError("colour = 1\n", line: 1, field: "colour", "unknown key at the top level", "[hardware], [model]")
    }

    @Test func unknownTable() {
        expectError(baseConfig.replacingOccurrences(of: "[hardware]", with: "[hardwre]"),
                    line: 1, field: "hardwre", "unknown table [hardwre]; did you mean [hardware]?")
        expectError(baseConfig + "\n[telemetry]\nenabled = true\n", line: 35, field: "telemetry",
                    "unknown table [telemetry]; valid tables: [hardware], [model], [scheduler], [workload], [compute], [engine], [simulation]")
    }

    @Test func unknownSubTable() {
        expectError(baseConfig + "\n[scheduler.extra]\nx = 1\n", line: 35, field: "scheduler.extra",
                    "unknown table [scheduler.extra]")
        expectError(baseConfig.replacingOccurrences(of: "[workload.output_len_dist]", with: "[workload.output_dist]"),
                    line: 31, field: "workload.output_dist", "unknown table [workload.output_dist]",
                    "did you mean \"output_len_dist\"?")
    }

    @Test func unknownKeyInADistribution() {
        expectError(base(replacing: "std_dev = 0.7", with: "std_dev = 0.7\nstddev = 1"),
                    line: 31, field: "workload.input_len_dist.stddev",
                    "unknown key in [workload.input_len_dist] with type = \"lognormal\"", "did you mean \"std_dev\"?")
        // A key of another distribution type.
        let text = """
        [workload]
        arrival_pattern = "batched"
        num_requests = 5
        input_len_dist = { type = "fixed", value = 10 }
        [workload.output_len_dist]
        type = "fixed"
        value = 10
        mean = 3
        """
        expectError(text, line: 8, field: "workload.output_len_dist.mean",
                    "unknown key in [workload.output_len_dist] with type = \"fixed\"")
    }

    @Test func unknownKeyInsideAnInlineTable() {
        let text = """
        [workload]
        arrival_pattern = "batched"
        num_requests = 5
        input_len_dist = { type = "fixed", valu = 10 }
        output_len_dist = { type = "fixed", value = 10 }
        """
        expectError(text, line: 4, field: "workload.input_len_dist.valu", "did you mean \"value\"?")
    }

    @Test func structureErrorsComeBeforeValueErrors() {
        // The bad value is earlier in the file, but the unknown key is reported first.
        let text = base(replacing: "compute_flops", with: "compute_flops = \"fast\"")
            .replacingOccurrences(of: "max_num_seqs", with: "max_num_sequences")
        expectError(text, line: 18, field: "scheduler.max_num_sequences", "did you mean \"max_num_seqs\"?")
    }

    // MARK: Types

    @Test func wrongType() {
        expectError(base(replacing: "block_size", with: "block_size = \"16\""),
                    line: 21, field: "scheduler.block_size", "expected an integer, got a string (\"16\")")
        expectError(base(replacing: "block_size", with: "block_size = 16.0"),
                    line: 21, field: "scheduler.block_size", "expected an integer, got a float (16.0)")
        expectError(base(replacing: "enable_chunked_prefill", with: "enable_chunked_prefill = 1"),
                    line: 20, field: "scheduler.enable_chunked_prefill", "expected a boolean (true or false), got an integer (1)")
        expectError(base(replacing: "compute_flops", with: "compute_flops = \"1.5e15\""),
                    line: 3, field: "hardware.compute_flops", "expected a number, got a string (\"1.5e15\")")
        expectError(base(replacing: "name = \"H100\"", with: "name = 100"),
                    line: 2, field: "hardware.name", "expected a string, got an integer (100)")
        expectError(base(replacing: "arrival_rate", with: "arrival_rate = [5]"),
                    line: 24, field: "workload.arrival_rate", "expected a number, got an array")
        expectError(base(replacing: "arrival_rate", with: "arrival_rate = 1979-05-27"),
                    line: 24, field: "workload.arrival_rate", "expected a number, got a date")
    }

    @Test func tableGivenAsAValue() {
        expectError("hardware = 5\n", line: 1, field: "hardware", "expected a table ([hardware]), got an integer (5)")
        let text = base(replacing: "seed", with: "seed = 1\ninput_len_dist = 100")
            .replacingOccurrences(of: "[workload.input_len_dist]\ntype = \"lognormal\"\nmean = 6.9\nstd_dev = 0.7\n", with: "")
        expectError(text, line: 27, field: "workload.input_len_dist", "expected a table")
    }

    // MARK: Ranges

    @Test func negativeValue() {
        expectError(base(replacing: "max_num_seqs", with: "max_num_seqs = -4"),
                    line: 18, field: "scheduler.max_num_seqs", "must be a non-negative integer, got -4")
        expectError(base(replacing: "memory_bandwidth", with: "memory_bandwidth = -3.35e12"),
                    line: 4, field: "hardware.memory_bandwidth", "must be a positive finite number")
    }

    @Test func overlargeInteger() {
        expectError(base(replacing: "num_requests", with: "num_requests = 3000000000"),
                    line: 25, field: "workload.num_requests", "must be at most 2147483647, got 3000000000")
        expectError(base(replacing: "max_seq_len", with: "max_seq_len = 9223372036854775807"),
                    line: 15, field: "model.max_seq_len", "must be at most 2147483647")
        expectError(base(replacing: "max_seq_len", with: "max_seq_len = 1073741825"),
                    line: 15, field: "model.max_seq_len", "(1073741825) exceeds 2^30 tokens")
    }

    @Test func zeroSize() {
        expectError(base(replacing: "block_size", with: "block_size = 0"),
                    line: 21, field: "scheduler.block_size", "must be a positive integer, got 0")
        #expect(configError(base(replacing: "block_size", with: "block_size = 0"))?.description
            == "t.toml:21: scheduler.block_size: must be a positive integer, got 0")
    }

    @Test func negativeSeed() {
        expectError(base(replacing: "seed", with: "seed = -1"),
                    line: 26, field: "workload.seed", "must be a non-negative integer, got -1")
        expectError(base(replacing: "seed", with: "seed = 4.2"),
                    line: 26, field: "workload.seed", "expected an integer")
    }

    @Test func nonFiniteNumbers() {
        expectError(base(replacing: "arrival_rate", with: "arrival_rate = inf"),
                    line: 24, field: "workload.arrival_rate", "positive finite")
        expectError(base(replacing: "mean = 6.9", with: "mean = nan"),
                    line: 29, field: "workload.input_len_dist.mean", "must be finite")
    }

    // MARK: Enumerated values

    @Test func badPolicy() {
        expectError(base(replacing: "policy", with: "policy = \"lifo\""), line: 19, field: "scheduler.policy",
                    "unknown policy \"lifo\"; did you mean \"lif\"?",
                    "Valid values: fcfs, priority, sjf, sif, lif, sof, lof, stf, ltf")
        expectError(base(replacing: "policy", with: "policy = \"round_robin\""), line: 19, field: "scheduler.policy",
                    "unknown policy \"round_robin\"; valid values: fcfs, priority")
    }

    @Test func badArrivalPattern() {
        expectError(base(replacing: "arrival_pattern", with: "arrival_pattern = \"posson\""),
                    line: 23, field: "workload.arrival_pattern", "unknown arrival pattern \"posson\"; did you mean \"poisson\"?",
                    "Valid values: poisson, gamma, uniform, fixed_rate, burst, batched, closed_loop, sessions, trace")
    }

    @Test func badDistributionType() {
        expectError(base(replacing: "type = \"lognormal\"", with: "type = \"exponential\""),
                    line: 28, field: "workload.input_len_dist.type", "unknown distribution type \"exponential\"; valid values: fixed, uniform, normal, lognormal")
        expectError(base(replacing: "type = \"lognormal\"", with: "type = \"log-normal\""),
                    line: 28, field: "workload.input_len_dist.type", "did you mean \"lognormal\"?")
    }

    @Test func badComputeModel() {
        expectError(baseConfig + "\n[compute]\nmodel = \"calibrate\"\n", line: 36, field: "compute.model",
                    "unknown compute model \"calibrate\"; did you mean \"calibrated\"? Valid values: roofline, linear, calibrated")
    }

    // MARK: Missing keys

    @Test func missingRequiredKeyPointsAtTheTableHeader() {
        expectError(base(replacing: "memory_bandwidth", with: nil), line: 1, field: "hardware.memory_bandwidth",
                    "is required but missing from [hardware]")
        expectError(base(replacing: "num_layers", with: nil), line: 8, field: "model.num_layers",
                    "is required but missing from [model]")
        expectError(base(replacing: "arrival_pattern", with: nil), line: 22, field: "workload.arrival_pattern",
                    "is required")
    }

    @Test func arrivalRateIsRequiredOnlyWhereUsed() {
        expectError(base(replacing: "arrival_rate", with: nil), line: 22, field: "workload.arrival_rate",
                    "is required for arrival_pattern = \"poisson\"")
        let burst = base(replacing: "arrival_rate", with: nil)
            .replacingOccurrences(of: "\"poisson\"", with: "\"burst\"")
        #expect(configError(burst) == nil)
    }

    @Test func distributionIsRequiredForAGenerator() {
        let text = base(replacing: "[workload.output_len_dist]", with: nil)
            .replacingOccurrences(of: "type = \"lognormal\"\nmean = 5.3\nstd_dev = 0.8", with: "")
        expectError(text, line: 22, field: "workload.output_len_dist", "is required but missing from [workload]")
    }

    @Test func distributionParametersAreRequired() {
        expectError(base(replacing: "std_dev = 0.8", with: nil), line: 31, field: "workload.output_len_dist.std_dev",
                    "is required for type = \"lognormal\"")
        expectError(base(replacing: "type = \"lognormal\"", with: nil), line: 27, field: "workload.input_len_dist.type",
                    "is required")
        let uniform = """
        [workload]
        arrival_pattern = "batched"
        num_requests = 5
        input_len_dist = { type = "uniform", min = 1 }
        output_len_dist = { type = "fixed" }
        """
        expectError(uniform, line: 4, field: "workload.input_len_dist.max", "is required for type = \"uniform\"")
    }

    @Test func missingKeysComeAfterBadValues() {
        // The missing key's table header (line 1) is earlier, but the bad value is reported.
        let text = base(replacing: "memory_bandwidth", with: nil)
            .replacingOccurrences(of: "block_size = 16", with: "block_size = \"x\"")
        expectError(text, line: 20, field: "scheduler.block_size", "expected an integer")
    }

    @Test func badArrivalPatternDoesNotAlsoDemandItsKeys() {
        let text = base(replacing: "arrival_pattern", with: "arrival_pattern = 3")
            .replacingOccurrences(of: "arrival_rate = 5.0\n", with: "")
        expectError(text, line: 23, field: "workload.arrival_pattern", "expected a string")
    }

    // MARK: Validation (SimulatorConfig.validate)

    @Test func zeroKVBlocks() {
        expectError(base(replacing: "kv_cache_capacity", with: "kv_cache_capacity = 1000000"),
                    line: 6, field: "hardware.kv_cache_capacity", "holds no block of 16 tokens")
    }

    @Test func modelThatDoesNotFit() {
        expectError(base(replacing: "kv_cache_capacity", with: nil), line: 5, field: "hardware.memory_capacity",
                    "the model does not fit")
    }

    @Test func poolSmallerThanOneMaxLengthRequest() {
        expectError(base(replacing: "kv_cache_capacity", with: "kv_cache_capacity = 1000000000"),
                    line: 15, field: "model.max_seq_len", "needs 512 KV blocks but the pool has 189")
    }

    @Test func closedLoopWithoutUsers() {
        let text = base(replacing: "arrival_pattern", with: "arrival_pattern = \"closed_loop\"")
        expectError(text, line: 22, field: "workload.num_concurrent_users", "is required for arrival_pattern = \"closed_loop\"")
        expectError(base(replacing: "arrival_pattern", with: "arrival_pattern = \"closed_loop\"\nnum_concurrent_users = 0"),
                    line: 24, field: "workload.num_concurrent_users", "must be a positive integer, got 0")
    }

    @Test func openLoopWithoutNumRequests() {
        expectError(base(replacing: "num_requests", with: nil), line: 22, field: "workload.num_requests",
                    "is required (or duration_secs)")
        #expect(configError(base(replacing: "num_requests", with: "duration_secs = 10")) == nil)
    }

    @Test func traceWithoutPath() {
        expectError("[workload]\narrival_pattern = \"trace\"\n", line: 1, field: "workload.trace_path",
                    "is required for arrival_pattern = \"trace\"")
    }

    @Test func chunkedPrefillOffNeedsABudgetOfMaxSeqLen() {
        let text = base(replacing: "enable_chunked_prefill", with: "enable_chunked_prefill = false")
            .replacingOccurrences(of: "max_num_batched_tokens = 8192", with: "max_num_batched_tokens = 4096")
        expectError(text, line: 17, field: "scheduler.max_num_batched_tokens",
                    "(4096) must be ≥ model.max_seq_len (8192) when enable_chunked_prefill = false")
    }

    @Test func validationErrorInATableTheFileLeavesOut() {
        // [model] is absent (Llama-3-70B by default); 64 GiB of memory cannot hold its weights.
        let text = """
        [hardware]
        name = "small"
        compute_flops = 1e15
        memory_bandwidth = 1e12
        memory_capacity = 68719476736
        bytes_per_param = 2
        """
        expectError(text, line: 5, field: "hardware.memory_capacity", "the model does not fit")
        // Both tables present, [hardware] second: still the memory_capacity line.
        let both = """
        [model]
        name = "m"
        num_parameters = 1e12
        num_layers = 1
        hidden_dim = 64
        num_heads = 1
        max_seq_len = 16
        [hardware]
        name = "x"
        compute_flops = 1
        memory_bandwidth = 1
        memory_capacity = 1e9
        bytes_per_param = 1
        """
        expectError(both, line: 12, field: "hardware.memory_capacity", "does not fit")
    }

    @Test func validationErrorWithoutALine() {
        // [hardware] absent (the default's explicit 64 GiB pool), but one block of this model is larger.
        let text = """
        [model]
        name = "huge"
        num_parameters = 1e9
        num_layers = 100000
        hidden_dim = 65536
        num_heads = 1
        max_seq_len = 16
        """
        let error = configError(text)
        #expect(error?.field == "hardware.kv_cache_capacity")
        #expect(error?.line == nil)
        #expect(error?.description.hasPrefix("t.toml: hardware.kv_cache_capacity: ") == true)
    }

    @Test func explicitKVTooBigIsOnlyAWarning() throws {
        let loaded = try ConfigLoader.parse(baseConfig, file: "t.toml")
        #expect(loaded.warnings.count == 1)
        let warning = try #require(loaded.warnings.first)
        #expect(warning.hasPrefix("t.toml:6: warning: hardware.kv_cache_capacity: "))
        #expect(warning.contains("exceed memory_capacity"))
    }

    @Test func linearModelNeedsAPositiveStepTime() {
        expectError(baseConfig + "\n[compute]\nmodel = \"linear\"\n", line: 35, field: "compute.base_seconds",
                    "needs a positive step time")
    }

    // MARK: Files

    @Test func missingFile() {
        do {
            _ = try ConfigLoader.load(path: "/nonexistent/dir/x.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "/nonexistent/dir/x.toml")
            #expect(error.line == nil)
            #expect(error.message.hasPrefix("cannot open: "))
            #expect(error.message.contains("No such file"))
        }
    }

    @Test func directoryIsNotAConfig() {
        do {
            _ = try ConfigLoader.load(path: FileManager.default.temporaryDirectory.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("cannot "))
        }
    }

    @Test func notUTF8() {
        let path = temporaryFile(bytes: Array("[model]\nname = \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8))
        do {
            _ = try ConfigLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.file == path)
            #expect(error.message == "is not UTF-8 text")
        }
    }

    @Test func loadNamesThePathInErrors() {
        let path = temporaryFile(bytes: Array("[scheduler]\n\nblock_size = 0\n".utf8))
        do {
            _ = try ConfigLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(path):3: scheduler.block_size: must be a positive integer, got 0")
        }
    }
}
