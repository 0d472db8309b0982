import ArgumentParser
import CommandLineSupport
import InferenceLab

/// `inference-lab [simulate]`: run one simulation and print its summary.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulation (the default command).",
        discussion: """
            Without --config the built-in default is used (the same values as configs/config.toml: \
            Llama-3-70B in BF16 on one H100, Poisson arrivals at 5 req/s, 400 requests).
            """
    )

    @Option(name: [.short, .customLong("config")], help: "TOML config file (default: the built-in configs/config.toml).")
    var config: String?

    @Option(name: .customLong("events"), help: "Write the event log (gzip JSONL when the name ends in .gz; '-' for stdout).")
    var events: String?

    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Override [workload] seed.")
    var seed: UInt64?

    @Flag(name: .customLong("json"), help: "Print the summary as JSON on stdout (keys: docs/metrics.md).")
    var json = false

    @Option(name: [.short, .customLong("output")], help: "Also write the summary as JSON to this file.")
    var output: String?

    @Flag(name: [.short, .customLong("quiet")], help: "Print nothing but errors (and --json output).")
    var quiet = false

    @Option(name: .customLong("trace"), help: ArgumentHelp(
        "Replay this trace (native JSONL, gzip or plain; '-' for stdin) instead of the config's workload.",
        valueName: "file"))
    var trace: String?

    @Option(name: .customLong("time-scale"), parsing: .unconditional, help: ArgumentHelp(
        "Multiply the trace's arrival times by X: 2 = half the request rate, 0.5 = twice the rate (default 1, or [workload] time_scale).",
        valueName: "x"))
    var timeScale: Double?

    @Option(name: .customLong("max-requests"), parsing: .unconditional, help: ArgumentHelp(
        "Replay (or generate) at most N requests; overrides [workload] num_requests.", valueName: "n"))
    var maxRequests: Int?

    @Option(name: .customLong("set"), parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Set a config key as if the file had it, before presets resolve (repeatable): --set hardware.preset=h200-sxm --set scheduler.max_num_batched_tokens=4096.",
        valueName: "key=value"))
    var set: [String] = []

    @Option(name: .customLong("warmup-trace"), help: ArgumentHelp(
        "Replay this trace first, excluded from the metrics, to warm the server's state (prefix cache); the measured requests start once it has drained. Overrides [workload] warmup_trace.",
        valueName: "file"))
    var warmupTrace: String?

    @Flag(name: .customLong("skip-invalid"), help: "Skip invalid trace lines (counted and reported on stderr) instead of stopping with exit status 2.")
    var skipInvalid = false

    mutating func run() throws {
        let started = wallSeconds()
        // Checked here rather than in validate(), so that bad values exit with status 2 like
        // every other bad input (ArgumentParser's validation errors exit with 64).
        if let timeScale, !(timeScale > 0 && timeScale.isFinite) {
            printError("error: --time-scale must be a positive number, got \(timeScale)")
            throw ExitStatus.badInput
        }
        if let maxRequests, maxRequests <= 0 {
            printError("error: --max-requests must be a positive integer, got \(maxRequests)")
            throw ExitStatus.badInput
        }
        var outputs: [OutputClash.Output] = []
        if let events { outputs.append(.init("--events \(events)", events)) }
        if let output { outputs.append(.init("-o \(output)", output)) }
        if json { outputs.append(.init("--json", "-")) }
        if let clash = OutputClash.find(outputs) {
            printError("error: \(clash)")
            throw ExitStatus.badInput
        }
        let (simConfig, configName) = try reportingErrors { () throws -> (SimulatorConfig, String) in
            var loaded: LoadedConfig
            var overrides: [ConfigOverride] = []
            for text in set { overrides.append(try ConfigOverride(parsing: text)) }
            if let path = config {
                loaded = try ConfigLoader.load(path: path, overrides: overrides)
            } else if !overrides.isEmpty {
                throw InputError(file: "--set", "needs a config file (--config FILE): keys are set in a file's document")
            } else {
                loaded = ConfigLoader.builtInDefault()
            }
            if !quiet { for w in loaded.warnings { printError(w) } }
            if let seed { loaded.config.workload.seed = seed }
            if let trace {
                // The trace replaces the configured workload, including its request count.
                loaded.config.workload.arrivalPattern = .trace
                loaded.config.workload.tracePath = trace
                loaded.config.workload.numRequests = nil
                loaded.config.workload.durationSecs = nil
            }
            if let maxRequests { loaded.config.workload.numRequests = maxRequests }
            if let warmupTrace { loaded.config.workload.warmupTracePath = warmupTrace }
            if let timeScale { loaded.config.workload.timeScale = timeScale }
            if let error = loaded.config.validate().first(where: { $0.severity == .error }) { throw error }
            return (loaded.config, config ?? "<built-in default>")
        }
        let w = simConfig.workload
        if w.arrivalPattern != .trace && (timeScale != nil || skipInvalid) {
            printError("error: --time-scale and --skip-invalid apply to trace replay (--trace, or arrival_pattern = \"trace\")")
            throw ExitStatus.badInput
        }
        if w.warmupTracePath != nil && simConfig.cluster.isEnabled {
            // The fleet's metrics do not restart at the end of a warmup yet.
            printError("error: workload.warmup_trace: not supported with [cluster] (a fleet) yet; replay the warmup on a single node or leave it out")
            throw ExitStatus.badInput
        }
        if w.warmupTracePath == "-" && w.arrivalPattern == .trace && (w.tracePath ?? "-") == "-" {
            printError("error: the warmup trace and the trace cannot both be read from standard input")
            throw ExitStatus.badInput
        }
        var run = SimulationRun(config: simConfig, configName: configName, events: events, json: json,
                                output: output, quiet: quiet, started: started)
        run.configPath = config
        if let path = w.warmupTracePath {
            do throws(InputError) {
                run.warmup = try WarmupTrace.load(path: path)
            } catch {
                printError("error: warmup trace: \(error)")
                throw ExitStatus.badInput
            }
        }
        // From here a stop signal ends the run at a step boundary, or a wait for trace input,
        // with its outputs closed.
        SignalHandling.stopGracefully()
        if w.arrivalPattern == .trace {
            let opened: TraceSource?
            do throws(InputError) {
                opened = try TraceSource(path: w.tracePath ?? "-", timeScale: w.timeScale, maxRequests: w.numRequests,
                                         durationSecs: w.durationSecs, skipInvalid: skipInvalid)
            } catch where error.isInterruption {
                opened = nil
            } catch {
                printError("error: \(error)")
                throw ExitStatus.badInput
            }
            guard let source = opened else {
                // Stopped before the trace's first bytes: the run ends at once, as interrupted.
                return try run.execute(ArrayRequestSource([])) { _ in nil }
            }
            try run.execute(source, skipped: { $0.skipped }) { source in
                if !quiet, let report = source.skipped.report(file: source.name) { printError(report) }
                return source.error
            }
        } else {
            try run.execute(SyntheticSource(simConfig)) { _ in nil }
        }
    }

    /// Runs the simulation to the end, with a progress line on a terminal.
    static func drive<Source: RequestSource, Sink: EventSink>(_ sim: inout Simulator<Source>, into sink: inout Sink, progress: Bool) -> RunStatus {
        runToEnd(progress: progress, checkEvery: 1024,
                 advance: { sim.advance(into: &sink) }, interrupt: { sim.interrupt(into: &sink) },
                 progressLine: { "t=\(Int(sim.now))s  steps \(sim.stepCount)  finished \(sim.finishedCount)/\(sim.arrivedCount)  running \(sim.scheduler.runningCount)  waiting \(sim.scheduler.waitingCount)" })
        // A trace whose reading a stop signal ended looks complete to the simulator.
        if stopSignal != 0 && sim.status == .complete { return .interrupted }
        return sim.status ?? .complete
    }

    /// The loop of a run, one node or a fleet: `advance` until it returns false, or
    /// `interrupt` once a stop signal has come; on a terminal, `progressLine` is shown on
    /// stderr (checked every `checkEvery` iterations, a power of two; redrawn at most twice a
    /// second) and cleared at the end.
    static func runToEnd(progress: Bool, checkEvery: Int, advance: () -> Bool, interrupt: () -> Void,
                         progressLine: () -> String) {
        let showProgress = progress && stderrIsTerminal
        var nextReport = wallSeconds() + 0.5
        var iterations = 0
        while true {
            if stopSignal != 0 {
                interrupt()
                break
            }
            guard advance() else { break }
            iterations += 1
            if showProgress && iterations & (checkEvery - 1) == 0 && wallSeconds() >= nextReport {
                nextReport = wallSeconds() + 0.5
                writeText("\r\u{1B}[K  " + progressLine(), fd: 2)
            }
        }
        if showProgress { writeText("\r\u{1B}[K", fd: 2) }
    }

    /// The configuration block printed before the run.
    static func header(_ c: SimulatorConfig, configName: String) -> String {
        var s = "inference-lab \(InferenceLabVersion.string): LLM inference simulator\n"
        s += "Config: \(configName)\n"
        s += "  Hardware:   \(c.hardware.name) (\(c.hardware.computeFlops / 1e12) TFLOP/s, \(c.hardware.memoryBandwidth / 1e12) TB/s)\n"
        s += "  Model:      \(c.model.name) (\(c.model.numParameters / 1e9)B params, \(c.model.numLayers) layers)\n"
        s += "  KV cache:   \(c.usableKVBlocks) blocks of \(c.scheduler.blockSize) tokens\n"
        s += "  Scheduler:  \(c.scheduler.policy.rawValue), \(c.scheduler.maxNumBatchedTokens) tokens/step, \(c.scheduler.maxNumSeqs) seqs"
        s += c.scheduler.enableChunkedPrefill ? ", chunked prefill" : ", no chunked prefill"
        s += c.scheduler.enablePrefixCaching ? ", prefix caching" : ""
        s += c.scheduler.asyncScheduling ? ", async scheduling\n" : "\n"
        let w = c.workload
        switch w.arrivalPattern {
        case .closedLoop: s += "  Arrival:    closed loop (\(w.numConcurrentUsers ?? 0) users)"
        case .batched: s += "  Arrival:    batched (all requests at t=0)"
        case .sessions: s += "  Arrival:    sessions (\(w.arrivalRate) sessions/s)"
        case .trace:
            s += "  Arrival:    trace \(w.tracePath ?? "")"
            if w.timeScale != 1 { s += " (time scale \(w.timeScale))" }
        default: s += "  Arrival:    \(w.arrivalPattern.rawValue) (\(w.arrivalRate) req/s)"
        }
        let limit = w.arrivalPattern == .trace ? ", at most " : ", "
        s += w.numRequests.map { "\(limit)\($0) requests\n" } ?? "\n"
        // Only for runs that have them, so that other runs print what they always did.
        if let path = w.warmupTracePath { s += "  Warmup:     trace \(path) (not measured)\n" }
        if let timeout = w.requestTimeout { s += "  Timeout:    \(timeout) s per request\n" }
        s += "  Step time:  \(c.compute.model.rawValue)\n\n"
        return s
    }
}
