import ArgumentParser
import CommandLineSupport
import InferenceLab

/// The options of `calibrate --end-to-end`.
struct EndToEndOptions: ParsableArguments {
    @Flag(name: .customLong("end-to-end"), help: "Fit [engine] to measured serving runs with the simulator in the loop.")
    var endToEnd = false

    @Option(name: .customLong("keys"), help: ArgumentHelp("Comma-separated [engine] keys to fit (default: the costs but step_token_seconds; gpu_time_scale may be added).", valueName: "keys"))
    var keys: String?

    @Flag(name: .customLong("compute"), help: "Also fit [compute] compute_efficiency and memory_efficiency (calibrated model).")
    var compute = false

    @Option(name: .customLong("objective"), help: ArgumentHelp("targets (default): the worst metric's distance to its accuracy target; mean: the mean median |error| (as fit_engine.py --objective).", valueName: "kind"))
    var objective: String = "targets"

    @Option(name: .customLong("rounds"), parsing: .unconditional, help: "Coordinate-descent rounds (default 2).")
    var rounds: Int = 2

    @Option(name: .customLong("max-evaluations"), parsing: .unconditional, help: "At most this many objective evaluations, each simulating every run (default 300).")
    var maxEvaluations: Int = 300

    @Option(name: .customLong("max-requests"), parsing: .unconditional, help: ArgumentHelp("Use only each run's first N requests (by send time).", valueName: "n"))
    var maxRequests: Int?

    @Flag(name: .customLong("redraw-arrivals"), help: "vllm-bench results without start_times: draw send times from request_rate and burstiness.")
    var redrawArrivals = false

    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Seed of --redraw-arrivals (default 42).")
    var seed: UInt64 = 42

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Also write the fitted table(s) as TOML to this file (atomically).", valueName: "file"))
    var output: String?

    /// The first end-to-end option given without --end-to-end, for the error message.
    var misplacedOption: String? {
        if keys != nil { return "--keys" }
        if compute { return "--compute" }
        if maxRequests != nil { return "--max-requests" }
        if redrawArrivals { return "--redraw-arrivals" }
        if output != nil { return "--output" }
        return nil
    }
}

extension CalibrateCommand {
    /// `calibrate --end-to-end`.
    func runEndToEnd() throws {
        let o = endToEnd
        guard let configPath = selection.config else {
            printError("error: --end-to-end needs --config BASE.toml (the node the runs were measured on)")
            throw ExitStatus.badInput
        }
        if selection.hardware != nil || selection.model != nil {
            printError("error: --end-to-end takes the node from --config; --hardware and --model do not apply")
            throw ExitStatus.badInput
        }
        if o.rounds < 0 || o.maxEvaluations < 1 {
            printError("error: --rounds must be ≥ 0 and --max-evaluations ≥ 1")
            throw ExitStatus.badInput
        }
        if let n = o.maxRequests, n < 1 {
            printError("error: --max-requests must be a positive integer, got \(n)")
            throw ExitStatus.badInput
        }
        guard let objective = EndToEndCalibration.Objective(rawValue: o.objective) else {
            printError("error: --objective must be targets or mean, got \(o.objective)")
            throw ExitStatus.badInput
        }
        var parameters: [EndToEndCalibration.Parameter] = []
        for key in (o.keys ?? EndToEndCalibration.defaultEngineKeys.joined(separator: ",")).split(separator: ",") {
            let name = key.trimmingCharacters(in: " ")
            guard let p = EndToEndCalibration.engineParameters.first(where: { $0.key == name }) else {
                let known = EndToEndCalibration.engineParameters.map(\.key).joined(separator: ", ")
                printError("error: --keys: unknown [engine] key '\(name)' (known: \(known))")
                throw ExitStatus.badInput
            }
            if !parameters.contains(where: { $0.key == p.key }) { parameters.append(p) }
        }
        let base = try selection.resolve()
        if o.compute {
            guard base.compute.model == .calibrated else {
                printError("error: --compute fits the calibrated model's factors: \(configPath) has [compute] model = \"\(base.compute.model.rawValue)\"")
                throw ExitStatus.badInput
            }
            parameters += EndToEndCalibration.computeParameters
        }
        // The runs' requests replace the config's workload (an ArrayRequestSource per run).
        var runs: [EndToEndCalibration.Run] = []
        var notes: [String] = []
        for path in measurements {
            let run = try reportingErrors { () throws(InputError) -> EndToEndCalibration.Run in
                var m = try MeasuredRunReader.read(path: path)
                if let n = o.maxRequests { m = m.prefix(n) }
                try m.prepareForReplay(redraw: o.redrawArrivals, seed: o.seed)
                if let note = m.arrivalNote { notes.append("\(path): arrivals \(note)") }
                return EndToEndCalibration.Run(name: path, measured: m)
            }
            runs.append(run)
        }
        // Opened before the fit, so that a bad path stops the command before any work; removed
        // unwritten on any error.
        let outputFile = try o.output.map { path in try reportingErrors { try OutputFile(path: path, compression: .none) } }
        let fit: EndToEndCalibration.Fit
        if evaluate {
            let predicted = runs.map { EndToEndCalibration.simulate(base, $0.requests) }
            let score = EndToEndCalibration.objective(predicted: predicted, measured: runs.map(\.measured), kind: objective).score
            fit = EndToEndCalibration.Fit(config: base, before: predicted, after: predicted, scoreBefore: score,
                                          scoreAfter: score, evaluations: 1)
        } else {
            fit = EndToEndCalibration.fit(base: base, runs: runs, parameters: parameters, objective: objective, rounds: o.rounds,
                                          maxEvaluations: o.maxEvaluations) { printError("calibrate: \($0)") }
        }
        for (i, p) in fit.before.enumerated() where p == nil {
            outputFile?.abort()
            printError("error: \(runs[i].name): replaying it under \(configPath) failed: \(Self.failure(base, runs[i].requests, configPath: configPath))")
            throw ExitStatus.badInput
        }
        var out = notes.map { "# \($0)\n" }.joined()
        out += Self.report(runs: runs, fit: fit, evaluated: evaluate, objective: objective)
        let toml = Self.engineTOML(fit.config, base: base, compute: o.compute)
        out += toml
        if let file = outputFile {
            try reportingErrors {
                do {
                    var buffer = ByteBuffer(capacity: 4096)
                    for b in toml.utf8 { buffer.append(b) }
                    try file.write(buffer)
                    try file.commit()
                } catch {
                    file.abort()
                    throw error
                }
            }
        }
        try writeOutput(out)
    }

