import ArgumentParser
import InferenceLabAnalysis

@main
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inference-lab-analyze", abstract: "Analyse inference-lab event logs.")
}
