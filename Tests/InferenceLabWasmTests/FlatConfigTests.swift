import Foundation
@testable import InferenceLab
import InferenceLabWasm
import Testing

/// The WebAssembly layer, natively: flat keys give the loader's config, the stepped run gives
/// the CLI's summary, and the C entry points work as the page calls them.
@Suite struct FlatConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let examples = ["configs/config.toml", "configs/test_blog.toml", "configs/qwen3_30b_a3b.toml"]

    /// Flattens a TOML file as the page's JavaScript does: dotted keys, numbers as doubles,
    /// booleans and strings as text.
    static func flatten(_ path: String) throws -> [(String, FlatConfig.Value)] {
        let text = try String(contentsOfFile: root.appendingPathComponent(path).path, encoding: .utf8)
        var out: [(String, FlatConfig.Value)] = []
        func walk(_ prefix: String, _ table: [String: TOMLNode]) {
            for key in table.keys.sorted() {
                let path = prefix.isEmpty ? key : prefix + "." + key
                switch table[key]! {
                case .table(let t): walk(path, t)
                case .integer(let i): out.append((path, .number(Double(i))))
                case .float(let x): out.append((path, .number(x)))
                case .boolean(let b): out.append((path, .text(b ? "true" : "false")))
                case .string(let s): out.append((path, .text(s)))
                default: Issue.record("unsupported value at \(path)")
                }
            }
        }
        walk("", try TOMLNode.parseDocument(text))
        return out
    }

    static func flatConfig(_ path: String) throws -> FlatConfig {
        var flat = FlatConfig()
        for (k, v) in try flatten(path) { try flat.set(k, v) }
        return flat
    }

    @Test(arguments: examples)
    func flatKeysGiveTheLoadersConfig(_ path: String) throws {
        let loaded = try ConfigLoader.load(path: Self.root.appendingPathComponent(path).path)
        #expect(try Self.flatConfig(path).build() == loaded.config)
    }

    @Test(arguments: examples)
    func steppedRunGivesTheCLISummary(_ path: String) throws {
        let config = try ConfigLoader.load(path: Self.root.appendingPathComponent(path).path).config
        var metrics = MetricsReducer(config: config)
        var sim = try Simulator(config: config)
        sim.run(into: &metrics)
        var run = try WebRun(config: try Self.flatConfig(path).build())
        var calls = 0
        while !run.advance(maxSteps: 500) { calls += 1 }
        #expect(calls > 2)
        #expect(run.progress == 1)
        #expect(run.summaryJSON() == SummaryJSON.render(metrics.summary()))
        // The plots' inputs line up with the summary.
        #expect(run.metrics.e2eSamples.count == run.series.finishTimes.count)
        #expect(run.metrics.ttftSamples.count == run.series.firstTokenTimes.count)
        let cols = run.series.columns()
        #expect(cols.count == TimeSeriesSink.columnNames.count)
        #expect(cols[0].count > 10 && cols[0].count <= 400)
        let finished = zip(cols[8], cols[0]).reduce(0.0) { $0 + $1.0 * min(run.series.width, run.series.end - $1.1) }
        #expect(abs(finished - Double(run.summary.completed)) < 1e-6)
        let outputs = zip(cols[7], cols[0]).reduce(0.0) { $0 + $1.0 * min(run.series.width, run.series.end - $1.1) }
        #expect(abs(outputs - Double(run.summary.totalOutputTokens)) < 1e-6 * outputs)
    }

    @Test func errorsNameTheKey() throws {
        var flat = try Self.flatConfig("configs/config.toml")
        #expect(throws: ConfigIssue.self) { try flat.set("hardware.preset", .text("h100-sxm")) }
        try flat.set("scheduler.policy", .text("FIFO"))
        #expect { try flat.build() } throws: { ($0 as? ConfigIssue)?.key == "scheduler.policy" }
        try flat.set("scheduler.policy", .text("SJF"))
        #expect(try flat.build().scheduler.policy == .sjf)
        try flat.set("model.num_layers", .number(80.5))
        #expect { try flat.build() } throws: { ($0 as? ConfigIssue)?.key == "model.num_layers" }
        try flat.set("model.num_layers", .number(80))
        try flat.set("workload.seed", .text("18446744073709551615"))
        #expect { try flat.build() } throws: { ($0 as? ConfigIssue)?.key == "workload.seed" }
        try flat.set("workload.seed", .text("9007199254740993"))
        #expect(try flat.build().workload.seed == 9_007_199_254_740_993)
    }

    /// `warmup_trace` needs a file: refused, saying so; `request_timeout` is accepted and
    /// range-checked like any number.
    @Test func benchmarkStateKeys() throws {
        var flat = try Self.flatConfig("configs/config.toml")
        #expect { try flat.set("workload.warmup_trace", .text("w.jsonl")) } throws: { error in
            guard let issue = error as? ConfigIssue else { return false }
            return issue.key == "workload.warmup_trace" && issue.message.contains("command-line tool")
        }
        try flat.set("workload.request_timeout", .number(12.5))
        #expect(try flat.build().workload.requestTimeout == 12.5)
        try flat.set("workload.request_timeout", .number(0))
        // Ranges are checked by validation, as for a loaded config.
        #expect(try flat.build().validate().contains { $0.key == "workload.request_timeout" && $0.severity == .error })
    }

    /// The page runs one node: every `[cluster]` key is refused, saying to use the
    /// command-line tool, rather than ignored (which would show a one-node run as a fleet's).
    @Test func fleetKeysAreRefused() throws {
        var flat = try Self.flatConfig("configs/config.toml")
        for key in ConfigSchema.cluster.keyNames {
            #expect { try flat.set("cluster." + key, .number(2)) } throws: { error in
                guard let issue = error as? ConfigIssue else { return false }
                return issue.key == "cluster." + key && issue.message.contains("command-line tool")
            }
        }
        #expect(try !flat.build().cluster.isEnabled)
    }

    @Test func catalogPeaksFollowBytesPerParam() throws {
        var flat = FlatConfig()
        for (k, v): (String, FlatConfig.Value) in [
            ("hardware.name", .text("H100 SXM")), ("hardware.compute_flops_bf16", .number(989.5e12)),
            ("hardware.compute_flops_fp8", .number(1979e12)), ("hardware.memory_bandwidth", .number(3.35e12)),
            ("hardware.memory_capacity", .number(85_899_345_920)), ("hardware.bytes_per_param", .number(1)),
        ] { try flat.set(k, v) }
        #expect(try flat.build().hardware.computeFlops == 1979e12)
        try flat.set("hardware.bytes_per_param", .number(2))
        #expect(try flat.build().hardware.computeFlops == 989.5e12)
    }

    /// The entry points as the page calls them: keys through the scratch buffer, steps in
    /// slices, text and arrays out of the output buffer.
    @Test func entryPoints() throws {
        func put(_ bytes: [UInt8]) -> Int32 {
            let p = il_scratch(Int32(bytes.count))!
            for (i, b) in bytes.enumerated() { p.storeBytes(of: b, toByteOffset: i, as: UInt8.self) }
            return Int32(bytes.count)
        }
        func text(_ kind: Int32) -> String {
            let n = il_text(kind)
            return String(decoding: UnsafeRawBufferPointer(start: il_out(), count: Int(n)), as: UTF8.self)
        }
        il_config_reset()
        for (k, v) in try Self.flatten("configs/test_blog.toml") {
            switch v {
            case .number(let x): #expect(il_config_set_number(put(Array(k.utf8)), x) == 0)
            case .text(let t):
                let kl = put(Array(k.utf8) + Array(t.utf8)) - Int32(t.utf8.count)
                #expect(il_config_set_text(kl, Int32(t.utf8.count)) == 0)
            }
        }
        #expect(il_config_set_number(put(Array("hardware.colour".utf8)), 1) == 1)
        #expect(text(0).hasPrefix("hardware.colour: unknown key"))
        #expect(il_run_start() == 0)
        var progress = 0.0
        while il_run_advance(1000) == 0 {
            #expect(il_info(0) >= progress)
            progress = il_info(0)
        }
        #expect(il_info(0) == 1 && il_info(9) == 1)
        let config = try ConfigLoader.load(path: Self.root.appendingPathComponent("configs/test_blog.toml").path).config
        var metrics = MetricsReducer(config: config)
        var sim = try Simulator(config: config)
        sim.run(into: &metrics)
        #expect(text(1) == SummaryJSON.render(metrics.summary()))
        #expect(text(3).split(separator: ",").count == 9)
        let n = il_array(13)
        #expect(n == 640)
        let e2e = UnsafeBufferPointer(start: il_out()!.assumingMemoryBound(to: Double.self), count: Int(n))
        #expect(e2e.allSatisfy { $0 > 0 })
    }
}
