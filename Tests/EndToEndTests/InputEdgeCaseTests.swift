import Foundation
import Testing

/// Inputs and command lines at the edges: pipes, cut files, byte-order marks, negative
/// numbers, keys that do not apply, warnings under `-q`, usage errors.
@Suite("input edge cases")
struct InputEdgeCaseTests {
    @Test("diff reads each log once: both may be pipes (bash process substitution), with the result of files")
    func diffOfPipes() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let (a, _) = try dir.simulate(try dir.config("a.toml", requests: 40, rate: 20), "a.jsonl.gz")
        let (b, _) = try dir.simulate(try dir.config("b.toml", requests: 40, rate: 20, [("max_num_batched_tokens = 8192", "max_num_batched_tokens = 512")]), "b.jsonl.gz")
        let files = try Tool.analyze(["diff", a, b, "--json"])
        #expect(files.status == 0, "\(files.stderr)")
        #expect(files.stdout.contains("\"divergence\": {"))
        // `diff <(cat A) <(cat B)`: each is a pipe that can be read only once.
        let analyzer = Tool.binDirectory.appendingPathComponent("inference-lab-analyze").path
        let pipes = try Tool.runProgram(URL(fileURLWithPath: "/bin/bash"),
                                        ["-c", "exec \"$0\" diff <(cat \"$1\") <(cat \"$2\") --json", analyzer, a, b])
        #expect(pipes.status == 0, "\(pipes.stderr)")
        let unnamed = { (json: String) in
            json.split(separator: "\n").filter { !$0.hasPrefix("  \"a\": ") && !$0.hasPrefix("  \"b\": ") }
        }
        #expect(unnamed(pipes.stdout) == unnamed(files.stdout))
        // Standard input as A, a file as B; the same comparison.
        let stdin = try Tool.analyze(["diff", "-", b, "--json"], stdinPath: a)
        #expect(stdin.status == 0, "\(stdin.stderr)")
        #expect(stdin.stdout == files.stdout.replacingOccurrences(of: "\"a\": \"\(a)\"", with: "\"a\": \"<stdin>\""))
    }

    @Test("--allow-incomplete summarises a log cut mid-line (plain) or mid-member (gzip); without it, exit 2")
    func cutLogs() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        // Plain: cut in the middle of the third step record.
        let text = tinyLog
        let cutAt = text.range(of: "\"step\":3,\"t\":0.2,\"dt\"")!.upperBound
        let plain = try dir.write(String(text[..<cutAt]), "cut.jsonl")
        let refused = try Tool.analyze(["summary", plain])
        #expect(refused.status == 2, "\(refused.stderr)")
        let r = try Tool.analyze(["summary", plain, "--allow-incomplete", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("no end record"), "\(r.stderr)")
        let o = try jsonObject(r.stdout)
        #expect(o["completed"] as? Int == 2)
        #expect(o["steps"] as? Int == 2)
        // A complete last record without its line end is still read.
        let noNewline = try dir.write(String(tinyLog.dropLast()), "no-newline.jsonl")
        let complete = try Tool.analyze(["summary", noNewline, "--allow-incomplete"])
        #expect(complete.status == 0 && complete.stderr.isEmpty, "\(complete.stderr)")
        // gzip: cut two thirds in.
        let (log, _) = try dir.simulate(try dir.config("c.toml", requests: 200, rate: 20), "run.jsonl.gz")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: log))
        let cut = dir.file("cut.jsonl.gz")
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let gz = try Tool.analyze(["summary", cut, "--allow-incomplete", "--json"])
        #expect(gz.status == 0, "\(gz.stderr)")
        let g = try jsonObject(gz.stdout)
        #expect((g["completed"] as? Int ?? 0) > 0 && (g["completed"] as? Int ?? 0) < 200)
        let piped = try Tool.analyze(["summary", "-", "--allow-incomplete", "--json"], stdinPath: cut)
        #expect(piped.status == 0 && piped.stdout == gz.stdout, "\(piped.stderr)")
        let strict = try Tool.analyze(["summary", cut])
        #expect(strict.status == 2 && strict.stderr.contains("truncated gzip stream"), "\(strict.stderr)")
        // Corrupt data is still an error.
        var corrupt = bytes
        for i in (bytes.count / 2)..<(bytes.count / 2 + 64) { corrupt[i] ^= 0x5A }
        let bad = dir.file("corrupt.jsonl.gz")
        try corrupt.write(to: URL(fileURLWithPath: bad))
        let c = try Tool.analyze(["summary", bad, "--allow-incomplete"])
        #expect(c.status == 2 && c.stderr.contains("corrupt gzip data"), "\(c.stderr)")
    }

    @Test("the KV-capacity warning: none under -q, shown for the built-in default, blamed on its real source")
    func kvCapacityWarning() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        // configs/config.toml states a KV pool that, with the weights, exceeds memory_capacity.
        let config = try dir.config("c.toml", requests: 5)
        let quiet = try Tool.simulate(["-c", config, "-q", "--json"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        let loud = try Tool.simulate(["-c", config])
        #expect(loud.stderr.contains("c.toml:16: warning: hardware.kv_cache_capacity: "), "\(loud.stderr)")
        // The built-in default is the same config: the same warning, named for what it is.
        let builtIn = try Tool.simulate(["--max-requests", "5"])
        #expect(builtIn.status == 0)
        #expect(builtIn.stderr.contains("<built-in default>: warning: hardware.kv_cache_capacity: kv_cache_capacity"), "\(builtIn.stderr)")
        #expect(try Tool.simulate(["--max-requests", "5", "-q"]).stderr.isEmpty)
        // A file without [hardware] takes the default's: the warning says so.
        let noHardware = try dir.write("[scheduler]\npolicy = \"fcfs\"\nmax_num_batched_tokens = 8192\nmax_num_seqs = 256\nenable_chunked_prefill = true\nblock_size = 16\n", "no-hw.toml")
        let r = try Tool.simulate(["-c", noHardware, "--max-requests", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("no-hw.toml: warning: hardware.kv_cache_capacity (from the built-in default [hardware]: the file has no [hardware] table): "), "\(r.stderr)")
    }

    @Test("negative numbers on the command line: the option's own error, exit 2", arguments: [
        (["inference-lab", "--trace", "traces/azure_conv.sample.jsonl.gz", "--time-scale", "-1"], "--time-scale must be a positive number, got -1.0"),
        (["inference-lab", "--trace", "traces/azure_conv.sample.jsonl.gz", "--time-scale", "-0.5"], "--time-scale must be a positive number, got -0.5"),
        (["inference-lab", "--max-requests", "-5"], "--max-requests must be a positive integer, got -5"),
        (["inference-lab", "generate", "--max-requests", "-5", "/dev/null"], "--max-requests must be a positive integer, got -5"),
        (["inference-lab", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'"),
        (["inference-lab-analyze", "diff", "--top", "-1", "a", "b"], "--top must not be negative"),
        (["inference-lab-analyze", "summary", "x.jsonl", "--slo-ttft", "-5"], "--slo-ttft must be a non-negative number"),
        (["inference-lab-analyze", "report", "x.jsonl", "-o", "r.html", "--windows", "-4"], "--windows"),
        (["inference-lab", "steptime", "--prompt", "-3"], "--prompt"),
    ])
    func negativeNumbers(_ c: ([String], String)) throws {
        let r = try Tool.run(c.0[0], Array(c.0.dropFirst()))
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(c.1), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"), "\(r.stderr)")
    }

    @Test("a UTF-8 byte-order mark before a trace, a config or a log is skipped")
    func byteOrderMark() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let bom = "\u{FEFF}"
        let trace = try dir.write(bom + "{\"arrival_time\": 0, \"prompt_tokens\": 10, \"output_tokens\": 3}\n", "bom.jsonl")
        let t = try Tool.simulate(["--trace", trace, "-q", "--json"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(try jsonObject(t.stdout)["completed"] as? Int == 1)
        let config = try dir.config("plain.toml", requests: 5)
        let withBOM = try dir.write(bom + (try dir.read("plain.toml")), "bom.toml")
        let c = try Tool.simulate(["-c", withBOM, "-q", "--json"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout == (try Tool.simulate(["-c", config, "-q", "--json"])).stdout)
        let log = try dir.write(bom + tinyLog, "bom-log.jsonl")
        let l = try Tool.analyze(["summary", log, "--json"])
        #expect(try l.status == 0 && jsonObject(l.stdout)["completed"] as? Int == 3, "\(l.stderr)")
    }

    @Test("convert of a CSV without data rows: exit 2, 'no requests', no output file")
    func convertEmptyCSV() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        for (name, text) in [("empty.csv", ""), ("header-only.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n")] {
            let input = try dir.write(text, name)
            let out = dir.file("\(name).jsonl.gz")
            let r = try Tool.simulate(["convert", "--from", "azure", input, out])
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("error: \(input): no requests in \(input)"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let onlyInvalid = try dir.write("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,0,5\n", "invalid.csv")
        let r = try Tool.simulate(["convert", "--from", "azure", "--skip-invalid", onlyInvalid, dir.file("o.jsonl")])
        #expect(r.status == 2 && r.stderr.contains("no requests in \(onlyInvalid) (no data rows; 1 invalid skipped)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("o.jsonl")))
    }

    @Test("workload keys the arrival pattern does not use: a warning naming file, line and key; none under -q")
    func inapplicableWorkloadKeys() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let poisson = try dir.config("p.toml", requests: 5, [("seed = 42", "seed = 42\nthink_time = 2.0\ntrace_path = \"t.jsonl\"")])
        let r = try Tool.simulate(["-c", poisson, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try dir.read("p.toml").split(separator: "\n", omittingEmptySubsequences: false)
        let thinkLine = (lines.firstIndex { $0.hasPrefix("think_time") } ?? 0) + 1
        #expect(r.stderr.contains("p.toml:\(thinkLine): warning: workload.think_time: ignored: it applies only to arrival_pattern = \"closed_loop\", not \"poisson\""), "\(r.stderr)")
        #expect(r.stderr.contains("p.toml:\(thinkLine + 1): warning: workload.trace_path: ignored: it applies only to arrival_pattern = \"trace\", not \"poisson\""), "\(r.stderr)")
        let quiet = try Tool.simulate(["-c", poisson, "-q", "--json"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        let trace = try dir.write("{\"arrival_time\": 0, \"prompt_tokens\": 10, \"output_tokens\": 3}\n", "t.jsonl")
        let replay = try dir.write("[workload]\narrival_pattern = \"trace\"\ntrace_path = \"\(trace)\"\narrival_rate = 5.0\n", "trace.toml")
        let t = try Tool.simulate(["-c", replay, "-q", "--json"])
        #expect(t.status == 0 && t.stderr.isEmpty, "\(t.stderr)")
        let tl = try Tool.simulate(["-c", replay, "--json"])
        #expect(tl.stderr.contains("trace.toml:4: warning: workload.arrival_rate: ignored with arrival_pattern = \"trace\""), "\(tl.stderr)")
        // The shipped configs use only keys that apply.
        for file in ["config.toml", "test_blog.toml", "qwen3_30b_a3b.toml", "linear_parity.toml"] {
            let s = try Tool.simulate(["-c", "configs/\(file)", "--max-requests", "3"])
            #expect(!s.stderr.contains("workload."), "\(file): \(s.stderr)")
        }
    }

    @Test("invalid UTF-8 in a request_id: an error naming file, line and field; skipped under --skip-invalid")
    func invalidUTF8RequestID() throws {
        let trace = "\(BadInputCorpusTests.corpus)/trace-invalid-utf8-id.jsonl"
        let r = try Tool.simulate(["--trace", trace, "-q"])
        #expect(r.status == 2 && r.stderr.contains("error: \(trace):2: request_id: is not valid UTF-8 text"), "\(r.stderr)")
        let s = try Tool.simulate(["--trace", trace, "-q", "--skip-invalid", "--json"])
        #expect(s.status == 0, "\(s.stderr)")
        let o = try jsonObject(s.stdout)
        #expect(o["completed"] as? Int == 2 && o["skipped_lines"] as? Int == 1)
    }

    @Test("usage errors exit 2: the analyzer without a subcommand, help for an unknown one")
    func usageErrors() throws {
        let none = try Tool.analyze([])
        #expect(none.status == 2)
        #expect(none.stderr.contains("error: missing subcommand (one of: summary, diff, compare, export, report, sweep)"), "\(none.stderr)")
        let bogus = try Tool.simulate(["help", "bogus"])
        #expect(bogus.status == 2 && bogus.stderr.contains("error: unknown subcommand 'bogus'"), "\(bogus.stderr)")
        let nested = try Tool.analyze(["help", "summary", "bogus"])
        #expect(nested.status == 2 && nested.stderr.contains("unknown subcommand 'bogus'"), "\(nested.stderr)")
        for (tool, args) in [("inference-lab", ["help", "convert"]), ("inference-lab-analyze", ["help", "diff"]),
                             ("inference-lab", ["help"]), ("inference-lab-analyze", ["--help"])] {
            let ok = try Tool.run(tool, args)
            #expect(ok.status == 0 && ok.stdout.contains("USAGE"), "\(tool) \(args): \(ok.stderr)")
        }
    }
}
