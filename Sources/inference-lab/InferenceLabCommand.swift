import ArgumentParser
import CommandLineSupport
import InferenceLab

@main
struct InferenceLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference-lab",
        abstract: "Simulate a vLLM serving node: latency and throughput without a GPU.",
        discussion: """
            Exit status: 0 success; 1 a write failed; 2 bad input or usage (the message names the \
            file, line and field); 3 the run could not finish (a request that can never be \
            scheduled); 129 / 130 / 143 interrupted by SIGHUP / SIGINT / SIGTERM (simulate \
            closes the event log with status "interrupted"; other commands remove their \
            unfinished outputs).
            """,
        version: "inference-lab \(InferenceLabVersion.string)",
        subcommands: [SimulateCommand.self, GenerateCommand.self, ConvertCommand.self, CheckTraceCommand.self,
                      CatalogCommand.self, StepTimeCommand.self, CalibrateCommand.self, SweepCommand.self],
        defaultSubcommand: SimulateCommand.self
    )

    /// Like ArgumentParser's `main()`, but a usage error exits with status 2 (as bad input
    /// does), not 64.
    static func main() { mainReportingUsageErrorsAsBadInput() }
}
