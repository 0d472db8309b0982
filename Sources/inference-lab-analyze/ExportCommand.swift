import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

/// `export EVENTS --requests FILE.csv [--steps FILE.csv]`: the log as CSV tables.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write per-request and per-step CSV tables.",
        discussion: """
            requests: \(LogExport.requestColumns.joined(separator: ", ")) — one row per finished or \
            rejected request, in the order they leave the log (then, for an incomplete log, the \
            unfinished ones). Times in simulated seconds, latencies in ms; empty cells for times \
            never reached and for the TPOT of one-token requests.
            steps: \(LogExport.stepColumns.joined(separator: ", ")) — preempted and finished are counts.
            Files are written under a temporary name and renamed when complete; '-' is standard \
            output; a name ending in .gz is gzip-compressed.
            """
    )

    @Argument(help: "Event log (gzip or plain JSONL; '-' for standard input).")
    var events: String

    @Option(name: .customLong("requests"), help: ArgumentHelp("Requests CSV to write.", valueName: "file.csv"))
    var requests: String

    @Option(name: .customLong("steps"), help: ArgumentHelp("Steps CSV to write.", valueName: "file.csv"))
    var steps: String?

    @Flag(name: [.short, .customLong("quiet")], help: "Print nothing but errors.")
    var quiet = false

    @OptionGroup var log: LogOptions

    func run() throws {
        if let steps, let clash = OutputClash.find([.init("--requests \(requests)", requests), .init("--steps \(steps)", steps)]) {
            printError("error: \(clash)")
            throw ExitStatus.badInput
        }
        let counts = try reportingErrors {
            try LogExport.run(path: events, requestsPath: requests, stepsPath: steps, allowIncomplete: log.allowIncomplete)
        }
        warnIfUnfinished(name: events == "-" ? "<stdin>" : events, end: counts.end)
        if !quiet {
            var text = "wrote \(counts.requests) requests to \(requests == "-" ? "<stdout>" : requests)"
            if let steps { text += ", \(counts.steps) steps to \(steps == "-" ? "<stdout>" : steps)" }
            printError(text)
        }
    }
}
