/// A client-observed outcome of a serving run, compared between a simulation and a measurement
/// (`inference-lab-analyze compare`, `inference-lab calibrate --end-to-end`).
///
/// The raw value is the metric's key in `compare --json` and in the measured-outcomes file; the
/// latency keys are the summary's ([docs/metrics.md](../../../docs/metrics.md)).
public enum OutcomeMetric: String, CaseIterable, Sendable, Hashable {
    case meanTTFT = "mean_ttft_ms"
    case p50TTFT = "p50_ttft_ms"
    case p90TTFT = "p90_ttft_ms"
    case p99TTFT = "p99_ttft_ms"
    case meanITL = "mean_itl_ms"
    case p50ITL = "p50_itl_ms"
    case p99ITL = "p99_itl_ms"
    case meanTPOT = "mean_tpot_ms"
    case p50TPOT = "p50_tpot_ms"
    case p99TPOT = "p99_tpot_ms"
    case meanE2E = "mean_e2el_ms"
    case p50E2E = "p50_e2el_ms"
    case p90E2E = "p90_e2el_ms"
    case p99E2E = "p99_e2el_ms"
    /// (mean E2E − mean TTFT) / (mean output tokens − 1): the inter-token time of the
    /// validation harness (tools/validate), computed alike on both sides.
    case decodeITL = "decode_itl_ms"
    case outputThroughput = "output_throughput"
    case requestThroughput = "request_throughput"
    case duration = "duration"

    /// The label in the text table.
    public var label: String {
        switch self {
        case .meanTTFT: return "TTFT mean (ms)"
        case .p50TTFT: return "TTFT p50 (ms)"
        case .p90TTFT: return "TTFT p90 (ms)"
        case .p99TTFT: return "TTFT p99 (ms)"
        case .meanITL: return "ITL mean (ms)"
        case .p50ITL: return "ITL p50 (ms)"
        case .p99ITL: return "ITL p99 (ms)"
        case .meanTPOT: return "TPOT mean (ms)"
        case .p50TPOT: return "TPOT p50 (ms)"
        case .p99TPOT: return "TPOT p99 (ms)"
        case .meanE2E: return "E2E mean (ms)"
        case .p50E2E: return "E2E p50 (ms)"
        case .p90E2E: return "E2E p90 (ms)"
        case .p99E2E: return "E2E p99 (ms)"
        case .decodeITL: return "Decode ITL (ms)"
        case .outputThroughput: return "Output tokens/s"
        case .requestThroughput: return "Requests/s"
        case .duration: return "Duration (s)"
        }
    }

    /// A label of at most 12 characters, for the columns of the calibration report.
    public var shortLabel: String {
        switch self {
        case .meanTTFT: return "TTFT mean"
        case .p50TTFT: return "TTFT p50"
        case .p90TTFT: return "TTFT p90"
        case .p99TTFT: return "TTFT p99"
        case .meanITL: return "ITL mean"
        case .p50ITL: return "ITL p50"
        case .p99ITL: return "ITL p99"
        case .meanTPOT: return "TPOT mean"
        case .p50TPOT: return "TPOT p50"
        case .p99TPOT: return "TPOT p99"
        case .meanE2E: return "E2E mean"
        case .p50E2E: return "E2E p50"
        case .p90E2E: return "E2E p90"
        case .p99E2E: return "E2E p99"
        case .decodeITL: return "decode ITL"
        case .outputThroughput: return "output tok/s"
        case .requestThroughput: return "req/s"
        case .duration: return "duration"
        }
    }

    /// The metrics of the end-to-end calibration objective, those of `tools/validate/fit_engine.py`:
    /// TTFT mean/p90/p99, E2E mean/p90/p99, the decode ITL and the request throughput.
    public static let objective: [OutcomeMetric] = [
        .meanTTFT, .p90TTFT, .p99TTFT, .meanE2E, .p90E2E, .p99E2E, .decodeITL, .requestThroughput,
    ]
}
