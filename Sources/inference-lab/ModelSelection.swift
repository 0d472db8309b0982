import ArgumentParser
import CommandLineSupport
import InferenceLab

/// The hardware/model selection shared by `calibrate` and `steptime`.
struct ModelSelection: ParsableArguments {
    @Option(name: [.short, .customLong("config")], help: "A TOML config file to take [hardware], [model] and [compute] from.")
    var config: String?

    @Option(name: .customLong("hardware"), help: "Hardware preset (see `inference-lab catalog`); default h100-sxm.")
    var hardware: String?

    @Option(name: .customLong("model"), help: "Model preset (see `inference-lab catalog`); default llama-3.1-70b.")
    var model: String?

    @Option(name: .customLong("profile"), help: "Calibration profile preset or .toml path for the calibrated model.")
    var profile: String?

    @Option(name: .customLong("bytes-per-param"), parsing: .unconditional, help: "Weight bytes (1 = FP8 with the FP8 peak, 2 = BF16).")
    var bytesPerParam: Int?

    @Option(name: .customLong("kv-bytes"), parsing: .unconditional, help: "KV-cache bytes per element (default: bytes-per-param).")
    var kvBytes: Int?

    /// The configuration: the file, or a config made of the presets. The KV pool is not
    /// needed to price steps, so the generated one fixes its size (a model need not fit).
    func resolve() throws -> SimulatorConfig {
        try reportingErrors { () throws(InputError) -> SimulatorConfig in
            var config: SimulatorConfig
            if let path = self.config {
                let loaded = try ConfigLoader.load(path: path)
                for w in loaded.warnings { printError(w) }
                config = loaded.config
                if let profile {
                    config.compute = try ConfigLoader.parse("[compute]\npreset = \(quoted(profile))\n",
                                                            file: "--profile", configDirectory: ".").config.compute
                }
            } else {
                var text = "[hardware]\npreset = \(quoted(hardware ?? "h100-sxm"))\n"
                if let bytesPerParam { text += "bytes_per_param = \(bytesPerParam)\n" }
                text += "[model]\npreset = \(quoted(model ?? "llama-3.1-70b"))\n"
                text += "[scheduler]\nnum_gpu_blocks_override = 1000000\n"
                // Without --profile the plain roofline, not the GPU's profile: a fit starts from
                // its own defaults, whatever profiles the catalog has.
                text += profile.map { "[compute]\npreset = \(quoted($0))\n" } ?? "[compute]\nmodel = \"roofline\"\n"
                config = try ConfigLoader.parse(text, file: "<command line>", configDirectory: ".").config
            }
            if let bytesPerParam, self.config != nil { config.hardware.bytesPerParam = bytesPerParam }
            if let kvBytes { config.hardware.kvCacheBytesPerElement = kvBytes }
            return config
        }
    }
}
