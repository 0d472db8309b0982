/// The fields of one trace line, as written (before the checks that span lines).
struct TraceLine {
    var arrivalTime = 0.0
    var promptTokens = 0
    var outputTokens = 0
    /// `request_id` when the line has one.
    var requestID: String?
    var priority = 0
    var prefixHashes: [UInt64] = []
    /// `session_id` as a ``SessionKey`` (nil when absent).
    var sessionKey: UInt64?
    /// `turn` (nil when absent).
    var turn: Int?
}

/// What is wrong with one line: the field (nil when the line is not a JSON object at all)
/// and a message.
struct TraceLineError: Error {
    var field: String?
    var message: String
    init(_ field: String?, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// Parses one line of a native trace (traces/README.md) with ``JSONScanner``: no Foundation, and no
/// allocation for the keys, the numbers or the line itself.
///
/// Accepted: `{"arrival_time": number, "prompt_tokens": int, "output_tokens": int}` with
/// optional `"request_id": string`, `"priority": int`, `"session_id": string or int`,
/// `"turn": int` and `"prefix_hashes": [int, …]`, in any order, plus any other fields (skipped,
/// after checking their syntax). `null` for an optional field means "absent". Checks that
/// need only this line are made here:
/// - `arrival_time` is a finite number ≥ 0 (JSON has no NaN or infinity; a literal too large
///   for a `Double` reads as infinity and is refused);
/// - `prompt_tokens` and `output_tokens` are integers in 1…2³¹−1, `priority` in Int32's range;
/// - `prefix_hashes` entries are integers in 0…2⁶⁴−1 (hashes, so the full unsigned range);
/// - `session_id` is a non-empty UTF-8 string or an integer in 0…2⁶³−1 (``SessionKey``);
///   `turn` an integer in 0…2³¹−1, and only on a line with a `session_id`;
/// - no field appears twice.
enum TraceLineParser {
    /// Field names, in the order of ``Field``.
    static let keys: [StaticString] = [
        "arrival_time", "prompt_tokens", "output_tokens", "request_id", "priority", "prefix_hashes",
        "session_id", "turn",
    ]

    private enum Field: Int {
        case arrivalTime, promptTokens, outputTokens, requestID, priority, prefixHashes, sessionID, turn
        var name: String { TraceLineParser.keys[rawValue].description }
    }

    /// Parses `bytes` into `line` (whose `prefixHashes` storage is reused).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into line: inout TraceLine) throws(TraceLineError) {
        if parseWriterLayout(bytes, into: &line) { return }
        try parseGeneral(bytes, into: &line)
    }

    /// Any layout: keys in any order, unknown keys, whitespace, escapes, `null`s.
    static func parseGeneral(_ bytes: UnsafeBufferPointer<UInt8>, into line: inout TraceLine) throws(TraceLineError) {
        var scanner = JSONScanner(bytes)
        var seen: UInt8 = 0
        var current: Field? = nil
        line.requestID = nil
        line.priority = 0
        line.sessionKey = nil
        line.turn = nil
        line.prefixHashes.removeAll(keepingCapacity: true)
        do {
            guard scanner.peek() == UInt8(ascii: "{") else {
                throw TraceLineError(nil, "expected a JSON object ('{'), found \(describeValue(&scanner))")
            }
            try scanner.beginObject()
            var first = true
            while let k = try scanner.nextKey(first: &first, matching: keys) {
                guard let field = Field(rawValue: k) else {
                    try scanner.skipValue()
                    continue
                }
                current = field
                let bit: UInt8 = 1 << UInt8(k)
                if seen & bit != 0 { throw TraceLineError(field.name, "appears twice in the line") }
                seen |= bit
                switch field {
                case .arrivalTime:
                    let t = try number(&scanner, field)
                    guard t.isFinite else { throw TraceLineError(field.name, "must be a finite number of seconds, got \(t)") }
                    guard t >= 0 else { throw TraceLineError(field.name, "must be ≥ 0, got \(t)") }
                    line.arrivalTime = t
                case .promptTokens, .outputTokens:
                    let n = try integer(&scanner, field)
                    guard n >= 1 else { throw TraceLineError(field.name, "must be a positive number of tokens, got \(n)") }
                    guard n <= Int(Int32.max) else {
                        throw TraceLineError(field.name, "out of range: \(n) (at most \(Int32.max))")
                    }
                    if field == .promptTokens { line.promptTokens = n } else { line.outputTokens = n }
                case .requestID:
                    if try scanner.takeNull() { continue }
                    guard scanner.peek() == UInt8(ascii: "\"") else {
                        throw TraceLineError(field.name, "expected a string, got \(describeValue(&scanner))")
                    }
                    line.requestID = try text(&scanner, field)
                case .priority:
                    if try scanner.takeNull() { continue }
                    let p = try integer(&scanner, field)
                    guard p >= Int(Int32.min) && p <= Int(Int32.max) else {
                        throw TraceLineError(field.name, "out of range: \(p) (Int32: \(Int32.min)…\(Int32.max))")
                    }
                    line.priority = p
                case .sessionID:
                    if try scanner.takeNull() { continue }
                    if scanner.peek() == UInt8(ascii: "\"") {
                        line.sessionKey = SessionKey.of(utf8: try text(&scanner, field).utf8)
                    } else {
                        let c = scanner.peek()
                        guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
                            throw TraceLineError(field.name, "expected a string or a non-negative integer, got \(describeValue(&scanner))")
                        }
                        let n = try integer(&scanner, field, atMost: Int.max)
                        guard n >= 0 else { throw TraceLineError(field.name, "must be ≥ 0 (or a string), got \(n)") }
                        line.sessionKey = SessionKey.of(integer: n)
                    }
                case .turn:
                    if try scanner.takeNull() { continue }
                    let n = try integer(&scanner, field)
                    guard n >= 0 && n <= Int(Int32.max) else {
                        throw TraceLineError(field.name, "must be in 0…\(Int32.max), got \(n)")
                    }
                    line.turn = n
                case .prefixHashes:
                    if try scanner.takeNull() { continue }
                    guard scanner.peek() == UInt8(ascii: "[") else {
                        throw TraceLineError(field.name, "expected a list of non-negative integers, got \(describeValue(&scanner))")
                    }
                    try scanner.beginArray()
                    var firstElement = true
                    while try scanner.nextElement(first: &firstElement) {
                        let c = scanner.peek()
                        guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
                            throw TraceLineError(field.name, "entry \(line.prefixHashes.count): expected a non-negative integer, got \(describeValue(&scanner))")
                        }
                        do throws(JSONScanError) {
                            line.prefixHashes.append(try scanner.readUInt64())
                        } catch {
                            throw TraceLineError(field.name, "entry \(line.prefixHashes.count): \(error.message)")
                        }
                    }
                }
                current = nil
            }
            try scanner.expectEnd()
        } catch let error as TraceLineError {
            throw error
        } catch let error as JSONScanError {
            throw TraceLineError(current?.name, error.message)
        } catch {
            throw TraceLineError(current?.name, "\(error)")
        }
        for required in [Field.arrivalTime, .promptTokens, .outputTokens] where seen & (1 << UInt8(required.rawValue)) == 0 {
            throw TraceLineError(required.name, "missing (required on every line)")
        }
        if line.turn != nil && line.sessionKey == nil {
            throw TraceLineError(Field.turn.name, "needs a session_id on the same line (a turn counts within its session)")
        }
    }

    /// A non-empty string of valid UTF-8 text (the scanner is at its opening quote).
    private static func text(_ scanner: inout JSONScanner, _ field: Field) throws -> String {
        let quote = scanner.index
        let text = try scanner.readString()
        guard !text.isEmpty else { throw TraceLineError(field.name, "must not be empty") }
        // Escapes are ASCII, so the raw bytes are valid UTF-8 exactly when the text is.
        let raw = UnsafeBufferPointer(rebasing: scanner.bytes[quote..<scanner.index])
        if raw.contains(where: { $0 >= 0x80 }), String(validating: raw, as: UTF8.self) == nil {
            throw TraceLineError(field.name, "is not valid UTF-8 text")
        }
        return text
    }

    /// A number, with a message naming what was found instead.
    private static func number(_ scanner: inout JSONScanner, _ field: Field) throws(TraceLineError) -> Double {
        try checkNumberStart(&scanner, field, "a number")
        let start = scanner.index
        let t: Double
        do throws(JSONScanError) { t = try scanner.readNumber() } catch {
            throw TraceLineError(field.name, error.message)
        }
        try checkNumberEnd(&scanner, from: start, field, "a number")
        return t
    }

    /// Refuses a value that does not start like a number (`"12"`, `true`, …), naming what was
    /// `expected` and what was found.
    private static func checkNumberStart(_ scanner: inout JSONScanner, _ field: Field,
                                         _ expected: String) throws(TraceLineError) {
        let c = scanner.peek()
        guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
            throw TraceLineError(field.name, "expected \(expected), got \(describeValue(&scanner))")
        }
    }

    /// Refuses a number literal followed by more of a word (`0x10`, `12abc`), which the
    /// number reader stops short of: the whole word is quoted as not a valid JSON number.
    private static func checkNumberEnd(_ scanner: inout JSONScanner, from start: Int, _ field: Field,
                                       _ expected: String) throws(TraceLineError) {
        var end = scanner.index
        while end < scanner.bytes.count {
            let c = scanner.bytes[end]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x09 { break }
            end += 1
        }
        guard end > scanner.index else { return }
        throw TraceLineError(field.name, "expected \(expected), got '\(shortened(scanner.text(start..<end)))' (not a valid JSON number)")
    }

    /// An integer literal, with a message naming what was found instead (`12.5`, `"12"`, …).
    private static func integer(_ scanner: inout JSONScanner, _ field: Field,
                                atMost: Int = Int(Int32.max)) throws(TraceLineError) -> Int {
        try checkNumberStart(&scanner, field, "an integer")
        let start = scanner.index
        let n: Int
        do throws(JSONScanError) { n = try scanner.readInt() } catch {
            scanner.index = start
            let shown = (try? scanner.skipValue()).map { scanner.text($0) } ?? "?"
            if error.message.hasPrefix("integer out of range") {
                throw TraceLineError(field.name, "out of range: \(shortened(shown)) (at most \(atMost))")
            }
            throw TraceLineError(field.name, "expected an integer, got \(shortened(shown))")
        }
        try checkNumberEnd(&scanner, from: start, field, "an integer")
        return n
    }

    /// The text of the value at the scanner (consumed), shortened for messages; or a
    /// description of what is there when it is not a value.
    private static func describeValue(_ scanner: inout JSONScanner) -> String {
        if scanner.peek() == 0 { return "the end of the line" }
        let start = scanner.index
        if let span = try? scanner.skipValue() { return shortened(scanner.text(span)) }
        scanner.index = start
        var end = start
        while end < scanner.bytes.count && end - start < 20 {
            let c = scanner.bytes[end]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { break }
            end += 1
        }
        return "'\(scanner.text(start..<max(end, start + 1)))'"
    }

    private static func shortened(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(37)) + "..."
    }
}
