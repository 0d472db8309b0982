import Foundation
import Testing

/// Extreme numbers found by a hostile probe: each is refused with exit status 2 and a located
/// message, or handled, and never crashes, hangs or writes times that are not finite.
@Suite("numeric robustness")
struct NumericRobustnessTests {
    static let corpus = BadInputCorpusTests.corpus

    func expectRefused(_ r: Tool.Result, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(expected), "expected \(expected) in: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), sourceLocation: sourceLocation)
    }

    @Test("a trace whose clock starts at 1e9 or 1e308 replays as the same trace starting at 0 (times are rebased)")
    func traceRebasedToFirstArrival() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        func trace(_ origin: String, _ later: String) -> String {
            """
            {"arrival_time": \(origin), "prompt_tokens": 300, "output_tokens": 20}
            {"arrival_time": \(origin), "prompt_tokens": 200, "output_tokens": 30}
            {"arrival_time": \(later), "prompt_tokens": 100, "output_tokens": 10}

            """
        }
        // At 1e308 a double has no room for a half second, so all three arrive together there;
        // an origin of 1e9 keeps the half second. Before rebasing, the 1e308 replay reported
        // 0 ms latencies (its steps' milliseconds vanished in the clock).
        let cases = [(trace("1e308", "1e308"), trace("0", "0")),
                     (trace("1000000000", "1000000000.5"), trace("0", "0.5"))]
        for (far, near) in cases {
            let a = try dir.write(far, "far.jsonl"), b = try dir.write(near, "near.jsonl")
            let ra = try Tool.simulate(["-q", "--trace", a, "--json", "--events", dir.file("far.events.jsonl")])
            let rb = try Tool.simulate(["-q", "--trace", b, "--json", "--events", dir.file("near.events.jsonl")])
            #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr) \(rb.stderr)")
            #expect(ra.stdout == rb.stdout)
            #expect(ra.stdout.contains(#""completed": 3"#) && !ra.stdout.contains("null"), "\(ra.stdout)")
            let events = { (name: String) in
                try dir.read(name).split(separator: "\n").dropFirst().map(String.init)
            }
            // Everything after the header (which names the trace) is identical: times count
            // from the first arrival.
            #expect(try events("far.events.jsonl") == events("near.events.jsonl"))
            let r = try Tool.analyze(["summary", dir.file("far.events.jsonl")])
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    @Test("a KV pool of 2^31-1 blocks is allocated as used: the run is quick and small")
    func hugeKVPool() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        for blocks in ["1000000000", "2147483647"] {
            let config = try dir.write("""
                [scheduler]
                num_gpu_blocks_override = \(blocks)
                [workload]
                arrival_pattern = "poisson"
                arrival_rate = 5.0
                num_requests = 20
                input_len_dist = { type = "fixed", value = 100 }
                output_len_dist = { type = "fixed", value = 10 }

                """, "pool.toml")
            let started = Date()
            let r = try Tool.simulate(["-q", "-c", config, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains(#""completed": 20"#))
            #expect(Date().timeIntervalSince(started) < 20, "an eager pool of \(blocks) blocks took 58 s and 23 GB")
        }
    }

    @Test("steptime refuses sizes above 2^31-1 (they overflowed or exhausted memory) and prices 2^31-1")
    func stepTimeSizes() throws {
        for args in [["--batch", "9223372036854775807"], ["--batch", "3000000000"], ["--batch", "1", "2147483648"],
                     ["--prompt", "2147483648"], ["--context", "9223372036854775807"]] {
            expectRefused(try Tool.simulate(["steptime"] + args), "must be at most 2147483647")
        }
        // A negative size in the --batch list is named as such, not "Missing value" or "Unknown option".
        for args in [["--batch", "-3"], ["--batch", "8", "-3"], ["--batch", "-3", "--prompt", "16"]] {
            let r = try Tool.simulate(["steptime"] + args)
            expectRefused(r, "error: --batch: expected a positive number, got -3")
            #expect(!r.stderr.contains("Missing value") && !r.stderr.contains("Unknown option"), "\(r.stderr)")
        }
        expectRefused(try Tool.simulate(["steptime", "--batch=-3"]), "--batch and --prompt must be positive")
        // Another usage error beside a negative number keeps the parser's own message.
        expectRefused(try Tool.simulate(["steptime", "--bogus", "-3"]), "Unknown option '--bogus'")
        expectRefused(try Tool.simulate(["steptime", "--tp", "0"]), "hardware.tensor_parallel_size: must be a positive integer, got 0")
        expectRefused(try Tool.simulate(["steptime", "--tp", "3"]), "hardware.tensor_parallel_size: (3) must divide model.num_heads (64)")
        let r = try Tool.simulate(["steptime", "--batch", "1", "2147483647", "--prompt", "2147483647", "--context", "2147483647"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2147483647") && !r.stdout.contains("nan"), "\(r.stdout)")
    }

    @Test("calibrate: tp must be ≥ 1 and divide the heads; huge or tiny times are printed, not a trap")
    func calibrateMeasurements() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let ok = #"{"phase": "decode", "batch": 8, "context": 1024, "seconds": 0.02}"#
        for (line, expected) in [(#"{"phase": "decode", "batch": 8, "tp": 0, "seconds": 0.02}"#, ":2: tp: must be a positive integer, got 0"),
                                 (#"{"phase": "decode", "batch": 8, "tp": 3, "seconds": 0.02}"#,
                                  ":2: tp: (3) must divide model.num_heads (64), as vLLM requires")] {
            let path = try dir.write(ok + "\n" + line + "\n", "m.jsonl")
            expectRefused(try Tool.simulate(["calibrate", path]), "error: \(path)\(expected)")
        }
        for seconds in ["1e18", "1e-300"] {
            let path = try dir.write(ok + "\n" + #"{"phase": "prefill", "tokens": 512, "seconds": \#(seconds)}"# + "\n", "m.jsonl")
            let r = try Tool.simulate(["calibrate", path])
            #expect(r.status == 0, "\(seconds): \(r.stderr)")
            #expect(r.stdout.contains("[compute]"))
        }
    }

    @Test("convert: an Azure timestamp outside 64-bit nanoseconds (year 0001) is a located error")
    func azureYearOne() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let input = try dir.write("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n0001-01-01 00:00:00.0000000,10,2\n", "azure.csv")
        let r = try Tool.simulate(["convert", "--from", "azure", input, dir.file("out.jsonl")])
        expectRefused(r, "error: \(input):3: TIMESTAMP: expected a timestamp like 2023-11-16 18:15:46.6805900 (years 1678 to 2261)")
        #expect(try dir.contents() == ["azure.csv"])
    }

    @Test("a config whose table header is 30,000 levels deep is refused before the parser recurses")
    func deepTableHeader() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let deep = "[" + Array(repeating: "a", count: 30_000).joined(separator: ".") + "]\n"
        for (text, what) in [("[scheduler]\n" + deep, "a key or table name nested deeper than 64 levels"),
                             ("x = " + String(repeating: "[", count: 30_000) + "\n", "arrays or inline tables nested deeper than 64 levels"),
                             (Array(repeating: "a", count: 30_000).joined(separator: ".") + " = 1\n", "a key or table name nested deeper than 64 levels")] {
            let path = try dir.write(text, "deep.toml")
            expectRefused(try Tool.simulate(["-q", "-c", path]), "error: \(path):\(text.hasPrefix("[scheduler]") ? 2 : 1):")
            expectRefused(try Tool.simulate(["-q", "-c", path]), what)
        }
    }
}
