import InferenceLabCore

/// The summary's CSV form (``SummaryJSON`` itself, with the key list and the JSON form, is in
/// the core, shared with the WebAssembly build).
extension SummaryJSON {
    /// The summary as CSV: a header row of keys and one row of values.
    public static func renderCSV(_ s: Summary) -> String {
        renderCSV(fields: fields(s))
    }

    /// Any key/value list as a CSV header row and one row of values.
    public static func renderCSV(fields f: [(String, Double)]) -> String {
        return f.map(\.0).joined(separator: ",") + "\n" + f.map { JSONText.number($0.1) }.joined(separator: ",") + "\n"
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
}
