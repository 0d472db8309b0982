import ArgumentParser
import InferenceLab

@main
struct InferenceLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inference-lab", abstract: "Simulate a vLLM serving node.")
    func run() throws {
        var sim = try Simulator(config: .default)
        var metrics = MetricsReducer(config: .default)
        sim.run(into: &metrics)
        let s = metrics.summary()
        print(s.completed, s.outputThroughput, s.ttft.mean, s.tpot.mean, s.steps, s.preemptions)
    }
}
