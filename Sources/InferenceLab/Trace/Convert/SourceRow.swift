/// One request of a source trace, in the source's units, before it becomes a native line.
struct SourceRow {
    /// A timestamp as the source gives it; only differences from the first row matter.
    enum Time {
        /// Wall-clock nanoseconds (exact integer arithmetic for differences).
        case nanoseconds(Int64)
        case milliseconds(Double)
        case seconds(Double)
    }

    var time = Time.seconds(0)
    var promptTokens = 0
    var outputTokens = 0
    var prefixHashes: [UInt64] = []
}

/// What a decoder made of one line.
enum SourceLineKind {
    /// A request, now in the row.
    case request
    /// A header or other line that carries no request.
    case header
    /// A valid row the format says to leave out (e.g. BurstGPT's failed requests); the
    /// reason is counted and reported, not an error.
    case dropped(reason: String)
}

/// Decodes the lines of one source format (one type per format).
protocol SourceRowDecoder {
    /// The source's names of the time, prompt-length and output-length fields, for messages.
    static var fieldNames: (time: String, prompt: String, output: String) { get }

    /// Decodes `line` (number `lineNumber`, 1-based) into `row`.
    /// - Throws: ``TraceLineError`` naming the source's field.
    mutating func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into row: inout SourceRow) throws(TraceLineError) -> SourceLineKind
}

/// Reading the values of CSV fields and JSON sources, with messages naming the field.
enum SourceValue {
    /// A token count: a non-negative integer (`374`, or an integral `374.0` as pandas writes).
    static func tokens(_ b: UnsafeBufferPointer<UInt8>, field: String) throws(TraceLineError) -> Int {
        guard !b.isEmpty else { throw TraceLineError(field, "empty (expected a number of tokens)") }
        var n = 0
        var i = 0
        while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
            n = n * 10 + Int(b[i] - 0x30)
            guard n <= Int(Int32.max) else { throw TraceLineError(field, "out of range: \(text(b)) (at most \(Int32.max))") }
            i += 1
        }
        if i > 0 && i < b.count && b[i] == UInt8(ascii: ".") {
            var j = i + 1
            while j < b.count && b[j] == UInt8(ascii: "0") { j += 1 }
            if j == b.count { return n }
        }
        guard i == b.count && i > 0 else {
            if b[0] == UInt8(ascii: "-") { throw TraceLineError(field, "must be ≥ 0, got \(text(b))") }
            throw TraceLineError(field, "expected an integer number of tokens, got \(text(b))")
        }
        return n
    }

    /// A number in JSON's grammar (`12`, `0.5`, `1e3`), finite.
    static func number(_ b: UnsafeBufferPointer<UInt8>, field: String) throws(TraceLineError) -> Double {
        guard !b.isEmpty else { throw TraceLineError(field, "empty (expected a number)") }
        var scanner = JSONScanner(b)
        let v: Double
        do throws(JSONScanError) {
            v = try scanner.readNumber()
            try scanner.expectEnd()
        } catch {
            throw TraceLineError(field, "expected a number, got \(text(b))")
        }
        guard v.isFinite else { throw TraceLineError(field, "must be finite, got \(text(b))") }
        return v
    }

    /// The bytes as text for a message, shortened.
    static func text(_ b: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: b, as: UTF8.self)
        return s.count <= 40 ? "\"\(s)\"" : "\"\(s.prefix(37))...\""
    }
}
