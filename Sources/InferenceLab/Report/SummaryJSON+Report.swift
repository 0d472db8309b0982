import InferenceLabCore

/// The summary's CSV form (``SummaryJSON`` itself, with the key list and the JSON form, is in
/// the core, shared with the WebAssembly build).
extension SummaryJSON {
    /// The summary as CSV: a header row of keys and one row of values.
    public static func renderCSV(_ s: Summary) -> String {
        renderCSV(fields: fields(s))
    }

    /// Any key/value list as a CSV header row and one row of values; a value that is not a
    /// finite number (a latency without samples) is an empty field.
    public static func renderCSV(fields f: [(String, Double)]) -> String {
        return f.map(\.0).joined(separator: ",") + "\n"
            + f.map { $0.1.isFinite ? JSONText.number($0.1) : "" }.joined(separator: ",") + "\n"
    }

    /// The JSON object of `fields`, followed, when trace lines were skipped as invalid, by
    /// `skipped_lines` (their count) and `skipped_reasons` (the first few errors as text).
    public static func render(fields f: [(String, Double)], skippedLines: Int, skippedReasons: [String],
                              pretty: Bool = true) -> String {
        var entries = f.map { ($0.0, JSONText.number($0.1)) }
        if skippedLines > 0 {
            entries.append(("skipped_lines", String(skippedLines)))
            entries.append(("skipped_reasons", "[" + skippedReasons.map(JSONText.string).joined(separator: pretty ? ", " : ",") + "]"))
        }
        return render(entries: entries, pretty: pretty)
    }

    /// The summary's JSON object with the trace lines `skipped` (see
    /// ``render(fields:skippedLines:skippedReasons:pretty:)``).
    public static func render(_ s: Summary, skipped: SkippedLines) -> String {
        render(fields: fields(s), skippedLines: skipped.count, skippedReasons: skipped.firstReasons.map { "\($0)" })
    }
}

/// The string half of the JSON text helpers (``JSONText/number(_:)`` is in the core).
extension JSONText {
    /// A string literal with JSON escapes (the event-log writer's escaping).
    public static func string(_ s: String) -> String {
        var buffer = ByteBuffer(capacity: s.utf8.count + 2)
        buffer.appendJSONString(s)
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// The inside of a JSON array or object laid out one entry per line: each of `entries`
    /// on a new line after `indent`, separated by commas; empty when there are none.
    public static func lines(_ entries: [String], indent: String) -> String {
        var out = ""
        for (i, entry) in entries.enumerated() { out += (i == 0 ? "\n" : ",\n") + indent + entry }
        return out
    }
}
