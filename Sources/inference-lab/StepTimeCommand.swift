import ArgumentParser
import CommandLineSupport
import InferenceLab

/// `inference-lab steptime`: predicted prefill and decode step times, side by side.
struct StepTimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steptime",
        abstract: "Print predicted prefill and decode step times: roofline and calibrated side by side.",
        discussion: """
            Prefill: BATCH prompts of --prompt tokens computed in one step (context 0). Decode: \
            one token for each of BATCH requests holding --context tokens. The calibrated \
            column uses the config's [compute] factors when it selects model = "calibrated", \
            else --profile (default: the shipped h100-sxm-llama-3.1-70b profile).
            """
    )

    @OptionGroup var selection: ModelSelection

    @Option(name: .customLong("tp"), parsing: .unconditional, help: "Tensor-parallel degree (default: the config's, else 1).")
    var tp: Int?

    @Option(name: .customLong("batch"), parsing: .upToNextOption, help: "Batch sizes, one or more (e.g. --batch 1 8 32).")
    var batch: [Int] = [1, 8, 32, 128]

    @Option(name: .customLong("prompt"), parsing: .unconditional, help: "Prompt tokens per request for prefill.")
    var prompt: Int = 1024

    @Option(name: .customLong("context"), parsing: .unconditional, help: "Cached tokens per request for decode.")
    var context: Int = 1024

    mutating func run() throws {
        var config = try selection.resolve()
        if let tp { config.hardware.tensorParallelSize = tp }
        if config.compute.model != .calibrated {
            let profile = selection.profile ?? "h100-sxm-llama-3.1-70b"
            config.compute = try reportingErrors { () throws(InputError) in
                try ConfigLoader.parse("[compute]\npreset = \(quoted(profile))\n", file: "--profile", configDirectory: ".").config.compute
            }
        }
        if let issue = config.validate().first(where: {
            $0.severity == .error && ($0.key.hasPrefix("hardware.") || $0.key.hasPrefix("compute.") || $0.key == "model.num_heads")
                && $0.key != "hardware.memory_capacity" && $0.key != "hardware.kv_cache_capacity" }) {
            printError("error: \(issue)")
            throw ExitStatus.badInput
        }
        guard batch.allSatisfy({ $0 > 0 }), prompt > 0, context >= 0 else {
            printError("error: --batch and --prompt must be positive, --context non-negative")
            throw ExitStatus.badInput
        }
        // Token counts are 32-bit in the scheduler (and in vLLM).
        let largest = Int(Int32.max)
        if let size = (batch + [prompt, context]).first(where: { $0 > largest }) {
            printError("error: --batch, --prompt and --context must be at most \(largest), got \(size)")
            throw ExitStatus.badInput
        }
        let roofline = Roofline(config)
        let calibrated = CalibratedRoofline(config)
        let h = config.hardware
        var out = "\(config.model.name) on \(h.tensorParallelSize) × \(h.name), "
        out += "\(h.bytesPerParam == 1 ? "FP8" : h.bytesPerParam == 2 ? "BF16" : "\(h.bytesPerParam)-byte") weights, "
        out += "peak \(fixed(h.computeFlops / 1e12, 1)) TFLOP/s, \(fixed(h.memoryBandwidth / 1e12, 2)) TB/s per GPU\n"
        out += "prefill: batch × \(prompt) prompt tokens; decode: batch × 1 token at context \(context)\n"
        out += "batch  prefill_roofline_ms  prefill_calibrated_ms  decode_roofline_ms  decode_calibrated_ms\n"
        for b in batch {
            // Priced without building batches of b chunks (b may be 2³¹−1).
            let p = roofline.terms(of: ScheduledChunk(context: 0, tokens: prompt), count: b)
            let d = roofline.terms(of: ScheduledChunk(context: context, tokens: 1), count: b)
            out += padded(String(b), 5)
            out += padded(fixed(roofline.seconds(p) * 1000, 2), 21)
            out += padded(fixed(calibrated.seconds(p) * 1000, 2), 23)
            out += padded(fixed(roofline.seconds(d) * 1000, 3), 20)
            out += padded(fixed(calibrated.seconds(d) * 1000, 3), 22) + "\n"
        }
        try writeOutput(out)
    }
}
