/// One JSON value of a whole file, as a tree, with the byte offset where each value starts (for
/// error messages naming the line).
///
/// The measured-run importers read whole documents (a `vllm bench serve` result object, an
/// inference-perf array of request records), unlike the line-at-a-time trace and event-log
/// readers. Large text fields that the importers never use (`generated_texts`, an
/// inference-perf record's `request` and `response`) are skipped, not stored. Python's
/// `json.dump` writes `NaN`, `Infinity` and `-Infinity` for non-finite floats; they are
/// accepted as numbers.
indirect enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    /// Keys in file order (duplicates kept; ``JSONNode/member(_:)`` takes the last, as
    /// Python's `json` does).
    case object([(key: String, node: JSONNode)])
    /// A value the parser skipped (one of the ignored keys); its syntax was checked.
    case skipped
}

extension JSONValue {
    var isNull: Bool { if case .null = self { return true } else { return false } }
}
