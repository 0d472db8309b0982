import ArgumentParser
import CommandLineSupport
import InferenceLab

/// The hardware/model selection shared by `calibrate` and `steptime`.
struct ModelSelection: ParsableArguments {
    @Option(name: [.short, .customLong("config")], help: "A TOML config file to take [hardware], [model] and [compute] from.")
    var config: String?

    @Option(name: .customLong("hardware"), help: "Hardware preset (see `inference-lab catalog`); default h100-sxm.")
    var hardware: String?

    @Option(name: .customLong("model"), help: "Model preset (see `inference-lab catalog`); default llama-3.1-70b.")
    var model: String?

    @Option(name: .customLong("profile"), help: "Calibration profile preset or .toml path for the calibrated model.")
    var profile: String?

    @Option(name: .customLong("bytes-per-param"), parsing: .unconditional, help: "Weight bytes (1 = FP8 with the FP8 peak, 2 = BF16).")
    var bytesPerParam: Int?

    @Option(name: .customLong("kv-bytes"), parsing: .unconditional, help: "KV-cache bytes per element (default: bytes-per-param).")
    var kvBytes: Int?

    /// The configuration: the file, or a config made of the presets. The KV pool is not
    /// needed to price steps, so the generated one fixes its size (a model need not fit).
    func resolve() throws -> SimulatorConfig {
        try reportingErrors { () throws(InputError) -> SimulatorConfig in
            var config: SimulatorConfig
            if let path = self.config {
                let loaded = try ConfigLoader.load(path: path)
                for w in loaded.warnings { printError(w) }
                config = loaded.config
                if let profile {
                    config.compute = try ConfigLoader.parse("[compute]\npreset = \(quoted(profile))\n",
                                                            file: "--profile", configDirectory: ".").config.compute
                }
            } else {
                var text = "[hardware]\npreset = \(quoted(hardware ?? "h100-sxm"))\n"
                if let bytesPerParam { text += "bytes_per_param = \(bytesPerParam)\n" }
                text += "[model]\npreset = \(quoted(model ?? "llama-3.1-70b"))\n"
                text += "[scheduler]\nnum_gpu_blocks_override = 1000000\n"
                // Without --profile the plain roofline, not the GPU's profile: a fit starts from
                // its own defaults, whatever profiles the catalog has.
                text += profile.map { "[compute]\npreset = \(quoted($0))\n" } ?? "[compute]\nmodel = \"roofline\"\n"
                config = try ConfigLoader.parse(text, file: "<command line>", configDirectory: ".").config
            }
            if let bytesPerParam, self.config != nil { config.hardware.bytesPerParam = bytesPerParam }
            if let kvBytes { config.hardware.kvCacheBytesPerElement = kvBytes }
            return config
        }
    }
}

private func quoted(_ s: String) -> String {
    "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
}

extension String {
    fileprivate func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// `x` with `digits` decimals.
func fixed(_ x: Double, _ digits: Int) -> String {
    // Beyond 1e15 a Double has no fraction digits left to show, and Int() would trap.
    guard x.isFinite && abs(x) < 1e15 else { return "\(x)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(x) * scale).rounded()
    var whole = String(Int(r / scale)), frac = String(Int(r.truncatingRemainder(dividingBy: scale)))
    while frac.count < digits { frac = "0" + frac }
    if x < 0 && r > 0 { whole = "-" + whole }
    return digits > 0 ? whole + "." + frac : whole
}

func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

/// `x` rounded to 5 significant digits, in Swift's shortest form (`5.3723e-05`).
func significant(_ x: Double) -> String {
    guard x != 0 && x.isFinite else { return x.description }
    var scale = 1.0
    while abs(x) * scale < 1e4 { scale *= 10 }
    return ((x * scale).rounded() / scale).description
}

/// The calibrated model's factors as a `[compute]` TOML table.
func calibrationTOML(_ f: CalibrationFactors) -> String {
    """
    [compute]
    model = "calibrated"
    compute_efficiency = \(fixed(f.computeEfficiency, 4))
    memory_efficiency = \(fixed(f.memoryEfficiency, 4))
    attention_compute_efficiency = \(fixed(f.attentionComputeEfficiency, 4))
    attention_memory_efficiency = \(fixed(f.attentionMemoryEfficiency, 4))
    interconnect_efficiency = \(fixed(f.interconnectEfficiency, 4))
    step_overhead_seconds = \(f.stepOverheadSeconds)
    layer_overhead_seconds = \(significant(f.layerOverheadSeconds))
    token_overhead_seconds = \(significant(f.tokenOverheadSeconds))

    """
}

/// `inference-lab calibrate`: fit the calibrated roofline to measured step times.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the calibrated roofline's factors to measured step times.",
        discussion: """
            MEASUREMENTS is JSONL, one step per line: {"phase": "prefill"|"decode", "tokens": n, \
            "context": c, "batch": b, "tp": t, "seconds": s} (batch requests of n new tokens on \
            c cached ones; "ms" may replace "seconds"), or a CSV with a header naming those \
            fields, or aiconfigurator's layout (configs/calibration/*.jsonl: static rows give a \
            prefill and a decode step each). A line may name its model ("model": a catalog preset), \
            so that one file can hold several models. Prints every point's error, the median and \
            maximum absolute percentage error, and the factors as a [compute] table. With \
            --evaluate it fits nothing and reports the errors of the config's (or --profile's) factors.
            """
    )

