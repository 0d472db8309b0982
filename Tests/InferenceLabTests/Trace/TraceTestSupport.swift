import Foundation
@testable import InferenceLab
import InferenceLabCore

/// The public traces (absent on some machines): the folder named by
/// `INFERENCE_LAB_PUBLIC_TRACES`, else `traces-public` in the shared folder.
let tracesPublicDirectory = ProcessInfo.processInfo.environment["INFERENCE_LAB_PUBLIC_TRACES"]
    ?? sharedDirectory + "/traces-public"
let tracesPublicPresent = FileManager.default.fileExists(atPath: tracesPublicDirectory + "/raw/AzureLLMInferenceTrace_conv.csv.gz")

/// Writes `lines` (joined with newlines, newline-terminated) to `path`; gzip for `.gz`.
func writeTrace(_ lines: [String], to path: String) throws {
    try writeOutput(lines.joined(separator: "\n") + "\n", to: path)
}

/// Every request of the trace at `path`.
func readTrace(_ path: String, skipInvalid: Bool = false) throws -> (requests: [RequestSpec], skipped: SkippedLines) {
    var reader = try TraceReader(path: path, skipInvalid: skipInvalid)
    var requests: [RequestSpec] = []
    while let r = try reader.next() { requests.append(r) }
    return (requests, reader.skipped)
}

/// The error reading the one-line trace `line` gives (written to a fresh file in `dir`).
func traceError(_ lines: [String], in dir: TemporaryDirectory, name: String = "t.jsonl") -> InputError? {
    let path = dir.file(name)
    do { try writeTrace(lines, to: path) } catch { return nil }
    return inputError { _ = try readTrace(path) }
}

/// Runs a simulation over `source` and returns its summary.
func simulate<Source: RequestSource>(_ config: SimulatorConfig, _ source: Source) throws -> (Summary, Simulator<Source>) {
    var sim = try Simulator(config: config, source: source)
    var metrics = MetricsReducer(config: config)
    sim.run(into: &metrics)
    return (metrics.summary(), sim)
}
