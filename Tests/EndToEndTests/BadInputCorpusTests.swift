import Foundation
import Testing

/// One bad input from Tests/EndToEndTests/Corpus/ (or made at test time), the command that
/// reads it, and what its error message must say.
struct BadInput: CustomTestStringConvertible, Sendable {
    /// `inference-lab` or `inference-lab-analyze`.
    var tool: String
    /// The arguments; `@` is replaced by the corpus directory, `%` by the scratch directory.
    var arguments: [String]
    /// Substrings of stderr: file, line, field and what was expected.
    var expected: [String]
    var testDescription: String { "\(tool) \(arguments.joined(separator: " "))" }

    static func trace(_ file: String, _ expected: String) -> BadInput {
        BadInput(tool: "inference-lab", arguments: ["--trace", "@/\(file)"], expected: ["error: @/\(file)\(expected)"])
    }
    static func config(_ file: String, _ expected: String) -> BadInput {
        BadInput(tool: "inference-lab", arguments: ["-c", "@/\(file)"], expected: ["error: @/\(file)\(expected)"])
    }
    static func log(_ file: String, _ expected: String) -> BadInput {
        BadInput(tool: "inference-lab-analyze", arguments: ["summary", "@/\(file)"], expected: ["error: @/\(file)\(expected)"])
    }
}

/// The bad-input corpus: every case runs the real executable and must exit with status 2,
/// print a message naming the file, the line and the field with what was expected, and leave
/// no output file (nor a temporary one) behind.
@Suite("bad-input corpus")
struct BadInputCorpusTests {
    static let corpus = "Tests/EndToEndTests/Corpus"

