import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

/// `summary EVENTS`: the run's summary, exactly as the simulator printed it.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print the run's summary (the simulator's table, --json or --csv).",
        discussion: """
            The standard keys are byte-identical to `inference-lab --json` for the same run. With \
            --slo-ttft and/or --slo-tpot, `goodput` (completed requests/s meeting every target; a \
            request with one output token has no TPOT and meets that target) and `slo_attainment` \
            (the fraction of completed requests meeting them) follow the standard keys.
            """
    )

    @Argument(help: "Event log (gzip or plain JSONL; '-' for standard input).")
    var events: String

    @Flag(name: .customLong("json"), help: "Print the summary as JSON.")
    var json = false

    @Flag(name: .customLong("csv"), help: "Print the summary as CSV (a header row and a value row).")
    var csv = false

    @Option(name: .customLong("slo-ttft"), parsing: .unconditional, help: ArgumentHelp("TTFT target for goodput, in ms.", valueName: "ms"))
    var sloTTFT: Double?

    @Option(name: .customLong("slo-tpot"), parsing: .unconditional, help: ArgumentHelp("TPOT target for goodput, in ms.", valueName: "ms"))
    var sloTPOT: Double?

    @Flag(name: .customLong("by-replica"), help: "Fleet logs: one row per replica, then the load imbalance (coefficients of variation of requests, tokens and busy time).")
    var byReplica = false

    @Option(name: .customLong("replica"), help: ArgumentHelp("Fleet logs: the summary of replica K alone (same keys).", valueName: "K"))
    var replica: Int?

    @OptionGroup var log: LogOptions

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be combined") }
        if byReplica && replica != nil { throw ValidationError("--by-replica and --replica cannot be combined") }
        if let replica, replica < 0 { throw ValidationError("--replica must be a replica index ≥ 0") }
        for (name, v) in [("--slo-ttft", sloTTFT), ("--slo-tpot", sloTPOT)] {
            if let v, !(v >= 0 && v.isFinite) { throw ValidationError("\(name) must be a non-negative number of milliseconds") }
        }
    }

    func run() throws {
        let objective = sloTTFT == nil && sloTPOT == nil ? nil : ServiceLevelObjective(ttftMs: sloTTFT, tpotMs: sloTPOT)
        if byReplica || replica != nil { return try runFleet(objective) }
        let result = try reportingErrors {
            try LogSummary.read(path: events, allowIncomplete: log.allowIncomplete, objective: objective)
        }
        warnIfUnfinished(name: eventsName, end: result.end)
        try write(json: result.renderJSON(), csv: result.renderCSV(), text: result.renderText())
    }

    /// The log's name in messages.
    private var eventsName: String { events == "-" ? "<stdin>" : events }

    /// `--by-replica` and `--replica K`.
    private func runFleet(_ objective: ServiceLevelObjective?) throws {
        let fleet = try reportingErrors {
            try FleetLogSummary.read(path: events, allowIncomplete: log.allowIncomplete, objective: objective)
        }
        warnIfUnfinished(name: eventsName, end: fleet.end)
        if let replica {
            guard replica < fleet.replicaCount else {
                printError("error: \(eventsName): --replica \(replica): the log has \(fleet.replicaCount) replica\(fleet.replicaCount == 1 ? "" : "s") (0…\(fleet.replicaCount - 1))")
                throw ExitStatus.badInput
            }
            let result = fleet.replica(replica)
            try write(json: result.renderJSON(), csv: result.renderCSV(), text: result.renderText())
            return
        }
        try write(json: fleet.renderByReplicaJSON(), csv: fleet.renderByReplicaCSV(), text: fleet.renderByReplicaText())
    }

    /// Writes the summary in the format asked for: `--json`, `--csv` or the text table (only
    /// that one is rendered).
    private func write(json: @autoclosure () -> String, csv: @autoclosure () -> String,
                       text: @autoclosure () -> String) throws {
        if self.json {
            try writeOutput(json() + "\n")
        } else if self.csv {
            try writeOutput(csv())
        } else {
            try writeOutput(text())
        }
    }
}
