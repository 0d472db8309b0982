import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

extension MeasuredFormat: ExpressibleByArgument {}

/// `compare EVENTS MEASURED`: a simulation's client-observed outcomes against a real run's.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a run's predicted outcomes with a measured run (signed errors per metric).",
        discussion: """
            MEASURED is a `vllm bench serve` result JSON (per request with --save-detailed, else \
            its published aggregates), inference-perf's per_request_lifecycle_metrics.json or \
            summary/stage lifecycle report, or a measured-outcomes file from `inference-lab \
            convert --measured`; the format is recognised from the content (--from forces one). \
            Predicted values are the log's client-observed summary (docs/metrics.md); measured \
            ones are computed the same way from the requests (exact percentiles, pooled ITL \
            gaps). Error = predicted / measured - 1, in percent (negative: the simulator is \
            optimistic). Keys of --json: docs/fidelity.md.
            """
    )

    @Argument(help: "Event log (gzip or plain JSONL; '-' for standard input).")
    var events: String

    @Argument(help: "The measured run.")
    var measured: String

    @Option(name: .customLong("from"), help: ArgumentHelp("The measured file's format: vllm-bench, inference-perf or measured (default: recognised).", valueName: "format"))
    var from: MeasuredFormat?

    @Flag(name: .customLong("json"), help: "Print the comparison as JSON.")
    var json = false

    @OptionGroup var log: LogOptions

    func run() throws {
        if events == "-" && measured == "-" {
            printError("error: the event log and the measured run cannot both be standard input")
            throw ExitStatus.badInput
        }
        let run = try reportingErrors { try MeasuredRunReader.read(path: measured, format: from) }
        let result = try reportingErrors { try LogSummary.read(path: events, allowIncomplete: log.allowIncomplete) }
        let eventsName = events == "-" ? "<stdin>" : events
        warnIfUnfinished(name: eventsName, end: result.end)
        let comparison = OutcomeComparison(predicted: Outcomes(summary: result.summary), measured: run.outcomes())
        let count = run.requests.isEmpty ? nil : run.requests.count
        if json {
            try writeOutput(comparison.renderJSON(log: eventsName, measuredFile: run.file, source: run.source,
                                                  requests: count) + "\n")
        } else {
            var header = ["predicted: \(eventsName) (\(result.summary.completed) completed requests, client-observed)"]
            var what = "measured:  \(run.file) (\(run.source)"
            if let count { what += ", \(run.completed) of \(count) requests completed" } else { what += ", aggregates only" }
            header.append(what + ")")
            header.append("error = predicted / measured - 1")
            try writeOutput(comparison.renderText(header: header))
        }
    }
}
