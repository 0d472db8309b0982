/// Reads measured step times for `inference-lab calibrate`.
///
/// Three layouts, recognised per file:
///
/// - **JSONL, one step per line**: `{"phase": "prefill"|"decode", "tokens": n, "context": c,
///   "batch": b, "tp": t, "seconds": s}` (or `"ms"` instead of `"seconds"`): `batch`
///   requests, each computing `tokens` new tokens on top of `context` cached ones (decode:
///   tokens = 1). `tp` defaults to 1, `context` to 0, `batch` to 1, `tokens` to 1 for decode.
/// - **JSONL in aiconfigurator's layout** (`configs/calibration/*.jsonl`: `tp`, `isl`, `osl`,
///   `batch_size`, `mode`, `ttft_ms`, `tpot_ms`): each `mode = "static"` line gives a prefill
///   step (`batch_size` prompts of `isl` tokens at context 0, `ttft_ms`) and a decode step
///   (`batch_size` requests at context isl + osl/2, the middle of the averaged range,
///   `tpot_ms`). Other modes are skipped (their TTFT includes queueing).
/// - **CSV** with a header naming the JSONL keys above (`phase,tokens,context,batch,tp,seconds`).
///
/// A step line (or CSV column) may name the model that ran, `"model": "llama-3.1-8b"`: a catalog
/// model preset (or a `.toml` path relative to the file), so that one file can hold
/// several models; lines without one use the configured model.
public enum MeasurementReader {
    /// The samples and how many lines were skipped (non-static aiconfigurator rows).
    public struct Measurements: Sendable {
        public var samples: [CalibrationSample]
        public var skipped: Int
    }

    /// Reads the measurements at `path`; with `attentionHeads`, every `tp` must divide it
    /// (as `tensor_parallel_size` must divide the model's heads).
    public static func read(path: String, attentionHeads: Int? = nil) throws(InputError) -> Measurements {
        let text: String
        switch ConfigFileReader.readText(path: path) {
        case .success(let t): text = t
        case .failure(let f): throw InputError(file: path, message: f.message)
        }
        return try parse(text, file: path, attentionHeads: attentionHeads)
    }

