import Foundation
import Testing
@testable import InferenceLab

/// Sweep specs, config overrides, the traffic search and the table's schema.
@Suite struct SweepTests {
    func specError(_ text: String) -> InputError? {
        do { _ = try SweepSpec.parse(text, file: "s.toml"); return nil } catch { return error }
    }

    // MARK: Spec errors name the file, line and key

    @Test func missingBase() {
        let e = specError("[axes]\n\"hardware.preset\" = [\"h100-sxm\"]\n")
        #expect(e?.file == "s.toml")
        #expect(e?.field == "base")
        #expect(e?.message.contains("is required") == true)
    }

    @Test func unknownTopLevelKeyWithSuggestion() {
        let e = specError("base = \"b.toml\"\ntrace = \"t.jsonl\"\nmax_request = 5\n")
        #expect(e?.description == "s.toml:3: max_request: unknown key in a sweep spec; did you mean \"max_requests\"?")
    }

    @Test func axisKeyNotAConfigKey() {
        let e = specError("base = \"b.toml\"\n[axes]\n\"hardware.presett\" = [\"h100-sxm\"]\n")
        #expect(e?.description == "s.toml:3: hardware.presett: unknown key in [hardware]; did you mean \"hardware.preset\"?")
        let t = specError("base = \"b.toml\"\n[axes]\n\n\"hardwre.preset\" = [\"h100-sxm\"]\n")
        #expect(t?.line == 4)
        #expect(t?.message == "[hardwre] is not a config table; did you mean [hardware]?")
    }

    @Test func axisKeyMustBeDottedAndAListThatIsNotEmpty() {
        #expect(specError("base = \"b.toml\"\n[axes]\npreset = [1]\n")?.line == 3)
        let notList = specError("base = \"b.toml\"\n[axes]\n\"scheduler.max_num_seqs\" = 4\n")
        #expect(notList?.description == "s.toml:3: axes.scheduler.max_num_seqs: expected a list of values (e.g. [1, 2, 4]), got an integer (4)")
        let empty = specError("base = \"b.toml\"\n[axes]\n\"scheduler.max_num_seqs\" = []\n")
        #expect(empty?.message == "an axis needs at least one value")
    }

