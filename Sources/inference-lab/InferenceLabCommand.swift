import ArgumentParser
import InferenceLab

@main
struct InferenceLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inference-lab",
        abstract: "Simulate a vLLM serving node: latency and throughput without a GPU.",
        version: "inference-lab \(InferenceLabVersion.string)",
        subcommands: [SimulateCommand.self, GenerateCommand.self, ConvertCommand.self, CheckTraceCommand.self],
        defaultSubcommand: SimulateCommand.self
    )
}
