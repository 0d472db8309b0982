/// The formats a measured run is read from.
public enum MeasuredFormat: String, CaseIterable, Sendable {
    /// `vllm bench serve --save-result [--save-detailed]` result JSON.
    case vllmBench = "vllm-bench"
    /// inference-perf's `per_request_lifecycle_metrics.json` (per request), or its
    /// `summary_lifecycle_metrics.json` / `stage_N_lifecycle_metrics.json` (aggregates only).
    case inferencePerf = "inference-perf"
    /// This tool's measured-outcomes file (schema `inference-lab.measured/1`).
    case measured
}