    /// Why replaying `requests` under `config` does not complete (the run is repeated to tell).
    static func failure(_ config: SimulatorConfig, _ requests: [RequestSpec], configPath: String) -> String {
        do {
            var sim = try Simulator(config: config, source: ArrayRequestSource(requests))
            var sink = NullSink()
            sim.run(into: &sink)
            if let issue = sim.error { return ConfigLoader.locate(issue, path: configPath).description }
            return "\(sim.scheduler.waitingCount + sim.scheduler.runningCount) requests can never be scheduled"
        } catch {
            return ConfigLoader.locate(error, path: configPath).description
        }
    }

    /// The per-run and median errors before and after.
    static func report(runs: [EndToEndCalibration.Run], fit: EndToEndCalibration.Fit, evaluated: Bool,
                       objective: EndToEndCalibration.Objective) -> String {
        let metrics = OutcomeMetric.objective
        var out = "# end-to-end calibration: \(runs.count) run\(runs.count == 1 ? "" : "s"), \(fit.evaluations) evaluation\(fit.evaluations == 1 ? "" : "s")"
        out += fit.stoppedAtLimit ? " (stopped at --max-evaluations)\n" : "\n"
        out += "# signed error (predicted / measured - 1) per metric; objective: \(objective == .mean ? "mean over metrics of the median |error| across runs" : "max over TTFT mean, decode ITL, E2E mean, E2E p99 of median |error| / target (10, 5, 5, 10 %) + 0.1 x their mean")\n"
        let header = "# " + "run".padding(28) + padded("requests", 9) + metrics.map { padded($0.shortLabel, 14) }.joined() + "\n"
        let phases: [(String, [Outcomes?], Double)] = evaluated
            ? [("base", fit.before, fit.scoreBefore)]
            : [("before", fit.before, fit.scoreBefore), ("after", fit.after, fit.scoreAfter)]
        for (phase, predicted, score) in phases {
            let shown = objective == .mean ? String(OutcomeComparison.percent(score).dropFirst()) : fixed(score, 3)
            out += "# \(phase): objective \(shown)\n" + header
            var perMetric: [[Double]] = Array(repeating: [], count: metrics.count)
            for (i, run) in runs.enumerated() {
                let name = run.name.count > 27 ? "…" + run.name.suffix(26) : run.name
                out += "# " + name.padding(28) + padded(String(run.requests.count), 9)
                for (k, m) in metrics.enumerated() {
                    let e = predicted[i].flatMap { Outcomes.error(m, predicted: $0, measured: run.measured) }
                    if let e { perMetric[k].append(abs(e)) }
                    out += padded(OutcomeComparison.percent(e), 14)
                }
                out += "\n"
            }
            out += "# " + "median |error|".padding(28) + padded("", 9)
            out += perMetric.map { padded($0.isEmpty ? "-" : String(OutcomeComparison.percent(EndToEndCalibration.median($0)).dropFirst()), 14) }.joined() + "\n"
        }
        return out
    }

    /// The fitted `[engine]` table (every cost key and `gpu_time_scale`), and `[compute]` when fitted.
    static func engineTOML(_ c: SimulatorConfig, base: SimulatorConfig, compute: Bool) -> String {
        var out = ""
        if let v = base.engine.vllmVersion { out += "# base profile: vllm_version = \(quoted(v)); the keys below override it\n" }
        out += "[engine]\n"
        for p in EndToEndCalibration.engineParameters { out += "\(p.key) = \(p.get(c))\n" }
        if compute { out += "\n" + calibrationTOML(c.compute.calibration) }
        return out
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
