import Foundation
import Testing

/// `convert --from vllm-bench|inference-perf`, `inference-lab-analyze compare` and
/// `calibrate --end-to-end`, through the executables.
@Suite("observe → replay → calibrate commands")
struct MeasuredRunCommandTests {
    /// A `vllm bench serve --save-detailed` result: two successful requests and a failed one.
    static let bench = """
        {"request_rate": 2.0, "burstiness": 1.0, "max_concurrency": null, "duration": 2.5, "completed": 2,
         "input_lens": [10, 20, 30], "output_lens": [3, 4, 0], "ttfts": [0.1, 0.2, 0.0],
         "itls": [[0.05, 0.05], [0.1, 0.1, 0.1], []], "start_times": [100.0, 100.5, 101.0],
         "generated_texts": ["a b c", "d e f g", ""], "errors": ["", "", "timeout"]}
        """

    /// A measured-outcomes file to compare with `tinyLog` (TTFT 100 ms for all three
    /// requests, E2E 600/100/200 ms → mean 300, 3 completed in 0.6 s → 5 req/s):
    /// TTFT 80 ms for both → +25.0 %; E2E 500 and 80 → mean 290 → 300/290 − 1 = +3.4 %;
    /// 2 requests, last finish at 0.5 s → 4 req/s → +25.0 %.
    static let measured = """
        {"schema": "inference-lab.measured/1", "source": "vllm-bench", "source_file": "hand.json",
         "requests": [
          {"id": "0", "start_time": 0, "input_tokens": 10, "output_tokens": 3, "ttft": 0.08, "e2e": 0.5, "itls": [0.2, 0.22], "error": null},
          {"id": "1", "start_time": 0, "input_tokens": 10, "output_tokens": 1, "ttft": 0.08, "e2e": 0.08, "itls": [], "error": null}
         ]}
        """

    @Test("convert --from vllm-bench: the trace of the successful requests and the measured file")
    func convertBench() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let input = try dir.write(Self.bench, "bench.json")
        let r = try Tool.simulate(["convert", "--from", "vllm-bench", input, dir.file("t.jsonl"), "--measured", dir.file("m.json")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try dir.read("t.jsonl") == """
            {"arrival_time":0.0,"prompt_tokens":10,"output_tokens":3,"request_id":"0"}
            {"arrival_time":0.5,"prompt_tokens":20,"output_tokens":4,"request_id":"1"}

            """)
        let m = try jsonObject(try dir.read("m.json"))
        #expect(m["schema"] as? String == "inference-lab.measured/1")
        let outcomes = try #require(m["outcomes"] as? [String: Any])
        #expect((outcomes["mean_ttft_ms"] as? Double).map { abs($0 - 150) < 1e-9 } == true)
        #expect(outcomes["duration"] as? Int == 1)
        #expect((m["requests"] as? [Any])?.count == 3)
        #expect(r.stderr.contains("converted 2 requests"))

        // The trace replays; compare reads the raw result and the measured file alike.
        let config = try dir.config("c.toml", requests: 2)
        let run = try Tool.simulate(["-c", config, "--trace", dir.file("t.jsonl"), "-q", "--events", dir.file("run.jsonl")])
        #expect(run.status == 0, "\(run.stderr)")
        let a = try Tool.analyze(["compare", dir.file("run.jsonl"), input, "--json"])
        let b = try Tool.analyze(["compare", dir.file("run.jsonl"), dir.file("m.json"), "--json"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let ma = try #require(try jsonObject(a.stdout)["metrics"] as? [String: [String: Any]])
        let mb = try #require(try jsonObject(b.stdout)["metrics"] as? [String: [String: Any]])
        #expect(ma.keys.sorted() == mb.keys.sorted())
        for (k, v) in ma { #expect(NSDictionary(dictionary: v).isEqual(to: mb[k]!), "\(k)") }
        let summary = try jsonObject(try Tool.analyze(["summary", dir.file("run.jsonl"), "--json"]).stdout)
        #expect(ma["mean_ttft_ms"]?["predicted"] as? Double == summary["mean_ttft_ms"] as? Double)
        #expect(ma["request_throughput"]?["predicted"] as? Double == summary["request_throughput"] as? Double)
    }

    @Test("compare: predicted against measured by hand, text and JSON")
    func compareByHand() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let log = try dir.write(tinyLog, "tiny.jsonl")
        let measured = try dir.write(Self.measured, "m.json")
        let text = try Tool.analyze(["compare", log, measured])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("\nTTFT mean (ms)              100.00         80.00    +25.0 %\n"), "\(text.stdout)")
        #expect(text.stdout.contains("\nE2E mean (ms)               300.00        290.00     +3.4 %\n"))
        #expect(text.stdout.contains("\nRequests/s                    5.00          4.00    +25.0 %\n"))
        #expect(text.stdout.contains("# measured:  hand.json (vllm-bench, 2 of 2 requests completed)"))
        let json = try jsonObject(try Tool.analyze(["compare", log, measured, "--json"]).stdout)
        #expect(json["schema"] as? String == "inference-lab.compare/1")
        let metrics = try #require(json["metrics"] as? [String: [String: Any]])
        #expect(metrics.count == 18)
        let ttft = try #require(metrics["mean_ttft_ms"])
        #expect((ttft["error_pct"] as? Double).map { abs($0 - 25) < 1e-9 } == true)
        #expect((metrics["mean_e2el_ms"]?["error_pct"] as? Double).map { abs($0 - (300.0 / 290 - 1) * 100) < 1e-9 } == true)
        #expect(metrics["p90_ttft_ms"]?["measured"] as? Double == 80)
    }

    @Test("compare: error paths exit 2 naming the file")
    func compareErrors() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let log = try dir.write(tinyLog, "tiny.jsonl")
        let bad = try dir.write(Self.bench.replacingOccurrences(of: "\"ttfts\": [0.1, 0.2, 0.0]", with: "\"ttfts\": [0.1, true, 0.0]"), "bad.json")
        var r = try Tool.analyze(["compare", log, bad])
        #expect(r.status == 2 && r.stderr.contains("bad.json:2: ttfts[1]: expected a number, got a boolean"), "\(r.stderr)")
        r = try Tool.analyze(["compare", log, dir.file("missing.json")])
        #expect(r.status == 2 && r.stderr.contains("missing.json"))
        r = try Tool.analyze(["compare", "-", "-"])
        #expect(r.status == 2 && r.stderr.contains("cannot both be standard input"))
        r = try Tool.analyze(["compare", log, try dir.write(Self.bench, "b.json"), "--from", "inference-perf"])
        #expect(r.status == 2 && r.stderr.contains("not a inference-perf file"), "\(r.stderr)")
        r = try Tool.analyze(["compare", log, try dir.write("[]", "empty.json")])
        #expect(r.status == 2 && r.stderr.contains("empty.json:1: (top level): no requests"), "\(r.stderr)")
        r = try Tool.analyze(["compare", dir.file("nolog.jsonl"), try dir.write(Self.measured, "m.json")])
        #expect(r.status == 2 && r.stderr.contains("nolog.jsonl"))
    }

