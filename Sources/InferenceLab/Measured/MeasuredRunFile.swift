/// The measured-outcomes file, schema `inference-lab.measured/1`: one JSON object holding a
/// measured run (its requests one per line), written by `inference-lab convert --from
/// vllm-bench|inference-perf ... --measured FILE` and read by `compare` and `calibrate
/// --end-to-end`. The layout is described in docs/fidelity.md ("Observe, replay, calibrate").
///
/// ```
/// {"schema": "inference-lab.measured/1",
///  "source": "vllm-bench", "source_file": "result.json", "arrivals": "measured",
///  "request_rate": 4, "burstiness": 1, "max_concurrency": null, "reported_duration": 61.2,
///  "outcomes": {"mean_ttft_ms": 41.5, ...},
///  "published": {"mean_ttft_ms": 41.5, ...},
///  "requests": [
///   {"id": "0", "start_time": 0, "input_tokens": 512, "output_tokens": 128, "ttft": 0.0415, "e2e": 1.93, "itls": [0.0149, ...], "error": null},
///   ...
///  ]}
/// ```
public enum MeasuredRunFile {
    public static let schema = "inference-lab.measured/1"

    /// The file's text.
    public static func render(_ run: MeasuredRun) -> String {
        func optional(_ x: Double?) -> String { x.map(JSONText.number) ?? "null" }
        func outcomes(_ o: Outcomes) -> String {
            let entries = OutcomeMetric.allCases.compactMap { m in o[m].map { "\(JSONText.string(m.rawValue)): \(JSONText.number($0))" } }
            return "{" + entries.joined(separator: ", ") + "}"
        }
        var out = "{\"schema\": \(JSONText.string(schema)),\n"
        out += " \"source\": \(JSONText.string(run.source)), \"source_file\": \(JSONText.string(run.file)),"
        out += " \"arrivals\": \(JSONText.string(run.arrivalNote ?? (run.hasStartTimes ? "measured" : "none"))),\n"
        out += " \"request_rate\": \(optional(run.requestRate)), \"burstiness\": \(optional(run.burstiness)),"
        out += " \"max_concurrency\": \(run.maxConcurrency.map(String.init) ?? "null"),"
        out += " \"reported_duration\": \(optional(run.reportedDuration)),\n"
        out += " \"outcomes\": \(outcomes(run.outcomes())),\n"
        out += " \"published\": \(outcomes(run.published)),\n"
        out += " \"requests\": [" + JSONText.lines(run.requests.map { r in
            "{\"id\": \(JSONText.string(r.id)), \"start_time\": \(optional(r.startTime)),"
                + " \"input_tokens\": \(r.inputTokens), \"output_tokens\": \(r.outputTokens),"
                + " \"ttft\": \(optional(r.ttft)), \"e2e\": \(optional(r.e2e)),"
                + " \"itls\": [" + r.itls.map(JSONText.number).joined(separator: ", ") + "],"
                + " \"error\": \(r.error.map(JSONText.string) ?? "null")}"
        }, indent: "  ")
        out += "\n ]}\n"
        return out
    }

    /// Writes `run` to `path` atomically (`-` for standard output).
    public static func write(_ run: MeasuredRun, to path: String) throws {
        let file = try OutputFile(path: path, compression: .automatic)
        do {
            var buffer = ByteBuffer(capacity: 1 << 16)
            for b in render(run).utf8 { buffer.append(b) }
            try file.write(buffer)
            try file.commit()
        } catch {
            file.abort()
            throw error
        }
    }

    static func read(_ document: JSONDocument, root: JSONNode) throws(InputError) -> MeasuredRun {
        let check = JSONFieldChecks(document: document)
        let schemaNode = try check.required(root, "schema")
        guard schemaNode.string == schema else {
            throw check.error(schemaNode, "schema", "expected \"\(schema)\", got \(schemaNode.string.map { "\"\($0)\"" } ?? schemaNode.typeName)")
        }
        var run = MeasuredRun(source: root.member("source")?.string ?? MeasuredFormat.measured.rawValue,
                              file: root.member("source_file")?.string ?? document.file, requests: [])
        if let note = root.member("arrivals")?.string, note != "measured", note != "none" { run.arrivalNote = note }
        run.requestRate = try check.optionalNumber(root, "request_rate")
        run.burstiness = try check.optionalNumber(root, "burstiness")
        if let c = root.member("max_concurrency") { run.maxConcurrency = try check.count(c, "max_concurrency") }
        run.reportedDuration = try check.optionalNumber(root, "reported_duration")
        if let p = root.member("published") {
            guard case .object(let members) = p.value else { throw check.error(p, "published", "expected an object, got \(p.typeName)") }
            for (key, node) in members {
                guard let metric = OutcomeMetric(rawValue: key) else { continue }
                run.published[metric] = try check.number(node, "published.\(key)")
            }
        }
        let requests = try check.array(try check.required(root, "requests"), "requests")
        for (i, r) in requests.enumerated() {
            guard r.isObject else { throw check.error(r, "requests[\(i)]", "expected an object, got \(r.typeName)") }
            let idNode = try check.required(r, "id")
            guard let id = idNode.string, !id.isEmpty else { throw check.error(idNode, "id", "expected a non-empty string") }
            var itls: [Double] = []
            if let a = r.member("itls") {
                for (k, g) in try check.array(a, "itls").enumerated() { itls.append(try check.nonNegative(g, "itls[\(k)]")) }
            }
            var error: String? = nil
            if let e = r.member("error") {
                guard let text = e.string else { throw check.error(e, "error", "expected a string or null, got \(e.typeName)") }
                error = text
            }
            run.requests.append(MeasuredRequest(
                id: id, startTime: try r.member("start_time").map { n throws(InputError) in try check.nonNegative(n, "start_time") },
                inputTokens: try check.count(try check.required(r, "input_tokens"), "input_tokens"),
                outputTokens: try check.count(try check.required(r, "output_tokens"), "output_tokens"),
                ttft: try r.member("ttft").map { n throws(InputError) in try check.nonNegative(n, "ttft") },
                itls: itls,
                e2e: try r.member("e2e").map { n throws(InputError) in try check.nonNegative(n, "e2e") },
                error: error))
        }
        return run
    }
}
