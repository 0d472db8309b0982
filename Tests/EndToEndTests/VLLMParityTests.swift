import Foundation
import Testing

/// Step-by-step parity with vLLM's real V1 scheduler (docs/scheduler.md §11):
/// `tools/vllm_parity.py --quick` replays traces through the simulator (linear step-time
/// model) and through vLLM 0.33's own Scheduler/AsyncScheduler on CPU (the reference harness,
/// kept outside the repository), and requires every step's batch, preemptions, finishes, KV
/// use and start time to be identical.
///
/// Runs where the harness and its venv exist and is skipped elsewhere (CI machines without
/// the 2 GB venv). The full matrix is `python3 tools/vllm_parity.py`.
@Suite struct VLLMParityTests {
    /// The harness: `$VLLM_REFERENCE_DIR`, else `shared/tools/vllm-reference` beside the
    /// repository's directory.
    static let reference: URL = {
        if let dir = ProcessInfo.processInfo.environment["VLLM_REFERENCE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return Tool.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
            .appendingPathComponent("tools").appendingPathComponent("vllm-reference")
    }()
    static let venvPython: String = {
        let env = ProcessInfo.processInfo.environment
        if let p = env["VLLM_REF_PYTHON"] { return p }
        let venv = env["VLLM_REF_VENV"] ?? (NSHomeDirectory() + "/.cache/vllm-reference-venv")
        return venv + "/bin/python"
    }()
    static var referenceAvailable: Bool {
        FileManager.default.fileExists(atPath: reference.appendingPathComponent("compare.py").path)
            && FileManager.default.isExecutableFile(atPath: venvPython)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    @Test(.enabled(if: referenceAvailable, "vLLM reference harness (VLLM_REFERENCE_DIR) or its venv not found: parity run skipped"))
    func quickMatrixIsStepIdentical() throws {
        let result = try Tool.runProgram(URL(fileURLWithPath: "/usr/bin/python3"), [
            Tool.packageRoot.appendingPathComponent("tools/vllm_parity.py").path, "--quick",
            "--bin", Tool.binDirectory.appendingPathComponent("inference-lab").path,
            "--reference", Self.reference.path])
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        #expect(output.contains("4/4 cases identical"), "\(output)")
    }
}