    @Test("convert: error paths exit 2, nothing written")
    func convertErrors() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let input = try dir.write(Self.bench, "bench.json")
        var r = try Tool.simulate(["convert", "--from", "azure", input, dir.file("t.jsonl"), "--measured", dir.file("m.json")])
        #expect(r.status == 2 && r.stderr.contains("--measured and --redraw-arrivals apply to"))
        r = try Tool.simulate(["convert", "--from", "vllm-bench", "--skip-invalid", input, dir.file("t.jsonl")])
        #expect(r.status == 2 && r.stderr.contains("--skip-invalid applies to the trace formats"))
        r = try Tool.simulate(["convert", "--from", "vllm-bench", input, dir.file("t.jsonl"), "--measured", dir.file("t.jsonl")])
        #expect(r.status == 2, "\(r.stderr)")
        let aggregates = try dir.write(#"{"request_rate": "inf", "mean_ttft_ms": 40.0, "duration": 3}"#, "agg.json")
        r = try Tool.simulate(["convert", "--from", "vllm-bench", aggregates, dir.file("t.jsonl")])
        #expect(r.status == 2 && r.stderr.contains("agg.json: no per-request results to replay (aggregates only): save the result with --save-result --save-detailed"), "\(r.stderr)")
        let noStarts = try dir.write(Self.bench.replacingOccurrences(of: #""start_times": [100.0, 100.5, 101.0],"#, with: ""), "old.json")
        r = try Tool.simulate(["convert", "--from", "vllm-bench", noStarts, dir.file("t.jsonl")])
        #expect(r.status == 2 && r.stderr.contains("old.json: start_times: missing") && r.stderr.contains("--redraw-arrivals"), "\(r.stderr)")
        let malformed = try dir.write("[{\"start_time\": 1, \"end_time\": 2,\n \"info\": {\"input_tokens\": 3, \"output_tokens\": -1}}]", "ip.json")
        r = try Tool.simulate(["convert", "--from", "inference-perf", malformed, dir.file("t.jsonl")])
        #expect(r.status == 2 && r.stderr.contains("ip.json:2: info.output_tokens: must be a non-negative integer, got -1"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("t.jsonl")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("m.json")))
        r = try Tool.simulate(["convert", "--from", "vllm-bench", noStarts, dir.file("t.jsonl"), "--redraw-arrivals", "--seed", "5"])
        #expect(r.status == 0 && r.stderr.contains("arrivals: redrawn: Poisson arrivals at 2.0 req/s, seed 5"), "\(r.stderr)")
    }

    @Test("calibrate --end-to-end: report, fitted table, -o, --evaluate")
    func calibrateRuns() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.config("c.toml", requests: 2)
        let measured = try dir.write(Self.bench, "bench.json")
        let out = dir.file("engine.toml")
        let r = try Tool.simulate(["calibrate", "--end-to-end", "--config", config, measured, "--max-evaluations", "6", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("# end-to-end calibration: 1 run, 6 evaluations (stopped at --max-evaluations)"), "\(r.stdout)")
        #expect(r.stdout.contains("# before: objective") && r.stdout.contains("# after: objective"))
        let table = try String(contentsOfFile: out, encoding: .utf8)
        #expect(table.hasPrefix("[engine]\napi_request_seconds = "))
        #expect(r.stdout.hasSuffix(table), "the file holds the printed table")
        #expect(table.split(separator: "\n").count == 8)  // [engine], six costs, gpu_time_scale
        #expect(table.hasSuffix("gpu_time_scale = 1.0\n"))

        let e = try Tool.simulate(["calibrate", "--end-to-end", "--evaluate", "--config", config, measured])
        #expect(e.status == 0 && e.stdout.contains("# base: objective") && !e.stdout.contains("# after"), "\(e.stdout)")
        #expect(e.stdout.contains("api_request_seconds = 0.0\n"), "the base config has no [engine]")

        let calibrated = try dir.write("""
            [hardware]
            preset = "h100-sxm"
            [model]
            preset = "llama-3.1-8b"
            [compute]
            preset = "h100-sxm"
            """, "calibrated.toml")
        let c = try Tool.simulate(["calibrate", "--end-to-end", "--compute", "--keys", "step_seconds", "--config", calibrated,
                                   measured, "--max-evaluations", "4"])
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("\n[compute]\nmodel = \"calibrated\"\ncompute_efficiency = "), "\(c.stdout)")
    }

    @Test("calibrate --end-to-end: error paths exit 2")
    func calibrateErrors() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.config("c.toml", requests: 2)
        let measured = try dir.write(Self.bench, "bench.json")
        let cases: [([String], String)] = [
            (["--end-to-end", measured], "--end-to-end needs --config"),
            (["--end-to-end", "--config", config], "Missing expected argument"),
            (["--end-to-end", "--config", config, "--hardware", "h100-sxm", measured], "--hardware and --model do not apply"),
            (["--end-to-end", "--config", config, "--keys", "step_seconds,bogus", measured], "unknown [engine] key 'bogus'"),
            (["--end-to-end", "--config", config, "--compute", measured], "--compute fits the calibrated model's factors"),
            (["--end-to-end", "--config", config, "--max-requests", "0", measured], "--max-requests must be a positive integer"),
            (["--end-to-end", "--config", config, "--max-evaluations", "0", measured], "--max-evaluations ≥ 1"),
            (["--end-to-end", "--config", config, try dir.write(#"{"mean_ttft_ms": 3}"#, "agg.json")], "agg.json: no per-request results"),
            (["--keys", "step_seconds", measured], "--keys applies to --end-to-end"),
            (["--end-to-end", "--config", config, "--objective", "median", measured], "--objective must be targets or mean"),
            (["--end-to-end", "--config", config, measured, "-o", dir.file("no/such/dir/engine.toml")], "no/such/dir/engine.toml"),
            (["--config", config, measured, measured], "one measurement file"),
            (["--end-to-end", "--config", Tool.packageRoot.appendingPathComponent("Tests/EndToEndTests/Corpus/config-compute-flops-tiny.toml").path,
              measured], ":3: hardware.compute_flops: step 1"),
        ]
        for (arguments, message) in cases {
            let r = try Tool.simulate(["calibrate"] + arguments)
            #expect(r.status == 2 && r.stderr.contains(message), "\(arguments): \(r.status) \(r.stderr)")
        }
    }
}