    public static func parse(_ text: String, file: String, attentionHeads: Int? = nil) throws(InputError) -> Measurements {
        var result = Measurements(samples: [], skipped: 0)
        var models: [String: ModelConfig] = [:]
        var header: [String]?
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            var fields: [String: Value] = [:]
            if line.first == "{" {
                fields = try parseObject(String(line), file: file, line: lineNumber)
            } else if let names = header {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingSpaces }
                guard cells.count == names.count else {
                    throw InputError(file: file, line: lineNumber, "expected \(names.count) comma-separated fields, got \(cells.count)")
                }
                for (name, cell) in zip(names, cells) {
                    fields[name] = Double(cell).map(Value.number) ?? .string(cell)
                }
            } else {
                header = line.split(separator: ",").map { $0.trimmingSpaces.lowercased() }
                continue
            }
            let before = result.samples.count
            try append(fields, file: file, line: lineNumber, attentionHeads: attentionHeads, to: &result)
            // (aiconfigurator's own rows name a Hugging Face id there: not a catalog model.)
            if case .string(let name)? = fields["model"], result.samples.count > before,
               fields["isl"] == nil && fields["ttft_ms"] == nil {
                let model = try resolveModel(name, file: file, line: lineNumber, cache: &models)
                for i in before..<result.samples.count { result.samples[i].model = model }
            }
        }
        if result.samples.isEmpty {
            throw InputError(file: file, "no measurements found (expected JSONL or CSV steps; see inference-lab calibrate --help)")
        }
        return result
    }

    enum Value { case number(Double), string(String) }

    /// The catalog model `name` (a preset name or a `.toml` path relative to `file`).
    private static func resolveModel(_ name: String, file: String, line: Int,
                                     cache: inout [String: ModelConfig]) throws(InputError) -> ModelConfig {
        if let hit = cache[name] { return hit }
        let entry: Catalog.Entry
        switch Catalog.find(.model, named: name, configDirectory: Catalog.directory(of: file)) {
        case .success(let e): entry = e
        case .failure(let f): throw InputError(file: file, line: line, field: "model", f.message)
        }
        // The model alone: a KV pool large enough that no catalog model fails validation.
        let text = entry.text + "\n[scheduler]\nnum_gpu_blocks_override = 1000000\n"
        let model: ModelConfig
        do {
            model = try ConfigLoader.parse(text, file: entry.source, configDirectory: Catalog.directory(of: file)).config.model
        } catch {
            throw InputError(file: file, line: line, field: "model", "model \"\(name)\": \(error.message)")
        }
        cache[name] = model
        return model
    }

    private static func append(_ f: [String: Value], file: String, line: Int, attentionHeads: Int?,
                               to result: inout Measurements) throws(InputError) {
        func number(_ key: String, default value: Double? = nil) throws(InputError) -> Double {
            switch f[key] {
            case .number(let x)?: return x
            case .string(let s)?: throw InputError(file: file, line: line, field: key, "expected a number, got \"\(s)\"")
            case nil:
                if let value { return value }
                throw InputError(file: file, line: line, field: key, "is required")
            }
        }
        func count(_ key: String, default value: Int? = nil) throws(InputError) -> Int {
            let x = try number(key, default: value.map(Double.init))
            guard x >= 0, x == x.rounded(), x < 1e9 else {
                throw InputError(file: file, line: line, field: key, "must be a non-negative integer, got \(x)")
            }
            return Int(x)
        }
        /// The tensor-parallel degree: ≥ 1 and dividing the attention heads (vLLM's rule).
        func tensorParallel() throws(InputError) -> Int {
            let tp = try count("tp", default: 1)
            guard tp >= 1 else { throw InputError(file: file, line: line, field: "tp", "must be a positive integer, got \(tp)") }
            if let heads = attentionHeads, heads > 0, heads % tp != 0 {
                throw InputError(file: file, line: line, field: "tp", "(\(tp)) must divide model.num_heads (\(heads)), as vLLM requires")
            }
            return tp
        }
        if f["ttft_ms"] != nil || f["isl"] != nil {
            if case .string(let mode)? = f["mode"], mode != "static" { result.skipped += 1; return }
            let tp = try tensorParallel(), b = try count("batch_size"), isl = try count("isl"), osl = try count("osl")
            let ttft = try number("ttft_ms"), tpot = try number("tpot_ms")
            result.samples.append(CalibrationSample(phase: .prefill, tensorParallelSize: tp, requests: b, tokens: isl,
                                                    context: 0, seconds: ttft / 1000, label: "line \(line) prefill"))
            result.samples.append(CalibrationSample(phase: .decode, tensorParallelSize: tp, requests: b, tokens: 1,
                                                    context: isl + osl / 2, seconds: tpot / 1000, label: "line \(line) decode"))
            return
        }
        guard case .string(let phaseName)? = f["phase"], let phase = CalibrationSample.Phase(rawValue: phaseName.lowercased()) else {
            throw InputError(file: file, line: line, field: "phase", "must be \"prefill\" or \"decode\"")
        }
        let seconds = f["seconds"] != nil ? try number("seconds") : try number("ms") / 1000
        guard seconds > 0 && seconds.isFinite else {
            throw InputError(file: file, line: line, field: "seconds", "must be a positive time, got \(seconds)")
        }
        let tokens = try count("tokens", default: phase == .decode ? 1 : nil)
        result.samples.append(CalibrationSample(
            phase: phase, tensorParallelSize: try tensorParallel(), requests: try count("batch", default: 1),
            tokens: tokens, context: try count("context", default: 0), seconds: seconds, label: "line \(line) \(phase.rawValue)"))
    }

    private static func parseObject(_ line: String, file: String, line number: Int) throws(InputError) -> [String: Value] {
        var bytes = Array(line.utf8)
        do {
            return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(JSONScanError) -> [String: Value] in
                var scanner = JSONScanner(UnsafeBufferPointer(buffer))
                var fields: [String: Value] = [:]
                try scanner.beginObject()
                var first = true
                while let key = try scanner.nextKey(first: &first) {
                    let next = scanner.peek()
                    if next == UInt8(ascii: "\"") {
                        fields[key] = .string(try scanner.readString())
                    } else if next == UInt8(ascii: "-") || (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) {
                        fields[key] = .number(try scanner.readNumber())
                    } else {
                        _ = try scanner.skipValue()
                    }
                }
                try scanner.expectEnd()
                return fields
            }
        } catch {
            throw InputError(file: file, line: number, "not a JSON object: \(error.message)")
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
