import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

/// `sweep results.csv`: a sweep table sorted by cost, and its Pareto fronts.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Print a sweep table (inference-lab sweep's CSV) sorted by cost, and its Pareto fronts.",
        discussion: """
            Fronts: tokens per dollar against p99 TTFT, and output throughput per GPU against \
            p99 TPOT; a row is on a front when no other row has a lower or equal latency and a \
            larger value. `report results.csv -o sweep.html` draws them.
            """
    )

    @Argument(help: "The sweep table (CSV).")
    var table: String

    func run() throws {
        let results = try reportingErrors { try SweepResults.read(path: table) }
        try writeOutput(results.renderText())
    }
}