    static let cases: [BadInput] = [
        // Traces (replayed by the simulator).
        .trace("trace-malformed-json.jsonl", ":2: expected ',' or '}', found the end of the line"),
        .trace("trace-not-an-object.jsonl", ":2: expected a JSON object ('{'), found [0.5, 12, 3]"),
        .trace("trace-missing-field.jsonl", ":2: output_tokens: missing (required on every line)"),
        .trace("trace-duplicate-field.jsonl", ":2: prompt_tokens: appears twice in the line"),
        .trace("trace-wrong-type-string.jsonl", ":2: prompt_tokens: expected an integer, got \"12\""),
        .trace("trace-wrong-type-float.jsonl", ":2: prompt_tokens: expected an integer, got 12.5"),
        .trace("trace-wrong-type-bool.jsonl", ":2: arrival_time: expected a number, got true"),
        .trace("trace-negative-time.jsonl", ":2: arrival_time: must be ≥ 0, got -1.5"),
        .trace("trace-negative-tokens.jsonl", ":2: output_tokens: must be a positive number of tokens, got -3"),
        .trace("trace-zero-tokens.jsonl", ":2: prompt_tokens: must be a positive number of tokens, got 0"),
        .trace("trace-nan.jsonl", ":2: arrival_time: expected a number, got 'NaN'"),
        .trace("trace-infinity-literal.jsonl", ":2: arrival_time: expected a number, got 'Infinity'"),
        .trace("trace-infinite.jsonl", ":2: arrival_time: must be a finite number of seconds, got inf"),
        .trace("trace-2pow63.jsonl", ":2: prompt_tokens: out of range: 9223372036854775808 (at most 2147483647)"),
        .trace("trace-2pow31.jsonl", ":2: prompt_tokens: out of range: 2147483648 (at most 2147483647)"),
        .trace("trace-priority-2pow63.jsonl", ":2: priority: out of range: 9223372036854775808"),
        .trace("trace-bad-prefix-hash.jsonl", ":2: prefix_hashes: entry 1: expected a non-negative integer, found -2"),
        .trace("trace-unsorted.jsonl", ":3: arrival_time: 1.0 is earlier than 2.0 on line 2 (a trace must be sorted by arrival time)"),
        .trace("trace-duplicate-id.jsonl", ":3: request_id: duplicate id \"a\""),
        .trace("trace-empty.jsonl", ": no requests (the trace is empty or has only blank lines)"),
        .trace("trace-blank-lines.jsonl", ": no requests (the trace is empty or has only blank lines)"),
        .trace("trace-truncated.jsonl.gz", ": truncated gzip stream (the file ends in the middle of compressed data)"),
        .trace("trace-corrupt.jsonl.gz", ": corrupt gzip data: incorrect data check"),
        .trace("trace-not-gzip.jsonl.gz", ":1: expected a JSON object ('{'), found"),
        .trace("trace-hex-integer.jsonl", ":2: prompt_tokens: expected an integer, got '0x10' (not a valid JSON number)"),
        .trace("trace-invalid-utf8-id.jsonl", ":2: request_id: is not valid UTF-8 text"),
        .trace("trace-negative-session-id.jsonl", ":2: session_id: must be ≥ 0 (or a string), got -4"),
        .trace("trace-turn-without-session.jsonl", ":2: turn: needs a session_id on the same line"),
        .trace("trace-turn-float.jsonl", ":2: turn: expected an integer, got 1.5"),
        BadInput(tool: "inference-lab", arguments: ["check-trace", "@/trace-negative-session-id.jsonl"],
                 expected: ["error: @/trace-negative-session-id.jsonl:2: session_id: must be ≥ 0 (or a string), got -4"]),
        // Configs.
        .config("config-syntax-error.toml", ":3:12: TOML syntax error: Error while parsing key-value pair: expected '='"),
        .config("config-toml-parser-abort.toml", ":1:2: TOML syntax error: a table name must start with a letter, digit, '_', '-' or a quote"),
        .config("config-unknown-key.toml", ":3: scheduler.block_sise: unknown key in [scheduler]; did you mean \"block_size\"?"),
        .config("config-unknown-table.toml", ":4: schedular: unknown table [schedular]; did you mean [scheduler]?"),
        .config("config-missing-key.toml", ":2: workload.arrival_rate: is required for arrival_pattern = \"poisson\" but missing from [workload]"),
        .config("config-wrong-type.toml", ":2: scheduler.max_num_batched_tokens: expected an integer, got a string (\"8192\")"),
        .config("config-negative.toml", ":3: workload.arrival_rate: must be a positive finite number, got -5.0"),
        .config("config-zero.toml", ":6: scheduler.block_size: must be a positive integer, got 0"),
        .config("config-nan.toml", ":3: workload.arrival_rate: must be a positive finite number, got nan"),
        .config("config-infinite.toml", ":3: workload.arrival_rate: must be a positive finite number, got inf"),
        .config("config-2pow63.toml", ":5:27: TOML syntax error: Error while parsing decimal integer: '9223372036854775808' is not representable in 64 bits"),
        .config("config-count-2pow31.toml", ":4: workload.num_requests: must be at most 2147483647, got 2147483648"),
        .config("config-out-of-range.toml", ":7: hardware.gpu_memory_utilization: must be in (0, 1], got 1.5"),
        .config("config-bad-enum.toml", ":4: scheduler.policy: unknown policy \"fastest\"; valid values: fcfs, priority"),
        .config("config-model-too-big.toml", ":5: hardware.memory_capacity: the model does not fit: weights need 140000000000.0 bytes"),
        .config("config-preset-nested.toml", ":2: hardware.preset: preset @/config-preset-nested-inner.toml names another preset in its [hardware] table; presets do not nest"),
        // Sampling parameters outside the range where every sample is finite (a gamma cv whose
        // square overflows or underflows made the gaps NaN and the run spin forever).
        .config("config-gamma-cv-overflow.toml", ":3: workload.cv: must be in [1e-150, 1e+150], got 1.5e+155"),
        .config("config-gamma-cv-underflow.toml", ":3: workload.cv: must be in [1e-150, 1e+150], got 1e-156"),
        .config("config-arrival-rate-subnormal.toml", ":3: workload.arrival_rate: must be at least 1e-300 requests/s, got 5e-324"),
        .config("config-sessions-missing-think-time.toml", ":1: workload.think_time_ms_dist: is required for arrival_pattern = \"sessions\" but missing from [workload]"),
        .config("config-sessions-bad-turns.toml", ":7: workload.turns_per_session_dist.max: (2) must be ≥ min (4)"),
        .config("config-length-normal-overflow.toml", ":6: workload.input_len_dist.std_dev: (1e+307) with mean 1e+308: mean ± 12.01·std_dev"),
        // Runs that would produce a time that is not finite: refused at that point, naming the key.
        .config("config-memory-bandwidth-tiny.toml", ":4: hardware.memory_bandwidth: step 1 (1 requests, 100 tokens) would take inf s"),
        .config("config-compute-flops-tiny.toml", ":3: hardware.compute_flops: step 1 (1 requests, 100 tokens) would take inf s"),
        .config("config-think-time-overflow.toml", ":4: workload.think_time: request 3 would arrive at t = inf s"),
        .config("config-request-timeout-zero.toml", ":5: workload.request_timeout: must be a positive finite number, got 0.0"),
        .config("config-request-timeout-infinite.toml", ":5: workload.request_timeout: must be a positive finite number, got inf"),
        BadInput(tool: "inference-lab", arguments: ["-c", "@/config-warmup-trace-missing.toml"],
                 expected: ["error: warmup trace: @/no-such-warmup.jsonl: no such file"]),
        // Warmup traces: the file, and the line and field of a bad line.
        BadInput(tool: "inference-lab", arguments: ["--trace", "@/trace-extra-fields-ok.jsonl", "--warmup-trace", "%/no-such.jsonl"],
                 expected: ["error: warmup trace: %/no-such.jsonl: no such file"]),
        BadInput(tool: "inference-lab", arguments: ["--warmup-trace", "@/trace-missing-field.jsonl", "--max-requests", "3"],
                 expected: ["error: warmup trace: @/trace-missing-field.jsonl:2: output_tokens: missing (required on every line)"]),
        BadInput(tool: "inference-lab", arguments: ["--trace", "-", "--warmup-trace", "-"],
                 expected: ["error: the warmup trace and the trace cannot both be read from standard input"]),
        .config("config-linear-infinite-flops.toml", ":3: model.num_parameters: step 1 (1 requests, 100 tokens) would compute inf FLOPs"),
        // Event logs (read by the analyzer).
        .log("log-empty.jsonl", ": empty file: not an inference-lab event log"),
        .log("log-not-a-log.jsonl", ":1: not an inference-lab event log (the first record is not a header)"),
        .log("log-header-only.jsonl", ": incomplete event log: no end record after line 1"),
        .log("log-no-end.jsonl", ": incomplete event log: no end record after line 15"),
        .log("log-other-schema.jsonl", ":1: schema: unsupported schema 'inference-lab.events/3' (this build reads inference-lab.events/1 and inference-lab.events/2)"),
        .log("log-malformed-json.jsonl", ":3: id: unterminated string"),
        .log("log-missing-field.jsonl", ":2: output_tokens: missing"),
        .log("log-wrong-type.jsonl", ":2: prompt_tokens: expected a number, found '\"'"),
        .log("log-negative-tokens.jsonl", ":2: prompt_tokens: must be an integer in 0...2147483647, got -10"),
        .log("log-2pow63.jsonl", ":2: prompt_tokens: integer out of range: 9223372036854775808"),
        .log("log-negative-time.jsonl", ":6: dt: must be a finite number ≥ 0, got -0.1"),
        .log("log-nan.jsonl", ":6: dt: expected a number, found 'N'"),
        .log("log-infinite.jsonl", ":6: dt: must be a finite number ≥ 0, got inf"),
        .log("log-duplicate-id.jsonl", ":3: id: request 'a' arrives again while still in the system (duplicate id)"),
        .log("log-unknown-id.jsonl", ":7: id: request 'zz' has no arrival before it"),
        // Fleet logs (schema 2): each replica's records may name only its own requests.
        .log("log-fleet-replica-out-of-range.jsonl", ":2: replica: 5 is not a replica of this fleet of 2 (the header's config.cluster.replicas)"),
        .log("log-fleet-request-on-other-replica.jsonl", ":6: batch: request '0' arrived on replica 0, not on this record's replica 1"),
        .log("log-timed-out-twice.jsonl", ":6: id: request 'a' times out without an arrival (or after it left)"),
        .log("log-record-after-end.jsonl", ":17: record after the end record"),
        .log("log-end-count-mismatch.jsonl", ":16: finished: the end record counts 4 but the log holds 3"),
        .log("log-truncated.jsonl.gz", ": truncated gzip stream (the file ends in the middle of compressed data)"),
        .log("log-step-time-backwards.jsonl", ":13: t: step time 0.05 is earlier than the previous step's 0.1 (steps must not go back in time)"),
        .log("log-negative-skipped-lines.jsonl", ":16: skipped_lines: must be an integer in 0...2147483647, got -1"),
        // Paths.
        BadInput(tool: "inference-lab", arguments: ["--trace", "%/no-such.jsonl"], expected: ["error: %/no-such.jsonl: no such file"]),
        BadInput(tool: "inference-lab", arguments: ["-c", "%/no-such.toml"], expected: ["error: %/no-such.toml: cannot open: No such file or directory"]),
        BadInput(tool: "inference-lab-analyze", arguments: ["summary", "%/no-such.jsonl"], expected: ["error: %/no-such.jsonl: no such file"]),
        BadInput(tool: "inference-lab", arguments: ["--trace", "@"], expected: ["error: @: is a directory"]),
        BadInput(tool: "inference-lab", arguments: ["-c", "@"], expected: ["@", "directory"]),
        BadInput(tool: "inference-lab-analyze", arguments: ["summary", "@"], expected: ["error: @: is a directory"]),
        BadInput(tool: "inference-lab", arguments: ["--trace", "@/trace-extra-fields-ok.jsonl", "--events", "%/no/such/dir/run.jsonl.gz"],
                 expected: ["error: %/no/such/dir/run.jsonl.gz: cannot create output file: directory '%/no/such/dir' does not exist"]),
        BadInput(tool: "inference-lab", arguments: ["--trace", "@/trace-extra-fields-ok.jsonl", "-o", "%/no/such/dir/s.json"],
                 expected: ["error: %/no/such/dir/s.json: cannot create output file: directory '%/no/such/dir' does not exist"]),
        BadInput(tool: "inference-lab-analyze", arguments: ["export", "@/log-valid-ok.jsonl", "--requests", "%/no/such/dir/r.csv"],
                 expected: ["%/no/such/dir/r.csv: cannot create output file: directory '%/no/such/dir' does not exist"]),
        BadInput(tool: "inference-lab", arguments: ["generate", "--config", "@/config-zero.toml", "%/frozen.jsonl.gz"],
                 expected: ["error: @/config-zero.toml:6: scheduler.block_size: must be a positive integer, got 0"]),
        BadInput(tool: "inference-lab", arguments: ["generate", "--config", "@/config-sessions-bad-turns.toml", "%/frozen.jsonl.gz"],
                 expected: ["error: @/config-sessions-bad-turns.toml:7: workload.turns_per_session_dist.max: (2) must be ≥ min (4)"]),
        BadInput(tool: "inference-lab", arguments: ["generate", "--config", "@/config-gamma-cv-overflow.toml", "%/frozen.jsonl.gz"],
                 expected: ["error: @/config-gamma-cv-overflow.toml:3: workload.cv: must be in [1e-150, 1e+150], got 1.5e+155"]),
        // Two outputs on one file.
        BadInput(tool: "inference-lab", arguments: ["--trace", "@/trace-extra-fields-ok.jsonl", "--events", "%/s.jsonl", "-o", "%/s.jsonl"],
                 expected: ["error: --events %/s.jsonl and -o %/s.jsonl name the same file: give each output its own file"]),
        BadInput(tool: "inference-lab", arguments: ["--trace", "@/trace-extra-fields-ok.jsonl", "--events", "-", "--json"],
                 expected: ["error: --events - and --json both write to standard output: give each output its own file"]),
        BadInput(tool: "inference-lab-analyze", arguments: ["export", "@/log-valid-ok.jsonl", "--requests", "%/t.csv", "--steps", "%/t.csv"],
                 expected: ["error: --requests %/t.csv and --steps %/t.csv name the same file: give each output its own file"]),
    ]

