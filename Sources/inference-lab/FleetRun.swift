import ArgumentParser
import CommandLineSupport
import InferenceLab

extension SimulationRun {
    /// ``execute(_:skipped:sourceError:)`` for a config with `[cluster]`: the fleet behind its
    /// router, a schema-2 event log, and the whole fleet's summary (same keys as one node).
    func executeFleet<Source: RequestSource>(_ source: Source, skipped: (Source) -> SkippedLines,
                                             sourceError: (Source) -> InputError?) throws {
        let eventsToStdout = events == "-"
        let textOut: Int32 = eventsToStdout || json ? 2 : 1
        func writeReport(_ text: String) throws {
            if textOut == 1 { try writeOutput(text) } else { writeText(text, fd: textOut) }
        }
        var metrics = FleetMetrics(config: config)
        let status: RunStatus
        let summaryFile = try output.map { path in try reportingErrors { try OutputFile(path: path, compression: .none) } }
        var writer: EventLogWriter? = nil
        if let path = events {
            writer = try reportingErrors {
                try EventLogWriter(path: path, version: InferenceLabVersion.string, seed: config.workload.seed,
                                   configJSON: resolvedConfigJSON(config), fleet: true)
            }
        }
        if !quiet && !json {
            try writeReport(SimulateCommand.header(config, configName: configName))
        }
        var fleet = try reportingErrors { try ClusterSimulator(config: config, source: source) }
        if var log = writer {
            var sink = TeeClusterSink(log, metrics)
            status = Self.driveFleet(&fleet, into: &sink, progress: !quiet)
            log = sink.a
            metrics = sink.b
            if let error = sourceError(fleet.requestSource) {
                log.abort()
                printError("error: \(error)")
                throw ExitStatus.badInput
            }
            if let issue = fleet.error {
                log.abort()
                printError("error: \(ConfigLoader.locate(issue, path: configPath))")
                throw ExitStatus.badInput
            }
            try reportingErrors { try log.finish(status: status, skipped: skipped(fleet.requestSource)) }
        } else {
            status = Self.driveFleet(&fleet, into: &metrics, progress: !quiet)
            if let error = sourceError(fleet.requestSource) {
                printError("error: \(error)")
                throw ExitStatus.badInput
            }
            if let issue = fleet.error {
                printError("error: \(ConfigLoader.locate(issue, path: configPath))")
                throw ExitStatus.badInput
            }
        }
        try report(metrics.summary(), skipped: skipped(fleet.requestSource), status: status, summaryFile: summaryFile,
                   writeReport: writeReport, unfinished: fleet.unfinishedCount, now: fleet.now, steps: fleet.stepCount)
    }

    /// Runs the fleet to the end, with a progress line on a terminal.
    static func driveFleet<Source: RequestSource, Sink: ClusterEventSink>(
        _ fleet: inout ClusterSimulator<Source>, into sink: inout Sink, progress: Bool
    ) -> RunStatus {
        let showProgress = progress && stderrIsTerminal
        var nextReport = wallSeconds() + 0.5
        var iterations = 0
        while true {
            if stopSignal != 0 {
                fleet.interrupt(into: &sink)
                break
            }
            guard fleet.advance(into: &sink) else { break }
            iterations += 1
            if showProgress && iterations & 4095 == 0 && wallSeconds() >= nextReport {
                nextReport = wallSeconds() + 0.5
                writeText("\r\u{1B}[K  t=\(Int(fleet.now))s  replicas \(fleet.replicas.count)  finished \(fleet.finishedCount)/\(fleet.routedCount)", fd: 2)
            }
        }
        if showProgress { writeText("\r\u{1B}[K", fd: 2) }
        if stopSignal != 0 && fleet.status == .complete { return .interrupted }
        return fleet.status ?? .complete
    }
}
