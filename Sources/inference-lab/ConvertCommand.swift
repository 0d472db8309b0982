import ArgumentParser
import CommandLineSupport
import InferenceLab

/// What `convert --from` names: a public trace format, or a benchmark result format.
enum ConvertSource: ExpressibleByArgument {
    case trace(TraceFormat)
    case measured(MeasuredFormat)

    init?(argument: String) {
        if let f = TraceFormat(rawValue: argument) { self = .trace(f) }
        else if let f = MeasuredFormat(rawValue: argument), f != .measured { self = .measured(f) }
        else { return nil }
    }

    static var allValueStrings: [String] {
        TraceFormat.allCases.map(\.rawValue) + [MeasuredFormat.vllmBench.rawValue, MeasuredFormat.inferencePerf.rawValue]
    }

    var name: String {
        switch self {
        case .trace(let f): return f.rawValue
        case .measured(let f): return f.rawValue
        }
    }
}

/// `inference-lab convert`: public request traces and benchmark results to the native trace format.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a public request trace, or a benchmark's results, to the native trace format.",
        discussion: """
            Formats:
              azure     CSV TIMESTAMP,ContextTokens,GeneratedTokens (Azure LLM inference traces)
              mooncake  JSONL timestamp (ms), input_length, output_length, hash_ids: replay \
            with scheduler.prefix_hash_block_size = 512
              burstgpt  CSV Timestamp,Model,Request tokens,Response tokens,...: failed requests \
            (Response tokens = 0) are dropped and counted
              vidur     CSV arrived_at,num_prefill_tokens,num_decode_tokens (vidur's processed traces)
              vllm-bench      `vllm bench serve --save-result --save-detailed` result JSON
              inference-perf  inference-perf's per_request_lifecycle_metrics.json
            Arrival times become seconds since the first row, rounded to 1e-7 s. Input may be \
            gzip or plain ('-' for stdin); the output is gzip when its name ends in .gz ('-' \
            for stdout) and appears only when complete.
            Benchmark results: the successful requests become the trace (request_id = the \
            request's position in the file, arrival = its send time); --measured also writes \
            what the client measured (schema inference-lab.measured/1, docs/fidelity.md), for \
            `inference-lab-analyze compare` and `inference-lab calibrate --end-to-end`. A vLLM \
            result without start_times is replayable as it is only at request_rate inf without \
            --max-concurrency (every request at t = 0); --redraw-arrivals draws send times from its \
            request_rate and burstiness instead (seeded by --seed; not the measured instants).
            """
    )

    @Option(name: .customLong("from"), help: ArgumentHelp("The input's format: azure, mooncake, burstgpt, vidur, vllm-bench or inference-perf.", valueName: "format"))
    var from: ConvertSource

    @Flag(name: .customLong("skip-invalid"), help: "Skip invalid rows (counted and reported on stderr) instead of stopping with exit status 2 (trace formats).")
    var skipInvalid = false

    @Option(name: .customLong("measured"), help: ArgumentHelp("vllm-bench, inference-perf: also write the measured outcomes (JSON) here.", valueName: "file"))
    var measured: String?

    @Flag(name: .customLong("redraw-arrivals"), help: "vllm-bench without start_times: draw send times from request_rate and burstiness.")
    var redrawArrivals = false

    @Option(name: .customLong("seed"), parsing: .unconditional, help: "Seed of --redraw-arrivals (default 42).")
    var seed: UInt64 = 42

    @Flag(name: [.short, .customLong("quiet")], help: "Print nothing but errors.")
    var quiet = false

    @Argument(help: ArgumentHelp("The source trace or result file ('-' for stdin).", valueName: "in"))
    var input: String

    @Argument(help: ArgumentHelp("The native trace to write ('-' for stdout).", valueName: "out"))
    var output: String

    mutating func run() throws {
        let format: TraceFormat
        switch from {
        case .measured(let f): return try convertMeasured(f)
        case .trace(let f): format = f
        }
        if measured != nil || redrawArrivals {
            printError("error: --measured and --redraw-arrivals apply to --from vllm-bench and inference-perf")
            throw ExitStatus.badInput
        }
        let report = try reportingErrors {
            try TraceConverter.convert(from: format, input: input, output: output, skipInvalid: skipInvalid)
        }
        guard !quiet else { return }
        let name = input == "-" ? "<stdin>" : input
        if let skipped = report.skipped.report(file: name) { printError(skipped) }
        for (reason, count) in report.dropped { printError("dropped \(count) \(reason)") }
        printError("converted \(report.written) requests from \(name) (\(format.rawValue)) to \(output == "-" ? "<stdout>" : output)")
    }

    private func convertMeasured(_ format: MeasuredFormat) throws {
        if skipInvalid {
            printError("error: --skip-invalid applies to the trace formats, not \(format.rawValue)")
            throw ExitStatus.badInput
        }
        var outputs: [OutputClash.Output] = [.init("out \(output)", output)]
        if let measured { outputs.append(.init("--measured \(measured)", measured)) }
        if let clash = OutputClash.find(outputs) {
            printError("error: \(clash)")
            throw ExitStatus.badInput
        }
        let run = try reportingErrors { () throws(InputError) -> MeasuredRun in
            var run = try MeasuredRunReader.read(path: input, format: format)
            try run.prepareForReplay(redraw: redrawArrivals, seed: seed)
            return run
        }
        let requests = run.traceRequests()
        try reportingErrors {
            let writer = try TraceWriter(path: output)
            do {
                for r in requests {
                    try writer.append(arrivalTime: r.arrivalTime, promptTokens: r.promptTokens,
                                      outputTokens: r.outputTokens, requestID: r.id)
                }
                if let measured { try MeasuredRunFile.write(run, to: measured) }
                try writer.commit()
            } catch {
                writer.abort()
                throw error
            }
        }
        guard !quiet else { return }
        let name = input == "-" ? "<stdin>" : input
        if let note = run.arrivalNote { printError("arrivals: \(note)") }
        var line = "converted \(requests.count) requests from \(name) (\(format.rawValue)) to \(output == "-" ? "<stdout>" : output)"
        if let measured { line += " and \(measured)" }
        printError(line)
    }
}
