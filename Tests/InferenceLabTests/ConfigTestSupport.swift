import Foundation
@testable import InferenceLab

/// The package root, found from this file's path (Tests/InferenceLabTests/<file>).
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Data kept outside the repository, in the folder named by `INFERENCE_LAB_SHARED`, else in
/// `shared/` beside the package's directory (absent on some machines: the tests that need it
/// are skipped there).
let sharedDirectory = ProcessInfo.processInfo.environment["INFERENCE_LAB_SHARED"]
    ?? URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path

/// The original inference-lab's configs, in the shared folder.
let seedConfigDirectory = sharedDirectory + "/reference/seed-configs"
let seedConfigsPresent = FileManager.default.fileExists(atPath: seedConfigDirectory + "/config.toml")

/// The error `text` fails with, or `nil` if it loads.
func configError(_ text: String, file: String = "t.toml") -> InputError? {
    do {
        _ = try ConfigLoader.parse(text, file: file)
        return nil
    } catch {
        return error
    }
}

/// A complete, valid config in the shape of configs/config.toml, used as a base for variations.
/// Line numbers: [hardware] 1, [model] 8, [scheduler] 16, [workload] 22, input dist 27,
/// output dist 31.
let baseConfig = """
[hardware]
name = "H100"
compute_flops = 1.513e15
memory_bandwidth = 3.35e12
memory_capacity = 85899345920
kv_cache_capacity = 68719476736
bytes_per_param = 2
[model]
name = "Llama-3-70B"
num_parameters = 70000000000
num_layers = 80
hidden_dim = 8192
num_heads = 64
num_kv_heads = 8
max_seq_len = 8192
[scheduler]
max_num_batched_tokens = 8192
max_num_seqs = 256
policy = "fcfs"
enable_chunked_prefill = true
block_size = 16
[workload]
arrival_pattern = "poisson"
arrival_rate = 5.0
num_requests = 400
seed = 42
[workload.input_len_dist]
type = "lognormal"
mean = 6.9
std_dev = 0.7
[workload.output_len_dist]
type = "lognormal"
mean = 5.3
std_dev = 0.8
"""

/// `baseConfig` with the line that starts with `prefix` replaced by `replacement`
/// (or removed when `replacement` is `nil`).
func base(replacing prefix: String, with replacement: String?) -> String {
    var lines = baseConfig.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let index = lines.firstIndex { $0.hasPrefix(prefix) }!
    if let replacement { lines[index] = replacement } else { lines.remove(at: index) }
    return lines.joined(separator: "\n")
}

/// Writes `bytes` to a new temporary file and returns its path.
func temporaryFile(bytes: [UInt8], name: String = "config.toml") -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("inference-lab-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try! Data(bytes).write(to: url)
    return url.path
}
