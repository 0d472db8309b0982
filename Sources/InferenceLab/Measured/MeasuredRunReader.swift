/// Reads a measured run from any of the ``MeasuredFormat``s.
public enum MeasuredRunReader {
    /// Reads `path` (gzip or plain JSON; `-` for standard input) in `format`, or in the format
    /// its content shows when nil: an object with `"schema": "inference-lab.measured/1"`, an
    /// object with `successes` (inference-perf's aggregate report), another object (a vLLM
    /// bench serve result) or an array (inference-perf's per-request report).
    public static func read(path: String, format: MeasuredFormat? = nil) throws(InputError) -> MeasuredRun {
        let document = try JSONDocument.read(path: path)
        let (root, end) = try document.parse(skipping: ["generated_texts", "request", "response", "response_chunks", "extra_info", "labels"])
        let detected: MeasuredFormat
        if root.isObject && root.member("schema") != nil { detected = .measured }
        else if root.array != nil || (root.isObject && root.member("successes") != nil) { detected = .inferencePerf }
        else { detected = .vllmBench }
        let chosen = format ?? detected
        if chosen != .vllmBench && end < document.bytes.count {
            throw InputError(file: document.file, line: document.line(of: end), "unexpected content after the JSON value")
        }
        if let format, format != detected {
            throw document.error(at: root, field: nil, "not a \(format.rawValue) file (its content looks like \(detected.rawValue))")
        }
        switch chosen {
        case .measured: return try MeasuredRunFile.read(document, root: root)
        case .inferencePerf:
            if root.isObject { return try InferencePerfSummaryReader.read(document, root: root) }
            return try InferencePerfReader.read(document, root: root)
        case .vllmBench: return try VLLMBenchReader.read(document, root: root, end: end)
        }
    }
}
