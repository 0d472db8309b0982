/// Mooncake's FAST'25 traces (`kvcache-ai/Mooncake` `FAST25-release/traces/*.jsonl`): JSONL with
/// `timestamp` (milliseconds from the trace's start), `input_length`, `output_length` and
/// `hash_ids`, the remapped ids of the prompt's 512-token blocks, which become
/// `prefix_hashes` unchanged. Replays must set `scheduler.prefix_hash_block_size = 512`.
/// Other fields are ignored.
struct MooncakeDecoder: SourceRowDecoder {
    static let keys: [StaticString] = ["timestamp", "input_length", "output_length", "hash_ids"]
    static var fieldNames: (time: String, prompt: String, output: String) { ("timestamp", "input_length", "output_length") }

    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind {
        var scanner = JSONScanner(line)
        var seen = [false, false, false, false]
        var current: String?
        row.prefixHashes.removeAll(keepingCapacity: true)
        do throws(JSONScanError) {
            try scanner.beginObject()
            var first = true
            while let k = try scanner.nextKey(first: &first, matching: Self.keys) {
                guard k >= 0 else { try scanner.skipValue(); continue }
                let name = Self.keys[k].description
                current = name
                if seen[k] { throw JSONScanError("appears twice in the line") }
                seen[k] = true
                switch k {
                case 0:
                    let ms = try scanner.readNumber()
                    guard ms.isFinite, ms >= 0 else { throw JSONScanError("must be a finite number ≥ 0 of milliseconds, got \(ms)") }
                    row.time = .milliseconds(ms)
                case 1, 2:
                    let n = try scanner.readInt()
                    guard n >= 0 && n <= Int(Int32.max) else { throw JSONScanError("out of range: \(n)") }
                    if k == 1 { row.promptTokens = n } else { row.outputTokens = n }
                default:
                    try scanner.beginArray()
                    var firstElement = true
                    while try scanner.nextElement(first: &firstElement) {
                        row.prefixHashes.append(try scanner.readUInt64())
                    }
                }
                current = nil
            }
            try scanner.expectEnd()
        } catch {
            throw TraceLineError(current, error.message)
        }
        for k in 0..<3 where !seen[k] {
            throw TraceLineError(Self.keys[k].description, "missing")
        }
        return .request
    }
}
