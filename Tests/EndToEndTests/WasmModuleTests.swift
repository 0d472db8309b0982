import Foundation
import Testing

/// The WebAssembly build (tools/wasm/build.sh) against the native tool: the original's three
/// example configs run under node give byte-identical summary JSON.
///
/// Building the module takes a minute or two, so this test does not build it: it runs when
/// `out/web/inference-lab.wasm` exists and is newer than every source it is built from, and
/// is skipped with a message otherwise. CI (`.ci/run`) builds the module and runs
/// `tools/wasm/test.sh` itself.
@Suite struct WasmModuleTests {
    static let module = Tool.packageRoot.appendingPathComponent("out/web/inference-lab.wasm")

    static let node: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/node" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Why the test cannot run, or nil.
    static let obstacle: String? = {
        guard node != nil else { return "node is not installed: WebAssembly comparison skipped" }
        let fm = FileManager.default
        guard let built = (try? fm.attributesOfItem(atPath: module.path))?[.modificationDate] as? Date else {
            return "out/web/inference-lab.wasm is absent (build it with tools/wasm/build.sh): WebAssembly comparison skipped"
        }
        let sources = ["Sources/InferenceLabCore", "Sources/InferenceLabWasm", "tools/wasm/runtime.c"]
        for source in sources {
            let url = Tool.packageRoot.appendingPathComponent(source)
            let files = fm.enumerator(atPath: url.path).map { $0.compactMap { $0 as? String }.map { url.appendingPathComponent($0).path } } ?? [url.path]
            for f in files {
                if let d = (try? fm.attributesOfItem(atPath: f))?[.modificationDate] as? Date, d > built {
                    return "out/web/inference-lab.wasm is older than \(f) (rebuild it with tools/wasm/build.sh): WebAssembly comparison skipped"
                }
            }
        }
        return nil
    }()

    @Test(.enabled(if: obstacle == nil, Comment(rawValue: obstacle ?? "")))
    func exampleSummariesEqualTheCLIs() throws {
        let result = try Tool.runProgram(URL(fileURLWithPath: Self.node!), [
            "tools/wasm/test-wasm.mjs", Self.module.path, Tool.binDirectory.appendingPathComponent("inference-lab").path,
            "configs/config.toml", "configs/test_blog.toml", "configs/qwen3_30b_a3b.toml"])
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == 3, "\(output)")
    }
}
