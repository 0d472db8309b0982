import Foundation
import Testing
@testable import InferenceLab

@Suite struct CatalogAndCalibrationTests {
    @Test func embeddedCatalogMatchesFiles() throws {
        for entry in Catalog.builtIn {
            let path = packageRoot + "/configs/\(entry.kind.folder)/\(entry.name).toml"
            let disk = try String(contentsOfFile: path, encoding: .utf8)
            #expect(disk.trimmingCharacters(in: .newlines) == entry.text, "\(path): run tools/embed-catalog.py")
        }
        for kind in Catalog.Kind.allCases {
            let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/configs/" + kind.folder)
                .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
            #expect(files == Catalog.builtInNames(kind), "\(kind.folder): run tools/embed-catalog.py")
        }
        #expect(Catalog.builtInNames(.hardware).count >= 5)
        #expect(Catalog.builtInNames(.model).count >= 7)
    }

    @Test func everyModelLoadsOnEveryHardware() throws {
        for hw in Catalog.builtInNames(.hardware) {
            for model in Catalog.builtInNames(.model) {
                let text = """
                [hardware]
                preset = "\(hw)"
                [model]
                preset = "\(model)"
                [scheduler]
                num_gpu_blocks_override = 1000000
                """
                let c = try ConfigLoader.parse(text, file: "t.toml", configDirectory: "/nonexistent").config
                #expect(c.hardware.computeFlops > 0 && c.model.numLayers > 0, "\(hw) + \(model)")
            }
        }
    }

    @Test func presetWithOverrides() throws {
        let text = """
        [hardware]
        preset = "h100-sxm"
        bytes_per_param = 1
        tensor_parallel_size = 4
        [model]
        preset = "llama-3.1-70b"
        max_seq_len = 8192
        [compute]
        preset = "h100-sxm-llama-3.1-70b"
        """
        let c = try ConfigLoader.parse(text, file: "t.toml", configDirectory: "/nonexistent").config
        #expect(c.hardware.name == "H100 SXM")
        #expect(c.hardware.computeFlops == 1979e12)  // the FP8 peak, picked by bytes_per_param
        #expect(c.hardware.memoryBandwidth == 3.35e12)
        #expect(c.hardware.tensorParallelSize == 4 && c.hardware.interconnectBandwidth == 450e9)
        #expect(c.model.maxSeqLen == 8192 && c.model.numParameters == 70.55e9)
        #expect(c.compute.model == .calibrated && c.compute.calibration.layerOverheadSeconds > 0)
        // Resolved values, with the TP keys, in the event-log header.
        let json = resolvedConfigJSON(c)
        #expect(json.contains(#""tensor_parallel_size":4,"interconnect_bandwidth":450000000000.0"#))
        #expect(json.contains(#""model":"calibrated""#))
    }

