import ArgumentParser
import CommandLineSupport
import InferenceLab

/// `inference-lab check-trace`: read a whole trace, report its shape or its first error.
struct CheckTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-trace",
        abstract: "Validate a trace file and print its size, span, rate and mean lengths.",
        discussion: "Exit status 0 when every line is valid (or skipped with --skip-invalid), 2 at the first bad line or when there is no request."
    )

    @Flag(name: .customLong("skip-invalid"), help: "Skip invalid lines (counted and reported) instead of stopping at the first.")
    var skipInvalid = false

    @Argument(help: ArgumentHelp("The trace ('-' for stdin).", valueName: "file"))
    var file: String

    mutating func run() throws {
        let started = wallSeconds()
        var reader = try reportingErrors { try TraceReader(path: file, skipInvalid: skipInvalid) }
        var count = 0, hashed = 0
        var first = 0.0, last = 0.0
        var prompt = 0, output = 0
        var inSessions = 0
        var sessions = Set<UInt64>()
        try reportingErrors {
            while let r = try reader.next() {
                if count == 0 { first = r.arrivalTime }
                last = r.arrivalTime
                count += 1
                prompt += r.promptTokens
                output += r.outputTokens
                if !r.prefixHashes.isEmpty { hashed += 1 }
                if let key = r.sessionKey {
                    inSessions += 1
                    sessions.insert(key)
                }
            }
        }
        let seconds = wallSeconds() - started
        if let report = reader.skipped.report(file: reader.name) { printError(report) }
        if count == 0 {
            printError("error: \(TraceSource.noRequests(reader))")
            throw ExitStatus.badInput
        }
        let span = last - first
        var text = "\(reader.name): \(count) requests"
        if count > 0 {
            text += ", arrivals \(first) s to \(last) s (span \(span) s"
            text += span > 0 ? ", \(Double(count) / span) req/s)" : ")"
            text += "\n  mean prompt \(Double(prompt) / Double(count)) tokens, mean output \(Double(output) / Double(count)) tokens"
            text += "\n  \(hashed) requests with prefix_hashes"
            if inSessions > 0 { text += "\n  \(inSessions) requests in \(sessions.count) sessions" }
        }
        let lines = count + reader.skipped.count
        text += "\n  read in \(seconds) s (\(Int(Double(lines) / max(seconds, 1e-9))) lines/s)\n"
        try writeOutput(text)
    }
}
