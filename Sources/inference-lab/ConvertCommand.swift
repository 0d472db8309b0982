import ArgumentParser
import CommandLineSupport
import InferenceLab

extension TraceFormat: ExpressibleByArgument {}

/// `inference-lab convert`: public request traces to the native trace format.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a public request trace to the native trace format.",
        discussion: """
            Formats:
              azure     CSV TIMESTAMP,ContextTokens,GeneratedTokens (Azure LLM inference traces)
              mooncake  JSONL timestamp (ms), input_length, output_length, hash_ids: replay \
            with scheduler.prefix_hash_block_size = 512
              burstgpt  CSV Timestamp,Model,Request tokens,Response tokens,...: failed requests \
            (Response tokens = 0) are dropped and counted
              vidur     CSV arrived_at,num_prefill_tokens,num_decode_tokens (vidur's processed traces)
            Arrival times become seconds since the first row, rounded to 1e-7 s. Input may be \
            gzip or plain ('-' for stdin); the output is gzip when its name ends in .gz ('-' \
            for stdout) and appears only when complete.
            """
    )

    @Option(name: .customLong("from"), help: ArgumentHelp("The input's format: azure, mooncake, burstgpt or vidur.", valueName: "format"))
    var from: TraceFormat

    @Flag(name: .customLong("skip-invalid"), help: "Skip invalid rows (counted and reported on stderr) instead of stopping with exit status 2.")
    var skipInvalid = false

    @Flag(name: [.short, .customLong("quiet")], help: "Print nothing but errors.")
    var quiet = false

    @Argument(help: ArgumentHelp("The source trace ('-' for stdin).", valueName: "in"))
    var input: String

    @Argument(help: ArgumentHelp("The native trace to write ('-' for stdout).", valueName: "out"))
    var output: String

    mutating func run() throws {
        let report = try reportingErrors {
            try TraceConverter.convert(from: from, input: input, output: output, skipInvalid: skipInvalid)
        }
        guard !quiet else { return }
        let name = input == "-" ? "<stdin>" : input
        if let skipped = report.skipped.report(file: name) { printError(skipped) }
        for (reason, count) in report.dropped { printError("dropped \(count) \(reason)") }
        printError("converted \(report.written) requests from \(name) (\(from.rawValue)) to \(output == "-" ? "<stdout>" : output)")
    }
}