    @Argument(help: "Measured steps (JSONL or CSV).")
    var measurements: String

    @OptionGroup var selection: ModelSelection

    @Option(name: .customLong("overhead"), help: "Which fixed overhead to fit: layer (default) or step.")
    var overhead: String = "layer"

    @Flag(name: .customLong("evaluate"), help: "Do not fit: report the errors of the given factors.")
    var evaluate = false

    mutating func run() throws {
        let config = try selection.resolve()
        let data = try reportingErrors { () throws(InputError) in
            try MeasurementReader.read(path: measurements, attentionHeads: config.model.numHeads)
        }
        guard let overheadKind = CalibrationFit.Overhead(rawValue: overhead) else {
            printError("error: --overhead must be layer or step, got \(overhead)")
            throw ExitStatus.badInput
        }
        if data.samples.contains(where: { $0.tensorParallelSize > 1 }) && config.hardware.interconnectBandwidth == nil {
            printError("error: the measurements use tensor parallelism but the hardware has no interconnect_bandwidth")
            throw ExitStatus.badInput
        }
        let factors: CalibrationFactors
        if evaluate {
            factors = config.compute.calibration
        } else {
            var start = CalibrationFit.fit(data.samples, config: config, overhead: overheadKind).factors
            if config.compute.model == .calibrated { start = config.compute.calibration }
            factors = CalibrationFit.fit(data.samples, config: config, start: start, overhead: overheadKind).factors
        }
        let predicted = CalibrationFit.predict(data.samples, config: config, factors: factors)
        let plain = CalibrationFit.predict(data.samples, config: config, factors: CalibrationFactors())
        var modelNames: [String] = []
        for s in data.samples {
            let name = s.model?.name ?? config.model.name
            if !modelNames.contains(name) { modelNames.append(name) }
        }
        var out = "# \(modelNames.joined(separator: ", ")) on \(config.hardware.name), \(config.hardware.bytesPerParam == 1 ? "FP8" : "BF16") weights, "
        out += "\(data.samples.count) steps from \(measurements)"
        if data.skipped > 0 { out += " (\(data.skipped) non-static lines skipped)" }
        out += "\n# point               phase    tp batch tokens context  measured_ms  calibrated_ms  error_%  roofline_ms\n"
        var errors: [Double] = []
        for (i, s) in data.samples.enumerated() {
            let e = predicted[i] / s.seconds - 1
            errors.append(abs(e))
            let first = s.batch.first ?? ScheduledChunk(context: 0, tokens: 0)
            out += "# " + s.label.padding(19) + " " + s.phase.rawValue.padding(7)
            out += padded(String(s.tensorParallelSize), 4) + padded(String(s.batch.count), 6)
            out += padded(String(first.tokens), 7) + padded(String(first.context), 8)
            out += padded(fixed(s.seconds * 1000, 2), 13) + padded(fixed(predicted[i] * 1000, 2), 15)
            out += padded(fixed(e * 100, 1), 9) + padded(fixed(plain[i] * 1000, 2), 13) + "\n"
        }
        let maxError = errors.max() ?? 0
        out += "# median absolute error \(fixed(medianOf(errors) * 100, 1)) %, max \(fixed(maxError * 100, 1)) %\n"
        out += calibrationTOML(factors)
        try writeOutput(out)
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// `inference-lab steptime`: predicted prefill and decode step times, side by side.
struct StepTimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steptime",
        abstract: "Print predicted prefill and decode step times: roofline and calibrated side by side.",
        discussion: """
            Prefill: BATCH prompts of --prompt tokens computed in one step (context 0). Decode: \
            one token for each of BATCH requests holding --context tokens. The calibrated \
            column uses the config's [compute] factors when it selects model = "calibrated", \
            else --profile (default: the shipped h100-sxm-llama-3.1-70b profile).
            """
    )

