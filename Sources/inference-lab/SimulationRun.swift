import ArgumentParser
import CommandLineSupport
import InferenceLab

/// One simulation as the `simulate` command runs it, for any request source: the synthetic
/// generator and trace replay share this code path.
struct SimulationRun {
    let config: SimulatorConfig
    let configName: String
    /// Event log path (`-` for stdout), if any.
    let events: String?
    let json: Bool
    /// Summary JSON file, if any.
    let output: String?
    let quiet: Bool
    /// Wall-clock start, for the report.
    let started: Double
    /// The config file (nil: the built-in default), to locate a run-time error's key.
    var configPath: String? = nil
    /// The warmup replayed before the measured requests (`warmup_trace`), if any.
    var warmup: [RequestSpec]? = nil

    /// Runs the simulation over `source`, writes the outputs and prints the summary.
    ///
    /// `sourceError` is asked after the run whether the source stopped on bad input (the
    /// core has no error channel); if so, or if the simulator stopped on a time that is not
    /// finite, the event log is aborted (nothing is left under its name), no summary is
    /// written and the command exits with status 2. `skipped` gives the trace lines the
    /// source skipped as invalid, for the event log's `end` record and the JSON summary.
    func execute<Source: RequestSource>(_ source: Source, skipped: (Source) -> SkippedLines = { _ in SkippedLines() },
                                        sourceError: (Source) -> InputError?) throws {
        guard let warmup else { return try measure(source, skipped: skipped, sourceError: sourceError) }
        // The warmup goes first; the measured source's skipped lines and errors are reported.
        try measure(WarmupRequestSource(warmup: ArrayRequestSource(warmup), measured: source),
                    skipped: { skipped($0.measured) }, sourceError: { sourceError($0.measured) })
    }

    /// ``execute(_:skipped:sourceError:)`` once the source is complete.
    private func measure<Source: RequestSource>(_ source: Source, skipped: (Source) -> SkippedLines,
                                                sourceError: (Source) -> InputError?) throws {
        if config.cluster.isEnabled { return try executeFleet(source, skipped: skipped, sourceError: sourceError) }
        let eventsToStdout = events == "-"
        let textOut: Int32 = eventsToStdout || json ? 2 : 1
        /// The header and the table: checked on stdout, where they are the output.
        func writeReport(_ text: String) throws {
            if textOut == 1 { try writeOutput(text) } else { writeText(text, fd: textOut) }
        }

        var metrics = MetricsReducer(config: config)
        let status: RunStatus
        var writer: EventLogWriter? = nil
        // Opened before the run, so that a bad output path stops it before any work and no
        // event log is left without its summary; dropped unwritten (removed) on any error.
        let summaryFile = try output.map { path in try reportingErrors { try OutputFile(path: path, compression: .none) } }
        if let path = events {
            writer = try reportingErrors {
                try EventLogWriter(path: path, version: InferenceLabVersion.string, seed: config.workload.seed,
                                   configJSON: resolvedConfigJSON(config))
            }
        }
        if !quiet && !json {
            try writeReport(SimulateCommand.header(config, configName: configName))
        }
        var sim = try reportingErrors { try Simulator(config: config, source: source) }
        if var log = writer {
            var sink = TeeSink(log, metrics)
            status = SimulateCommand.drive(&sim, into: &sink, progress: !quiet)
            log = sink.a
            metrics = sink.b
            if let error = sourceError(sim.source) {
                log.abort()
                printError("error: \(error)")
                throw ExitStatus.badInput
            }
            if let issue = sim.error {
                log.abort()
                printError("error: \(ConfigLoader.locate(issue, path: configPath))")
                throw ExitStatus.badInput
            }
            try reportingErrors { try log.finish(status: status, simTime: sim.now, skipped: skipped(sim.source)) }
        } else {
            status = SimulateCommand.drive(&sim, into: &metrics, progress: !quiet)
            if let error = sourceError(sim.source) {
                printError("error: \(error)")
                throw ExitStatus.badInput
            }
            if let issue = sim.error {
                printError("error: \(ConfigLoader.locate(issue, path: configPath))")
                throw ExitStatus.badInput
            }
        }

        try report(metrics.summary(), skipped: skipped(sim.source), status: status, summaryFile: summaryFile,
                   writeReport: writeReport, unfinished: sim.scheduler.waitingCount + sim.scheduler.runningCount,
                   now: sim.now, steps: sim.stepCount)
    }

    /// What every run does at its end, one node or a fleet: the summary as JSON (stdout and
    /// `--output`) and as the text table, then the exit status the run's end calls for.
    func report(_ summary: Summary, skipped: SkippedLines, status: RunStatus, summaryFile: OutputFile?,
                writeReport: (String) throws -> Void, unfinished: Int, now: Double, steps: Int) throws {
        let summaryJSON = SummaryJSON.render(summary, skipped: skipped)
        if json { try writeOutput(summaryJSON + "\n") }
        if let file = summaryFile {
            try reportingErrors {
                var buffer = ByteBuffer(capacity: 4096)
                for b in (summaryJSON + "\n").utf8 { buffer.append(b) }
                try file.write(buffer)
                try file.commit()
            }
        }
        if !quiet && !json {
            try writeReport(SummaryTable.render(summary, wallSeconds: wallSeconds() - started))
        }
        switch status {
        case .complete: return
        case .failed:
            printError("error: the run could not finish: \(unfinished) requests can never be scheduled")
            throw ExitStatus.deadlock
        case .interrupted:
            printError("interrupted at t = \(now) s after \(steps) steps; outputs are complete up to there")
            throw ExitCode(128 + (stopSignal == 0 ? SIGINT : stopSignal))
        }
    }
}