    @Test func sloAndSearchErrors() {
        #expect(specError("base = \"b.toml\"\n[slo]\nttft = 5\n")?.description
                == "s.toml:3: slo.ttft: unknown key in [slo]; did you mean \"ttft_ms\"?")
        #expect(specError("base = \"b.toml\"\n[slo]\nttft_ms = 5\nattainment = 1.5\n")?.line == 4)
        #expect(specError("base = \"b.toml\"\n[slo]\nattainment = 0.5\n")?.message.contains("at least one limit") == true)
        let search = specError("base = \"b.toml\"\n[search]\nkey = \"workload.arrival_rate\"\nlow = 4\nhigh = 2\n")
        #expect(search?.description == "s.toml:5: search.high: must be above low (4.0), got 2.0")
        let clash = specError("base = \"b.toml\"\n[axes]\n\"workload.arrival_rate\" = [1]\n[search]\nkey = \"workload.arrival_rate\"\nlow = 1\nhigh = 2\n")
        #expect(clash?.field == "search.key")
    }

    @Test func axesKeepTheFileOrderAndPointsRunLastAxisFastest() throws {
        let spec = try SweepSpec.parse("""
            base = "b.toml"
            [axes]
            "scheduler.max_num_seqs" = [8, 16, 32]
            "hardware.preset" = ["h100-sxm", "h200-sxm"]
            """, file: "dir/s.toml")
        #expect(spec.base == "dir/b.toml")
        #expect(spec.axes.map(\.key) == ["scheduler.max_num_seqs", "hardware.preset"])
        #expect(spec.pointCount == 6)
        // 0: (8, h100), 1: (8, h200), 2: (16, h100), …, 5: (32, h200)
        #expect(spec.valueIndices(of: 3) == [1, 1])
        #expect(spec.overrides(of: 5).map(\.valueText) == ["32", "h200-sxm"])
        #expect(spec.overrides(of: 5).map(\.line) == [3, 4])
    }

    // MARK: Overrides

    @Test func setParsesTOMLValuesAndBareStrings() throws {
        #expect(try ConfigOverride(parsing: "scheduler.max_num_seqs=64").valueText == "64")
        #expect(try ConfigOverride(parsing: "hardware.preset=h200-sxm").valueText == "h200-sxm")
        #expect(try ConfigOverride(parsing: "hardware.preset = \"h200-sxm\"").valueText == "h200-sxm")
        #expect(throws: InputError.self) { try ConfigOverride(parsing: "scheduler") }
        #expect(throws: InputError.self) { try ConfigOverride(parsing: "scheduler=3") }
        #expect(throws: InputError.self) { try ConfigOverride(parsing: "scheduler..x=3") }
    }

    @Test func overrideErrorsNameWhereTheOverrideWasWritten() throws {
        let spec = try SweepSpec.parse("""
            base = "b.toml"
            [axes]
            "scheduler.max_num_batched_tokens" = [-4]
            """, file: "s.toml")
        do {
            _ = try ConfigLoader.parse(baseConfig, file: "t.toml", overrides: spec.overrides(of: 0))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "s.toml:3: scheduler.max_num_batched_tokens: must be a non-negative integer, got -4")
        }
        // A part of the key that is a value, not a table.
        let deep = ConfigOverride.number(key: "hardware.name.x", value: 1, file: "s.toml", line: 9)
        #expect(throws: InputError.self) { try ConfigLoader.parse(baseConfig, file: "t.toml", overrides: [deep]) }
    }

    @Test func presetOverridePullsInThePresetsValues() throws {
        let text = "[hardware]\npreset = \"h100-sxm\"\n[model]\npreset = \"llama-3.1-8b\"\n"
        let h100 = try ConfigLoader.parse(text, file: "t.toml").config
        let h200 = try ConfigLoader.parse(text, file: "t.toml",
                                          overrides: [try ConfigOverride(parsing: "hardware.preset=h200-sxm")]).config
        #expect(h100.hardware.name == "H100 SXM")
        #expect(h200.hardware.name == "H200 SXM")
        #expect(h200.hardware.memoryCapacity > h100.hardware.memoryCapacity)
        #expect(h100.hardware.pricePerHour == 3.0)
        #expect(h200.hardware.pricePerHour == 4.0)
        let priced = try ConfigLoader.parse(text, file: "t.toml", overrides: [try ConfigOverride(parsing: "hardware.price_per_hour=2.5")])
        #expect(priced.config.hardware.pricePerHour == 2.5)
    }

    // MARK: Traffic search

    /// meets ⇔ rate ≤ 10.3, bracket [1, 64], tolerance 1: probes 1 ✓, 64 ✗, 32.5 ✗, 16.75 ✗,
    /// 8.875 ✓, 12.8125 ✗, 10.84375 ✗, 9.859375 ✓; then 10.84375 − 9.859375 = 0.984 ≤ 1.
    @Test func bisectionOnArrivalRate() {
        let search = SweepSpec.Search(key: "workload.arrival_rate", low: 1, high: 64, tolerance: 1)
        var probes: [Double] = []
        let outcome = SweepSearch.maxTraffic(search) { (x: Double) -> [String: SweepCell] in
            probes.append(x)
            return ["slo_met": .number(x <= 10.3 ? 1 : 0), "request_throughput": .number(x)]
        }
        #expect(probes == [1, 64, 32.5, 16.75, 8.875, 12.8125, 10.84375, 9.859375])
        #expect(outcome.value == 9.859375)
        #expect(outcome.probes == 8)
    }

    /// time_scale: less is more traffic. meets ⇔ scale ≥ 0.7, bracket [0.25, 8], tolerance 0.5:
    /// 8 ✓, 0.25 ✗, 4.125 ✓, 2.1875 ✓, 1.21875 ✓, 0.734375 ✓ (0.734 − 0.25 = 0.484 ≤ 0.5).
    @Test func bisectionOnTimeScale() {
        let search = SweepSpec.Search(key: "workload.time_scale", low: 0.25, high: 8, tolerance: 0.5)
        var probes: [Double] = []
        let outcome = SweepSearch.maxTraffic(search) { (x: Double) -> [String: SweepCell] in
            probes.append(x)
            return ["slo_met": .number(x >= 0.7 ? 1 : 0)]
        }
        #expect(probes == [8, 0.25, 4.125, 2.1875, 1.21875, 0.734375])
        #expect(outcome.value == 0.734375)
    }

    @Test func searchEndsAtTheBracket() {
        let search = SweepSpec.Search(key: "workload.arrival_rate", low: 1, high: 4, tolerance: 0.1)
        let none = SweepSearch.maxTraffic(search) { (_: Double) -> [String: SweepCell] in ["error": .text("does not fit")] }
        #expect(none.value == nil && none.probes == 1)
        let all = SweepSearch.maxTraffic(search) { (_: Double) -> [String: SweepCell] in ["slo_met": .number(1)] }
        #expect(all.value == 4 && all.probes == 2)
    }

    // MARK: Table schema

    @Test func tableColumnsAreStable() throws {
        let spec = try SweepSpec.parse("base = \"b.toml\"\n[axes]\n\"hardware.preset\" = [\"a,b\"]\n", file: "s.toml")
        var table = SweepTable(spec: spec, searching: false)
        table.append(leading: [.text("a,b")], cells: ["error": .text("x \"y\""), "completed": .number(3), "mean_ttft_ms": .number(.nan)])
        let header = "hardware.preset,error,completed,rejected,arrived,duration,total_input_tokens,total_output_tokens,"
            + "request_throughput,input_throughput,output_throughput,total_token_throughput,"
            + ["ttft", "tpot", "itl", "e2el", "queue"].map { m in
                ["mean", "median", "min", "max", "p50", "p90", "p95", "p99"].map { "\($0)_\(m)_ms" }.joined(separator: ",")
            }.joined(separator: ",")
            + ",mean_compute_util,mean_bandwidth_util,mean_kv_cache_util,peak_kv_cache_util,preemptions,steps,"
            + "prefix_cache_hit_rate,prefix_cache_hit_tokens,resume_hit_tokens,"
            + "gpus,price_per_hour,cost_per_hour,tokens_per_dollar,output_tokens_per_dollar,output_throughput_per_gpu,"
            + "goodput,slo_attainment,slo_met"
        let csv = table.render(.csv).split(separator: "\n").map(String.init)
        #expect(csv[0] == header)
        #expect(csv[1].hasPrefix("\"a,b\",\"x \"\"y\"\"\",3,,"))
        let jsonl = table.render(.jsonl)
        #expect(jsonl.hasPrefix("{\"hardware.preset\":\"a,b\",\"error\":\"x \\\"y\\\"\",\"completed\":3,\"rejected\":null,"))
        #expect(jsonl.hasSuffix("\"slo_met\":null}\n"))
    }

    @Test func storedCellsReadBackExactly() {
        for x in [0.1, 1.0 / 3.0, 1e-300, 123456789.123, 5] {
            #expect(SweepCell(stored: Substring(SweepCell.number(x).stored)) == .number(x))
        }
        #expect(SweepCell(stored: Substring(SweepCell.text("a b").stored)) == .text("a b"))
        #expect(SweepCell(stored: "-") == .empty)
        #expect(SweepCell(stored: "q") == nil)
    }
}