    @OptionGroup var selection: ModelSelection

    @Option(name: .customLong("tp"), parsing: .unconditional, help: "Tensor-parallel degree (default: the config's, else 1).")
    var tp: Int?

    @Option(name: .customLong("batch"), parsing: .upToNextOption, help: "Batch sizes (default 1 8 32 128).")
    var batch: [Int] = [1, 8, 32, 128]

    @Option(name: .customLong("prompt"), parsing: .unconditional, help: "Prompt tokens per request for prefill.")
    var prompt: Int = 1024

    @Option(name: .customLong("context"), parsing: .unconditional, help: "Cached tokens per request for decode.")
    var context: Int = 1024

    mutating func run() throws {
        var config = try selection.resolve()
        if let tp { config.hardware.tensorParallelSize = tp }
        if config.compute.model != .calibrated {
            let profile = selection.profile ?? "h100-sxm-llama-3.1-70b"
            config.compute = try reportingErrors { () throws(InputError) in
                try ConfigLoader.parse("[compute]\npreset = \(quoted(profile))\n", file: "--profile", configDirectory: ".").config.compute
            }
        }
        if let issue = config.validate().first(where: {
            $0.severity == .error && ($0.key.hasPrefix("hardware.") || $0.key.hasPrefix("compute.") || $0.key == "model.num_heads")
                && $0.key != "hardware.memory_capacity" && $0.key != "hardware.kv_cache_capacity" }) {
            printError("error: \(issue)")
            throw ExitStatus.badInput
        }
        guard batch.allSatisfy({ $0 > 0 }), prompt > 0, context >= 0 else {
            printError("error: --batch and --prompt must be positive, --context non-negative")
            throw ExitStatus.badInput
        }
        // Token counts are 32-bit in the scheduler (and in vLLM).
        let largest = Int(Int32.max)
        if let size = (batch + [prompt, context]).first(where: { $0 > largest }) {
            printError("error: --batch, --prompt and --context must be at most \(largest), got \(size)")
            throw ExitStatus.badInput
        }
        let roofline = Roofline(config)
        let calibrated = CalibratedRoofline(config)
        let h = config.hardware
        var out = "\(config.model.name) on \(h.tensorParallelSize) × \(h.name), "
        out += "\(h.bytesPerParam == 1 ? "FP8" : h.bytesPerParam == 2 ? "BF16" : "\(h.bytesPerParam)-byte") weights, "
        out += "peak \(fixed(h.computeFlops / 1e12, 1)) TFLOP/s, \(fixed(h.memoryBandwidth / 1e12, 2)) TB/s per GPU\n"
        out += "prefill: batch × \(prompt) prompt tokens; decode: batch × 1 token at context \(context)\n"
        out += "batch  prefill_roofline_ms  prefill_calibrated_ms  decode_roofline_ms  decode_calibrated_ms\n"
        for b in batch {
            // Priced without building batches of b chunks (b may be 2³¹−1).
            let p = roofline.terms(of: ScheduledChunk(context: 0, tokens: prompt), count: b)
            let d = roofline.terms(of: ScheduledChunk(context: context, tokens: 1), count: b)
            out += padded(String(b), 5)
            out += padded(fixed(roofline.seconds(p) * 1000, 2), 21)
            out += padded(fixed(calibrated.seconds(p) * 1000, 2), 23)
            out += padded(fixed(roofline.seconds(d) * 1000, 3), 20)
            out += padded(fixed(calibrated.seconds(d) * 1000, 3), 22) + "\n"
        }
        try writeOutput(out)
    }
}

/// `inference-lab catalog`: the built-in presets.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the hardware, model and calibration presets.",
        discussion: """
            Use them in a config as [hardware] preset = "NAME", [model] preset = "NAME" or \
            [compute] preset = "NAME"; other keys in the same table override the preset's.
            """
    )

    mutating func run() throws {
        var out = ""
        for kind in Catalog.Kind.allCases {
            out += "\(kind.folder) ([\(kind.table)] preset = \"…\"):\n"
            for entry in Catalog.builtIn where entry.kind == kind {
                out += "  " + entry.name.padding(26) + summary(entry.text) + "\n"
            }
        }
        try writeOutput(out)
    }

    /// The preset's `name = "…"` value, or its first comment line.
    private func summary(_ text: String) -> String {
        for line in text.split(separator: "\n") where line.hasPrefix("name = ") {
            return String(line.dropFirst(7)).replacingAll("\"", with: "")
        }
        return text.split(separator: "\n").first.map { String($0.drop(while: { $0 == "#" || $0 == " " })) } ?? ""
    }
}
