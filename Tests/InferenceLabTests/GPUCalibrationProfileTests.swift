import Foundation
import Testing
@testable import InferenceLab
@testable import InferenceLabCore

/// The per-GPU calibration profiles: which config gets which step-time model, the error when
/// there is no profile, multi-model measurement files, and the profiles' accuracy on the
/// aiconfigurator data they were fitted on and on the model held out.
@Suite struct GPUCalibrationProfileTests {
    private let model = "[model]\npreset = \"llama-3.1-8b\"\nmax_seq_len = 8192\n"

    private func load(_ text: String) throws -> SimulatorConfig {
        try ConfigLoader.parse(text, file: "t.toml", configDirectory: "/nonexistent").config
    }

    private func profile(_ gpu: String) throws -> CalibrationFactors {
        try load("[hardware]\npreset = \"\(gpu)\"\n" + model + "[compute]\npreset = \"\(gpu)\"\n").compute.calibration
    }

    @Test func everyCatalogGPUHasAProfile() {
        #expect(Catalog.hardwareWithCalibrationProfiles() == Catalog.builtInNames(.hardware))
        #expect(Catalog.builtInNames(.hardware).contains("a100-sxm-40gb"))
    }

    /// A catalog GPU and no [compute] table: the GPU's profile.
    @Test func catalogGPUWithoutComputeTableIsCalibrated() throws {
        for gpu in Catalog.builtInNames(.hardware) {
            let c = try load("[hardware]\npreset = \"\(gpu)\"\n" + model)
            let expected = try profile(gpu)
            #expect(c.compute.model == .calibrated, "\(gpu)")
            #expect(c.compute.calibration == expected, "\(gpu)")
        }
    }

    /// `model = "calibrated"` with no preset and no factors: the hardware preset's profile,
    /// the file's other keys over it.
    @Test func calibratedWithoutPresetPicksTheGPUProfile() throws {
        let c = try load("[hardware]\npreset = \"l40s\"\n" + model + "[compute]\nmodel = \"calibrated\"\n")
        let l40s = try profile("l40s"), h100 = try profile("h100-sxm")
        #expect(c.compute.model == .calibrated && c.compute.calibration == l40s)
        #expect(c.compute.calibration != h100)
    }

    /// Factors written by hand are a profile of their own: no catalog profile under them.
    @Test func handWrittenFactorsStayAsWritten() throws {
        let c = try load("[hardware]\npreset = \"h100-sxm\"\n" + model
                         + "[compute]\nmodel = \"calibrated\"\nmemory_efficiency = 0.5\n")
        #expect(c.compute.calibration == CalibrationFactors(memoryEfficiency: 0.5))
        // An explicit roofline, and an explicit preset, win over the GPU's profile.
        let roofline = try load("[hardware]\npreset = \"h100-sxm\"\n" + model + "[compute]\nmodel = \"roofline\"\n")
        #expect(roofline.compute.model == .roofline)
        let named = try load("[hardware]\npreset = \"h200-sxm\"\n" + model + "[compute]\npreset = \"h100-sxm-llama-3.1-70b\"\n")
        #expect(named.compute.calibration.attentionMemoryEfficiency == 0.5521)
    }

    /// Hand-written hardware (the original's examples) keeps the roofline.
    @Test func handWrittenHardwareKeepsTheRoofline() throws {
        for name in ["config.toml", "test_blog.toml", "qwen3_30b_a3b.toml"] {
            let c = try ConfigLoader.load(path: packageRoot + "/configs/" + name).config
            #expect(c.compute.model == .roofline, "\(name)")
        }
    }

    @Test func calibratedWithoutAProfileIsAnError() {
        let hardware = "[hardware]\nname = \"Mine\"\ncompute_flops = 1e15\nmemory_bandwidth = 3e12\n"
            + "memory_capacity = 85899345920\nbytes_per_param = 2\n"
        let text = hardware + model + "[compute]\nmodel = \"calibrated\"\n"
        let error = configError(text, file: "t.toml")
        #expect(error?.field == "compute.model")
        #expect(error?.line == 11)
        #expect(error?.message.contains("GPUs with one: a100-sxm-40gb, a100-sxm-80gb, b200, h100-sxm, h200-sxm, l40s") == true)
        #expect(InputError.exitCode == 2)
    }

    @Test func measurementLinesNameTheirModel() throws {
        let jsonl = """
        {"model": "llama-3.1-8b", "phase": "decode", "context": 100, "batch": 2, "tp": 1, "ms": 6}
        {"phase": "decode", "context": 100, "batch": 2, "tp": 1, "ms": 20}
        """
        let m = try MeasurementReader.parse(jsonl, file: "m.jsonl")
        #expect(m.samples[0].model?.name == "Llama-3.1-8B" && m.samples[1].model == nil)
        let unknown = #expect(throws: InputError.self) {
            try MeasurementReader.parse(#"{"model": "llama-9", "phase": "decode", "ms": 1}"#, file: "m.jsonl")
        }
        #expect(unknown?.field == "model" && unknown?.line == 1)
        // Each sample is priced with its own model: the 8B step is far cheaper than a 70B one.
        let config = try load("[hardware]\npreset = \"h100-sxm\"\n[model]\npreset = \"llama-3.1-70b\"\n"
                              + "[scheduler]\nnum_gpu_blocks_override = 1000000\n[compute]\nmodel = \"roofline\"\n")
        let p = CalibrationFit.predict(m.samples, config: config, factors: CalibrationFactors())
        #expect(p[0] * 5 < p[1])
    }

    /// The shipped profiles on their aiconfigurator data (configs/calibration/<gpu>-vllm.jsonl):
    /// median |error| over the fitted models and over the held-out qwen3-32b. L40S is judged
    /// at TP ≤ 2, where it was fitted.
    @Test func shippedGPUProfilesAccuracy() throws {
        for gpu in ["h100-sxm", "h200-sxm", "a100-sxm-80gb", "l40s", "b200"] {
            let data = try MeasurementReader.read(path: packageRoot + "/configs/calibration/\(gpu)-vllm.jsonl")
            let samples = data.samples.filter { gpu != "l40s" || $0.tensorParallelSize <= 2 }
            let config = try load("[hardware]\npreset = \"\(gpu)\"\n" + model + "[scheduler]\nnum_gpu_blocks_override = 1000000\n")
            let predicted = CalibrationFit.predict(samples, config: config, factors: config.compute.calibration)
            var fit: [Double] = [], heldOut: [Double] = []
            for (y, s) in zip(predicted, samples) {
                let e = abs(y / s.seconds - 1)
                if s.model?.name == "Qwen3-32B" { heldOut.append(e) } else { fit.append(e) }
            }
            #expect(!heldOut.isEmpty && medianOf(fit) <= 0.07, "\(gpu) fit: \(medianOf(fit))")
            #expect(medianOf(heldOut) <= 0.15, "\(gpu) held out: \(medianOf(heldOut))")
        }
    }
}
