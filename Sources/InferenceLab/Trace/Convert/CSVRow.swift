/// Splits one CSV line into fields (RFC 4180: commas, and double quotes around fields that
/// contain commas or quotes, with `""` for a quote). Fields are byte spans into the line;
/// quoted fields are unquoted into scratch storage. Quoted line breaks are not supported
/// (none of the supported trace formats has them).
struct CSVRow {
    /// The fields of the last line split, as byte arrays only when they needed unquoting.
    private(set) var spans: [Range<Int>] = []
    private var unquoted: [Int: [UInt8]] = [:]
    private var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    var count: Int { spans.count }

    /// Splits `line`; the fields are valid until the next call (and while `line` is).
    mutating func split(_ line: UnsafeBufferPointer<UInt8>) throws(TraceLineError) {
        bytes = line
        spans.removeAll(keepingCapacity: true)
        if !unquoted.isEmpty { unquoted.removeAll() }
        var i = 0
        while true {
            if i < line.count && line[i] == UInt8(ascii: "\"") {
                var value: [UInt8] = []
                i += 1
                while true {
                    guard i < line.count else {
                        throw TraceLineError("column \(spans.count + 1)", "unterminated quoted field")
                    }
                    if line[i] == UInt8(ascii: "\"") {
                        if i + 1 < line.count && line[i + 1] == UInt8(ascii: "\"") {
                            value.append(UInt8(ascii: "\""))
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    value.append(line[i])
                    i += 1
                }
                unquoted[spans.count] = value
                spans.append(i..<i)
                guard i == line.count || line[i] == UInt8(ascii: ",") else {
                    throw TraceLineError("column \(spans.count)", "unexpected text after a quoted field")
                }
            } else {
                let start = i
                while i < line.count && line[i] != UInt8(ascii: ",") { i += 1 }
                spans.append(start..<i)
            }
            if i >= line.count { break }
            i += 1  // the comma
        }
    }

    /// Calls `body` with field `k`'s bytes, spaces around them trimmed.
    func withField<T>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> T) throws(TraceLineError) -> T {
        if let value = unquoted[k] {
            let result: Result<T, TraceLineError> = value.withUnsafeBufferPointer { buffer in
                do throws(TraceLineError) { return .success(try body(Self.trimmed(buffer))) } catch { return .failure(error) }
            }
            return try result.get()
        }
        return try body(Self.trimmed(UnsafeBufferPointer(rebasing: bytes[spans[k]])))
    }

    /// Field `k` as a `String`.
    func string(_ k: Int) -> String {
        (try? withField(k) { (b: UnsafeBufferPointer<UInt8>) throws(TraceLineError) -> String in String(decoding: b, as: UTF8.self) }) ?? ""
    }

    private static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = b.count
        while lo < hi && (b[lo] == 0x20 || b[lo] == 0x09) { lo += 1 }
        while hi > lo && (b[hi - 1] == 0x20 || b[hi - 1] == 0x09) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: b[lo..<hi])
    }
}

/// Where a CSV file's needed columns are, from its header line.
struct CSVHeader {
    /// Column index of each wanted name, in the order asked.
    let indices: [Int]
    /// The number of columns of the header.
    let columnCount: Int

    /// Finds `names` (compared without case and surrounding spaces) in the header `row`.
    /// - Throws: the first missing name, with the header's columns.
    init(_ row: CSVRow, requiring names: [String]) throws(TraceLineError) {
        var found: [String: Int] = [:]
        var columns: [String] = []
        for k in 0..<row.count {
            let name = row.string(k)
            columns.append(name)
            let key = name.lowercased()
            if found[key] == nil { found[key] = k }
        }
        var indices: [Int] = []
        for name in names {
            guard let k = found[name.lowercased()] else {
                throw TraceLineError(name, "no such column in the header (columns: \(columns.joined(separator: ", ")))")
            }
            indices.append(k)
        }
        self.indices = indices
        columnCount = row.count
    }
}