    @Test func presetErrors() {
        let unknown = configError("[hardware]\npreset = \"h100-sxn\"\n", file: "t.toml")
        #expect(unknown?.field == "hardware.preset")
        #expect(unknown?.message.contains("did you mean \"h100-sxm\"?") == true)
        #expect(unknown?.message.hasPrefix("unknown hardware preset \"h100-sxn\"; did you mean \"h100-sxm\"? Known: a100-sxm-40gb, ") == true,
                "\(String(describing: unknown))")
        let far = configError("[hardware]\npreset = \"nope\"\n", file: "t.toml")
        #expect(far?.message.hasPrefix("unknown hardware preset \"nope\"; known: a100-sxm-40gb, ") == true, "\(String(describing: far))")
        #expect(far?.message.hasSuffix("(or a path ending in .toml)") == true)
        // A100 has no FP8 peak.
        let noFP8 = configError("[hardware]\npreset = \"a100-sxm-80gb\"\nbytes_per_param = 1\n", file: "t.toml")
        #expect(noFP8?.field == "hardware.compute_flops")
    }

    @Test func presetFromConfigDirectory() throws {
        let dir = NSTemporaryDirectory() + "catalog-test-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/hardware", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        [hardware]
        name = "Mine"
        compute_flops = 1e15
        memory_bandwidth = 2e12
        memory_capacity = 85899345920
        bytes_per_param = 2
        """.write(toFile: dir + "/hardware/mine.toml", atomically: true, encoding: .utf8)
        try "[hardware]\npreset = \"mine\"\n[model]\npreset = \"llama-3.1-8b\"\nmax_seq_len = 8192\n".write(toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
        let c = try ConfigLoader.load(path: dir + "/c.toml").config
        #expect(c.hardware.name == "Mine" && c.hardware.computeFlops == 1e15)
    }

    @Test func measurementFormats() throws {
        let jsonl = """
        {"phase": "prefill", "tokens": 1024, "context": 0, "batch": 2, "tp": 4, "seconds": 0.1}
        {"phase": "decode", "context": 2000, "batch": 8, "tp": 4, "ms": 12.5}
        {"tp": 8, "isl": 1024, "osl": 128, "batch_size": 1, "mode": "agg", "ttft_ms": 100, "tpot_ms": 10}
        {"tp": 8, "isl": 1024, "osl": 128, "batch_size": 1, "mode": "static", "ttft_ms": 53, "tpot_ms": 9.9}
        """
        let m = try MeasurementReader.parse(jsonl, file: "m.jsonl")
        #expect(m.samples.count == 4 && m.skipped == 1)
        #expect(m.samples[0].batch == Array(repeating: ScheduledChunk(context: 0, tokens: 1024), count: 2))
        #expect(m.samples[1].seconds == 0.0125 && m.samples[1].batch.count == 8 && m.samples[1].batch[0].tokens == 1)
        #expect(m.samples[3].phase == .decode && m.samples[3].batch[0].context == 1088 && m.samples[3].tensorParallelSize == 8)
        let csv = "phase,tokens,context,batch,tp,seconds\nprefill,512,0,1,2,0.05\ndecode,1,100,4,2,0.01\n"
        let c = try MeasurementReader.parse(csv, file: "m.csv")
        #expect(c.samples.count == 2 && c.samples[1].batch.count == 4 && c.samples[0].tensorParallelSize == 2)
        #expect(throws: InputError.self) { try MeasurementReader.parse("{\"phase\": \"warmup\", \"seconds\": 1}", file: "m") }
    }

    /// The acceptance numbers: the shipped profile on the BF16 data it was fitted on (≤ 10 %
    /// median) and, with the FP8 peak and FP8 KV, on the FP8 rows (≤ 15 %); both files are in
    /// configs/calibration.
    @Test func shippedProfileAccuracy() throws {
        let bf16Path = packageRoot + "/configs/calibration/h100-llama31-70b-bf16.jsonl"
        let profile = "[hardware]\npreset = \"h100-sxm\"\n[model]\npreset = \"llama-3.1-70b\"\n[scheduler]\nnum_gpu_blocks_override = 1000000\n[compute]\npreset = \"h100-sxm-llama-3.1-70b\"\n"
        var config = try ConfigLoader.parse(profile, file: "t.toml", configDirectory: packageRoot + "/configs").config
        do {
            let bf16 = try MeasurementReader.read(path: bf16Path)
            #expect(bf16.samples.count == 32)
            let errors = zip(CalibrationFit.predict(bf16.samples, config: config, factors: config.compute.calibration), bf16.samples)
                .map { abs($0 / $1.seconds - 1) }
            #expect(medianOf(errors) <= 0.10)
            // Refitting reproduces the shipped profile's quality.
            let fit = CalibrationFit.fit(bf16.samples, config: config)
            #expect(medianOf(fit.absoluteRelativeErrors) <= 0.10)
        }
        config.hardware.bytesPerParam = 1
        config.hardware.computeFlops = 1979e12
        config.hardware.kvCacheBytesPerElement = 1
        let fp8 = try MeasurementReader.read(path: packageRoot + "/configs/calibration/h100-llama31-70b-fp8.jsonl")
        let errors = zip(CalibrationFit.predict(fp8.samples, config: config, factors: config.compute.calibration), fp8.samples)
            .map { abs($0 / $1.seconds - 1) }
        #expect(medianOf(errors) <= 0.15)
    }
}
