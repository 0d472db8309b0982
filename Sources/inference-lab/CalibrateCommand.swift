import ArgumentParser
import CommandLineSupport
import InferenceLab

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

/// `inference-lab calibrate`: fit the calibrated roofline to measured step times, or (with
/// `--end-to-end`) the `[engine]` overheads to measured serving runs.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the calibrated roofline's factors to measured step times, or --end-to-end the [engine] overheads to measured runs.",
        discussion: """
            MEASUREMENTS is JSONL, one step per line: {"phase": "prefill"|"decode", "tokens": n, \
            "context": c, "batch": b, "tp": t, "seconds": s} (batch requests of n new tokens on \
            c cached ones; "ms" may replace "seconds"), or a CSV with a header naming those \
            fields, or aiconfigurator's layout (configs/calibration/*.jsonl: static rows give a \
            prefill and a decode step each). A line may name its model ("model": a catalog preset), \
            so that one file can hold several models. Prints every point's error, the median and \
            maximum absolute percentage error, and the factors as a [compute] table. With \
            --evaluate it fits nothing and reports the errors of the config's (or --profile's) factors.

            --end-to-end --config BASE.toml MEASURED...: each MEASURED is a serving run \
            (`vllm bench serve` result JSON saved with --save-detailed, inference-perf's \
            per_request_lifecycle_metrics.json, or a measured-outcomes file from `convert \
            --measured`). Its successful requests are replayed under BASE.toml with candidate \
            [engine] values (in process), and coordinate descent minimises the mean over TTFT \
            mean/p90/p99, E2E mean/p90/p99, decode ITL and request throughput of the median \
            |error| across runs (tools/validate/fit_engine.py's objective). Prints per-run and \
            median errors before and after, and the fitted [engine] table (-o writes it); \
            --compute also fits [compute] compute_efficiency and memory_efficiency (calibrated \
            model). --evaluate reports BASE.toml's errors without fitting.
            """
    )

    @Argument(help: "Measured steps (JSONL or CSV); with --end-to-end, measured serving runs.")
    var measurements: [String]

    @OptionGroup var endToEnd: EndToEndOptions

    @OptionGroup var selection: ModelSelection

    @Option(name: .customLong("overhead"), help: "Which fixed overhead to fit: layer (default) or step.")
    var overhead: String = "layer"

    @Flag(name: .customLong("evaluate"), help: "Do not fit: report the errors of the given factors.")
    var evaluate = false

    mutating func run() throws {
        if endToEnd.endToEnd { return try runEndToEnd() }
        if let misplaced = endToEnd.misplacedOption {
            printError("error: \(misplaced) applies to --end-to-end")
            throw ExitStatus.badInput
        }
        guard measurements.count == 1 else {
            printError("error: calibrate takes one measurement file (several only with --end-to-end)")
            throw ExitStatus.badInput
        }
        let measurements = measurements[0]
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
        let plain = CalibrationFit.predict(data.samples, config: config, factors: .uncalibrated)
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
