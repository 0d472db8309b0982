import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

@main
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference-lab-analyze",
        abstract: "Analyse inference-lab event logs (schema \(EventLogSchema.current)).",
        discussion: """
            Every command reads a gzip or plain JSONL event log written by `inference-lab --events`, \
            or standard input for '-', in one streaming pass. Exit status: 0 success, 1 a write \
            failed (or a diff --fail-if condition holds), 2 bad input or usage, 128 + the signal \
            when stopped by SIGHUP, SIGINT or SIGTERM (unfinished outputs are removed).
            """,
        version: "inference-lab-analyze \(InferenceLabVersion.string)",
        subcommands: [SummaryCommand.self, DiffCommand.self, CompareCommand.self, ExportCommand.self, ReportCommand.self, SweepCommand.self]
    )

    /// Like ArgumentParser's `main()`, but a usage error exits with status 2 (as bad input
    /// does), not 64.
    static func main() { mainReportingUsageErrorsAsBadInput() }
}