    @Test("exit 2, file:line: field: message, nothing written", arguments: cases)
    func badInput(_ c: BadInput) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let expand = { (s: String) in
            s.replacingOccurrences(of: "@", with: Self.corpus).replacingOccurrences(of: "%", with: dir.path)
        }
        var args = c.arguments.map(expand)
        if c.tool == "inference-lab" && args.first != "generate" && args.first != "check-trace" {
            // Ask for both outputs, so that the test sees any file a failed run leaves.
            args = ["-q"] + args
            if !args.contains("--events") { args += ["--events", dir.file("run.jsonl.gz")] }
            if !args.contains("-o") { args += ["-o", dir.file("summary.json")] }
        } else if args.first == "summary" {
            args += ["--json"]
        }
        let r = try Tool.run(c.tool, args)
        #expect(r.status == 2, "\(r.stderr)")
        for e in c.expected.map(expand) { #expect(r.stderr.contains(e), "expected \(e) in: \(r.stderr)") }
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"))
        let left = try dir.contents()
        #expect(left == [], "left behind: \(left)")
    }

    @Test("files that look wrong but are valid: extra fields, plain text named .gz, an empty config, a complete log")
    func acceptedLookalikes() throws {
        for file in ["trace-extra-fields-ok.jsonl", "trace-plain-named-gz-ok.jsonl.gz"] {
            let r = try Tool.simulate(["-q", "--trace", "\(Self.corpus)/\(file)", "--json"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
        }
        let config = try Tool.simulate(["-q", "-c", "\(Self.corpus)/config-empty-ok.toml", "--max-requests", "5", "--json"])
        #expect(config.status == 0, "\(config.stderr)")
        let log = try Tool.analyze(["summary", "\(Self.corpus)/log-valid-ok.jsonl"])
        #expect(log.status == 0, "\(log.stderr)")
        // The same as a trace: a file with no request at all is refused by check-trace too.
        let empty = try Tool.simulate(["check-trace", "\(Self.corpus)/trace-empty.jsonl"])
        #expect(empty.status == 2 && empty.stderr.contains("no requests"), "\(empty.stderr)")
    }

    @Test("an unreadable file: exit 2 naming it (skipped when running as root, which reads anything)",
          .enabled(if: geteuid() != 0))
    func unreadable() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let trace = try dir.write("{\"arrival_time\": 0, \"prompt_tokens\": 3, \"output_tokens\": 2}\n", "locked.jsonl")
        let config = try dir.write("[scheduler]\n", "locked.toml")
        let log = try dir.write(tinyLog, "locked-log.jsonl")
        for p in [trace, config, log] { chmod(p, 0) }
        for (tool, args, file) in [("inference-lab", ["--trace", trace], trace), ("inference-lab", ["-c", config], config),
                                   ("inference-lab-analyze", ["summary", log], log)] {
            let r = try Tool.run(tool, args)
            #expect(r.status == 2 && r.stderr.contains(file) && r.stderr.contains("ermission denied"), "\(r.stderr)")
        }
    }

    @Test("a 10 MB line or an endless file: a clear error at its line number, in bounded memory, also through stdin")
    func tenMegabyteLine() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let ok = "{\"arrival_time\": 0, \"prompt_tokens\": 3, \"output_tokens\": 2}\n"
        let huge = "{\"arrival_time\": 1, \"prompt_tokens\": 3, \"output_tokens\": 2, \"pad\": \"" + String(repeating: "x", count: 10_000_000) + "\"}\n"
        let trace = try dir.write(ok + huge + ok, "huge.jsonl")
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let r = try Tool.simulate(["-q", "--trace", trace, "--events", "\(out)/run.jsonl.gz", "-o", "\(out)/s.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: \(trace):2: line longer than 1048576 bytes"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == [])
        let stdin = try Tool.run("inference-lab", ["check-trace", "-"], stdinPath: trace)
        #expect(stdin.status == 2 && stdin.stderr.contains("error: <stdin>:2: line longer than 1048576 bytes"), "\(stdin.stderr)")
        // --skip-invalid skips it and replays the other two lines.
        let skipped = try Tool.simulate(["--trace", trace, "--skip-invalid", "--json"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("line longer than 1048576 bytes"), "\(skipped.stderr)")
        // A config is read whole, up to 1 MiB: a 10 MB one, or an endless device, is refused.
        let config = try dir.write("# " + String(repeating: "z", count: 10_000_000) + "\n[scheduler]\n", "huge.toml")
        for path in [config, "/dev/zero"] {
            let c = try Tool.simulate(["-q", "-c", path])
            #expect(c.status == 2 && c.stderr.contains("error: \(path): larger than 1 MiB: not a config file"), "\(c.stderr)")
        }
        let zeros = try Tool.simulate(["-q", "--trace", "/dev/zero"])
        #expect(zeros.status == 2 && zeros.stderr.contains("error: /dev/zero:1: line longer than 1048576 bytes"), "\(zeros.stderr)")
        // An event log's records may be up to 16 MiB; a 20 MB line is refused the same way.
        let lines = tinyLog.split(separator: "\n")
        let bigRecord = "{\"type\":\"note\",\"pad\":\"" + String(repeating: "y", count: 20_000_000) + "\"}"
        let log = try dir.write(([lines[0], Substring(bigRecord)] + lines.dropFirst()).joined(separator: "\n") + "\n", "huge-log.jsonl")
        let a = try Tool.analyze(["summary", log])
        #expect(a.status == 2 && a.stderr.contains("error: \(log):2: line longer than 16777216 bytes"), "\(a.stderr)")
        let endless = try Tool.analyze(["summary", "/dev/zero"])
        #expect(endless.status == 2 && endless.stderr.contains("error: /dev/zero:1: line longer than 16777216 bytes"), "\(endless.stderr)")
    }
}
