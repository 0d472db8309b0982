#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
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

    @Option(name: .customLong("seed"), help: "Override [workload] seed.")
    var seed: UInt64?

    @Flag(name: .customLong("json"), help: "Print the summary as JSON on stdout (keys: see README).")
    var json = false

    @Option(name: [.short, .customLong("output")], help: "Also write the summary as JSON to this file.")
    var output: String?

    @Flag(name: [.short, .customLong("quiet")], help: "Print nothing but errors (and --json output).")
    var quiet = false

    mutating func run() throws {
        let started = wallSeconds()
        let (simConfig, configName) = try reportingErrors { () throws -> (SimulatorConfig, String) in
            var loaded: LoadedConfig
            if let path = config {
                loaded = try ConfigLoader.load(path: path)
            } else {
                loaded = LoadedConfig(config: .default)
            }
            for w in loaded.warnings { printError(w) }
            if let seed { loaded.config.workload.seed = seed }
            return (loaded.config, config ?? "<built-in default>")
        }
        let eventsToStdout = events == "-"
        let textOut: Int32 = eventsToStdout || json ? 2 : 1

        var metrics = MetricsReducer(config: simConfig)
        let status: RunStatus
        var writer: EventLogWriter? = nil
        if let path = events {
            writer = try reportingErrors {
                try EventLogWriter(path: path, version: InferenceLabVersion.string, seed: simConfig.workload.seed,
                                   configJSON: resolvedConfigJSON(simConfig))
            }
        }
        if !quiet && !json {
            writeText(Self.header(simConfig, configName: configName), fd: textOut)
        }
        var sim = try reportingErrors { try Simulator(config: simConfig) }
        if var log = writer {
            var sink = TeeSink(log, metrics)
            status = Self.drive(&sim, into: &sink, progress: !quiet)
            log = sink.a
            metrics = sink.b
            try reportingErrors { try log.finish(status: status, simTime: sim.now) }
        } else {
            status = Self.drive(&sim, into: &metrics, progress: !quiet)
        }

        let summary = metrics.summary()
        if json { writeText(SummaryJSON.render(summary) + "\n", fd: 1) }
        if let output {
            try reportingErrors {
                let file = try OutputFile(path: output, compression: .none)
                var buffer = ByteBuffer(capacity: 4096)
                for b in (SummaryJSON.render(summary) + "\n").utf8 { buffer.append(b) }
                try file.write(buffer)
                try file.commit()
            }
        }
        if !quiet && !json {
            writeText(SummaryTable.render(summary, wallSeconds: wallSeconds() - started), fd: textOut)
        }
        switch status {
        case .complete: return
        case .failed:
            printError("error: the run could not finish: \(sim.scheduler.waitingCount + sim.scheduler.runningCount) requests can never be scheduled")
            throw ExitStatus.deadlock
        case .interrupted:
            throw ExitCode(130)
        }
    }

    /// Runs the simulation to the end, with a progress line on a terminal.
    static func drive<Sink: EventSink>(_ sim: inout Simulator<SyntheticSource>, into sink: inout Sink, progress: Bool) -> RunStatus {
        let showProgress = progress && stderrIsTerminal
        var nextReport = wallSeconds() + 0.5
        var iterations = 0
        while sim.advance(into: &sink) {
            iterations += 1
            if showProgress && iterations & 1023 == 0 && wallSeconds() >= nextReport {
                nextReport = wallSeconds() + 0.5
                writeText("\r\u{1B}[K  t=\(Int(sim.now))s  steps \(sim.stepCount)  finished \(sim.finishedCount)/\(sim.arrivedCount)  running \(sim.scheduler.runningCount)  waiting \(sim.scheduler.waitingCount)", fd: 2)
            }
        }
        if showProgress { writeText("\r\u{1B}[K", fd: 2) }
        return sim.status ?? .complete
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
        case .trace: s += "  Arrival:    trace \(w.tracePath ?? "")"
        default: s += "  Arrival:    \(w.arrivalPattern.rawValue) (\(w.arrivalRate) req/s)"
        }
        s += w.numRequests.map { ", \($0) requests\n" } ?? "\n"
        s += "  Step time:  \(c.compute.model.rawValue)\n\n"
        return s
    }
}
