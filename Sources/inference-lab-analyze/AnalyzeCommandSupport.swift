import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

/// Warns on standard error about a log that did not end normally.
func warnIfUnfinished(name: String, end: EventLogEnd?) {
    guard let end else {
        printError("warning: \(name): no end record (incomplete log); the results cover the events read")
        return
    }
    if end.status != .complete {
        printError("warning: \(name): the run ended with status '\(end.status.rawValue)'")
    }
}

/// Options every subcommand takes.
struct LogOptions: ParsableArguments {
    @Flag(name: .customLong("allow-incomplete"), help: "Accept a log without an end record (a run that was killed).")
    var allowIncomplete = false
}
