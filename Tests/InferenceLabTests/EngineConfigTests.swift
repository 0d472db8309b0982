import Foundation
import Testing
@testable import InferenceLab

/// The `[engine]` table: profiles by vLLM version, overrides, vLLM's scheduler defaults and the
/// error paths (each naming file, line and key).
@Suite struct EngineConfigTests {
    /// `baseConfig` without its two scheduler budget lines, plus `engine` at the end
    /// ([engine] is line 35, its first key line 36).
    func withEngine(_ engine: String, keepBudgets: Bool = false) -> String {
        var text = baseConfig
        if !keepBudgets {
            text = text.replacingOccurrences(of: "max_num_batched_tokens = 8192\n", with: "# budget left out\n")
            text = text.replacingOccurrences(of: "max_num_seqs = 256\n", with: "# seqs left out\n")
        }
        return text + "\n" + engine
    }

    @Test func versionLoadsTheShippedProfile() throws {
        let loaded = try ConfigLoader.parse(withEngine("[engine]\nvllm_version = \"0.15.1\""), file: "t.toml")
        let e = loaded.config.engine
        #expect(e.vllmVersion == "0.15.1")
        #expect(e.isActive)
        let profile = try #require(Catalog.builtIn.first { $0.kind == .engine && $0.name == "vllm-0.15.1" })
        #expect(profile.text.contains("api_request_seconds = "))
        // Every cost is physically plausible: under 100 ms per request, under 10 ms per step.
        #expect(e.apiRequestSeconds >= 0 && e.apiRequestSeconds < 0.1)
        #expect(e.stepSeconds >= 0 && e.stepSeconds < 0.01)
    }

    @Test func explicitKeysOverrideTheProfile() throws {
        let loaded = try ConfigLoader.parse(withEngine("[engine]\nvllm_version = \"0.15.1\"\nstep_seconds = 0.25"), file: "t.toml")
        #expect(loaded.config.engine.stepSeconds == 0.25)
        #expect(loaded.config.engine.vllmVersion == "0.15.1")
    }

    @Test func versionBringsVLLMSchedulerDefaults() throws {
        // H100-class (80 GiB, not an A100): vllm serve's 8192 tokens and 1024 sequences.
        let h100 = try ConfigLoader.parse(withEngine("[engine]\nvllm_version = \"0.15.1\""), file: "t.toml").config
        #expect(h100.scheduler.maxNumBatchedTokens == 8192 && h100.scheduler.maxNumSeqs == 1024)
        // An A100 keeps the smaller defaults.
        let a100Text = withEngine("[engine]\nvllm_version = \"0.15.1\"").replacingOccurrences(of: "name = \"H100\"", with: "name = \"A100 SXM 80GB\"")
        let a100 = try ConfigLoader.parse(a100Text, file: "t.toml").config
        #expect(a100.scheduler.maxNumBatchedTokens == 2048 && a100.scheduler.maxNumSeqs == 256)
        // Values the file gives win.
        let given = try ConfigLoader.parse(withEngine("[engine]\nvllm_version = \"0.15.1\"", keepBudgets: true), file: "t.toml").config
        #expect(given.scheduler.maxNumBatchedTokens == 8192 && given.scheduler.maxNumSeqs == 256)
        // Without a version nothing changes: the simulator's own defaults.
        let plain = try ConfigLoader.parse(withEngine(""), file: "t.toml").config
        #expect(plain.scheduler.maxNumBatchedTokens == 8192 && plain.scheduler.maxNumSeqs == 256)
        #expect(!plain.engine.isActive && plain.engine.vllmVersion == nil)
    }

    @Test func versionBringsVLLMAsyncSchedulingDefault() throws {
        // baseConfig leaves async_scheduling out: vLLM 0.15.1 schedules asynchronously by default.
        let v15 = try ConfigLoader.parse(withEngine("[engine]\nvllm_version = \"0.15.1\""), file: "t.toml").config
        #expect(v15.scheduler.asyncScheduling)
        // Given in the file, the file wins.
        let off = withEngine("[engine]\nvllm_version = \"0.15.1\"")
            .replacingOccurrences(of: "[scheduler]\n", with: "[scheduler]\nasync_scheduling = false\n")
        #expect(off.contains("async_scheduling = false"))
        #expect(try !ConfigLoader.parse(off, file: "t.toml").config.scheduler.asyncScheduling)
        // Without a version: the simulator's default, off.
        #expect(try !ConfigLoader.parse(withEngine(""), file: "t.toml").config.scheduler.asyncScheduling)
    }

    @Test(arguments: [("0.15.1", true), ("0.12.0", true), ("0.12", true), ("1.0.0", true), ("0.11.0", false),
                      ("0.11.2", false), ("0.9.2", false), ("0.8.3", false), ("nightly", true)])
    func asyncSchedulingDefaultByVersion(version: String, expected: Bool) {
        #expect(VLLMDefaults.asyncSchedulingByDefault(version: version) == expected)
    }

    @Test func unknownVersionListsTheProfiles() throws {
        let error = try #require(configError(withEngine("[engine]\nvllm_version = \"9.9\"")))
        #expect(error.file == "t.toml")
        #expect(error.line == 36, "\(error)")
        #expect(error.field == "engine.vllm_version", "\(error)")
        #expect(error.message.contains("vllm-9.9"), "\(error)")
        #expect(error.message.contains("\"0.15.1\""), "\(error)")
    }

    @Test(arguments: ["api_request_seconds", "api_prompt_token_seconds", "api_output_token_seconds",
                      "step_seconds", "step_request_seconds", "step_token_seconds"])
    func negativeCostIsAnError(_ key: String) throws {
        let error = try #require(configError(withEngine("[engine]\n\(key) = -0.001")))
        #expect(error.line == 36, "\(error)")
        #expect(error.field == "engine.\(key)", "\(error)")
        #expect(error.message.contains("≥ 0"), "\(error)")
    }

    @Test func unknownKeyIsAnError() throws {
        let error = try #require(configError(withEngine("[engine]\nstep_secs = 0.001")))
        #expect(error.line == 36, "\(error)")
        #expect(error.message.contains("step_seconds"), "\(error)")
    }

    @Test func headerCarriesTheEngineOnlyWhenPresent() throws {
        let plain = try ConfigLoader.parse(withEngine(""), file: "t.toml").config
        #expect(!resolvedConfigJSON(plain).contains("\"engine\""))
        let engine = try ConfigLoader.parse(withEngine("[engine]\nstep_seconds = 0.002"), file: "t.toml").config
        #expect(resolvedConfigJSON(engine).contains(#""engine":{"api_request_seconds":0.0,"#))
    }
}
