import ArgumentParser
import CommandLineSupport
import InferenceLab

/// `inference-lab generate`: freeze the configured synthetic workload as a trace file.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the configured synthetic workload as a trace file.",
        discussion: """
            The trace holds exactly the requests that `simulate` generates for the same config \
            and seed, so replaying it (`--trace`, or arrival_pattern = "trace") with the same \
            config gives the same results. Closed-loop workloads cannot be written as a trace \
            (their arrivals depend on completions).
            """
    )

    @Option(name: [.short, .customLong("config")], help: "TOML config file (default: the built-in configs/config.toml).")
    var config: String?

    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Override [workload] seed.")
    var seed: UInt64?

    @Option(name: .customLong("max-requests"), parsing: .unconditional, help: ArgumentHelp("Override [workload] num_requests.", valueName: "n"))
    var maxRequests: Int?

    @Argument(help: ArgumentHelp("The trace to write: gzip JSONL when the name ends in .gz, '-' for stdout.", valueName: "out"))
    var out: String

    mutating func run() throws {
        if let maxRequests, maxRequests <= 0 {
            printError("error: --max-requests must be a positive integer, got \(maxRequests)")
            throw ExitStatus.badInput
        }
        let count = try reportingErrors { () throws -> Int in
            var loaded = try config.map { try ConfigLoader.load(path: $0) } ?? LoadedConfig(config: .default)
            for w in loaded.warnings { printError(w) }
            if let seed { loaded.config.workload.seed = seed }
            if let maxRequests { loaded.config.workload.numRequests = maxRequests }
            if let error = loaded.config.validate().first(where: { $0.severity == .error }) { throw error }
            do {
                return try TraceGenerator.write(config: loaded.config, to: out)
            } catch let issue as ConfigIssue {
                throw ConfigLoader.locate(issue, path: config)  // an arrival time that is not finite
            }
        }
        if out != "-" { printError("wrote \(count) requests to \(out)") }
    }
}
