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
        var metrics = MetricsReducer(config: config)
        let status: RunStatus
        let outputs = try openOutputs(fleet: false)
        var sim = try reportingErrors { try Simulator(config: config, source: source) }
        var eventLog = outputs.eventLog
        if let log = eventLog {
            var sink = TeeSink(log, metrics)
            status = SimulateCommand.drive(&sim, into: &sink, progress: !quiet)
            (eventLog, metrics) = (sink.a, sink.b)
        } else {
            status = SimulateCommand.drive(&sim, into: &metrics, progress: !quiet)
        }
        try stopOnBadInput(sourceError(sim.source), sim.error) { eventLog?.abort() }
        try reportingErrors { try eventLog?.finish(status: status, simTime: sim.now, skipped: skipped(sim.source)) }

        try report(metrics.summary(), skipped: skipped(sim.source), status: status, outputs: outputs,
                   unfinished: sim.scheduler.waitingCount + sim.scheduler.runningCount, now: sim.now, steps: sim.stepCount)
    }

    /// What a run opens before it starts, one node or a fleet.
    struct Outputs {
        /// The `--output` summary file, if any.
        let summaryFile: OutputFile?
        /// The event log, if any (schema 2 for a fleet).
        let eventLog: EventLogWriter?
        /// Where the header and the table go: stdout, or stderr when stdout carries the event
        /// log or the JSON summary.
        let textFD: Int32
    }

    /// Opens the summary file and the event log, then prints the config header. Opened before
    /// the run, so that a bad output path stops it before any work and no event log is left
    /// without its summary; dropped unwritten (removed) on any error.
    func openOutputs(fleet: Bool) throws -> Outputs {
        let summaryFile = try output.map { path in try reportingErrors { try OutputFile(path: path, compression: .none) } }
        let eventLog = try events.map { path in
            try reportingErrors {
                try EventLogWriter(path: path, version: InferenceLabVersion.string, seed: config.workload.seed,
                                   configJSON: resolvedConfigJSON(config), fleet: fleet)
            }
        }
        let outputs = Outputs(summaryFile: summaryFile, eventLog: eventLog, textFD: events == "-" || json ? 2 : 1)
        if !quiet && !json {
            try writeReport(SimulateCommand.header(config, configName: configName), outputs)
        }
        return outputs
    }

    /// Writes the header or the table: checked on stdout, where they are the output.
    func writeReport(_ text: String, _ outputs: Outputs) throws {
        if outputs.textFD == 1 { try writeOutput(text) } else { writeText(text, fd: outputs.textFD) }
    }

    /// After the run: when the source stopped on bad input, or the run on a value that is not
    /// finite (`issue`), calls `abortLog` (nothing is left under the event log's name), prints
    /// the error and exits with status 2.
    func stopOnBadInput(_ inputError: InputError?, _ issue: ConfigIssue?, abortLog: () -> Void) throws {
        guard let error = inputError ?? issue.map({ ConfigLoader.locate($0, path: configPath) }) else { return }
        abortLog()
        printError("error: \(error)")
        throw ExitStatus.badInput
    }

    /// What every run does at its end, one node or a fleet: the summary as JSON (stdout and
    /// `--output`) and as the text table, then the exit status the run's end calls for.
    func report(_ summary: Summary, skipped: SkippedLines, status: RunStatus, outputs: Outputs,
                unfinished: Int, now: Double, steps: Int) throws {
        let summaryJSON = SummaryJSON.render(summary, skipped: skipped)
        if json { try writeOutput(summaryJSON + "\n") }
        if let file = outputs.summaryFile {
            try reportingErrors {
                var buffer = ByteBuffer(capacity: 4096)
                for b in (summaryJSON + "\n").utf8 { buffer.append(b) }
                try file.write(buffer)
                try file.commit()
            }
        }
        if !quiet && !json {
            try writeReport(SummaryTable.render(summary, wallSeconds: wallSeconds() - started), outputs)
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
