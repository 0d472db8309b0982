import ArgumentParser
import CommandLineSupport
import InferenceLab

extension SimulationRun {
    /// ``execute(_:skipped:sourceError:)`` for a config with `[cluster]`: the fleet behind its
    /// router, a schema-2 event log, and the whole fleet's summary (same keys as one node).
    func executeFleet<Source: RequestSource>(_ source: Source, skipped: (Source) -> SkippedLines,
                                             sourceError: (Source) -> InputError?) throws {
        var metrics = FleetMetrics(config: config)
        let status: RunStatus
        let outputs = try openOutputs(fleet: true)
        var fleet = try reportingErrors { try ClusterSimulator(config: config, source: source) }
        var eventLog = outputs.eventLog
        if let log = eventLog {
            var sink = TeeClusterSink(log, metrics)
            status = Self.driveFleet(&fleet, into: &sink, progress: !quiet)
            (eventLog, metrics) = (sink.a, sink.b)
        } else {
            status = Self.driveFleet(&fleet, into: &metrics, progress: !quiet)
        }
        try stopOnBadInput(sourceError(fleet.requestSource), fleet.error) { eventLog?.abort() }
        try reportingErrors { try eventLog?.finish(status: status, skipped: skipped(fleet.requestSource)) }
        try report(metrics.summary(), skipped: skipped(fleet.requestSource), status: status, outputs: outputs,
                   unfinished: fleet.unfinishedCount, now: fleet.now, steps: fleet.stepCount)
    }

    /// Runs the fleet to the end, with a progress line on a terminal.
    static func driveFleet<Source: RequestSource, Sink: ClusterEventSink>(
        _ fleet: inout ClusterSimulator<Source>, into sink: inout Sink, progress: Bool
    ) -> RunStatus {
        SimulateCommand.runToEnd(progress: progress, checkEvery: 4096,
                                 advance: { fleet.advance(into: &sink) }, interrupt: { fleet.interrupt(into: &sink) },
                                 progressLine: { "t=\(Int(fleet.now))s  replicas \(fleet.replicas.count)  finished \(fleet.finishedCount)/\(fleet.routedCount)" })
        if stopSignal != 0 && fleet.status == .complete { return .interrupted }
        return fleet.status ?? .complete
    }
}
