/// A whole JSON document in memory, with line numbers for its offsets.
struct JSONDocument {
    /// The file as the user named it.
    let file: String
    let bytes: [UInt8]
    /// Byte offsets at which lines 2, 3, ... start.
    private let lineStarts: [Int]

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        var starts: [Int] = []
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    /// Reads `path` (gzip or plain; `-` for standard input) whole.
    static func read(path: String) throws(InputError) -> JSONDocument {
        // One line can be the whole document (json.dump writes no line breaks).
        let reader = try InputReader(path: path, maxLineLength: 1 << 28)
        defer { reader.close() }
        var bytes: [UInt8] = []
        var first = true
        while let line = try reader.nextLine() {
            if !first { bytes.append(0x0A) }
            first = false
            bytes.append(contentsOf: line)
        }
        return JSONDocument(file: reader.name, bytes: bytes)
    }

    /// The 1-based line of a byte offset.
    func line(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lineStarts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo + 1
    }

    /// An error at `node` (its line), about `field`.
    func error(at node: JSONNode?, field: String?, _ message: String) -> InputError {
        InputError(file: file, line: node.map { line(of: $0.offset) }, field: field, message)
    }

    /// Parses the first value of the document; `skipping` keys are checked but not stored.
    /// Returns the value and the offset after it (the caller decides whether more may follow).
    func parse(skipping: Set<String> = []) throws(InputError) -> (JSONNode, end: Int) {
        do {
            return try bytes.withUnsafeBufferPointer { (buffer) throws(JSONScanError) -> (JSONNode, end: Int) in
                var parser = Parser(scanner: JSONScanner(buffer), skipping: skipping)
                let node = try parser.value(depth: 0)
                parser.scanner.skipSpace()
                return (node, parser.scanner.index)
            }
        } catch {
            // The scanner counts columns from the start of its buffer: here, the document.
            var message = error.message
            if let r = message.firstRange(of: " at column ") { message = String(message[..<r.lowerBound]) }
            throw InputError(file: file, line: line(of: errorOffset(error)), "not valid JSON: \(message)")
        }
    }

    /// The offset a scanner error points at: its "column N" when it names one, else the end.
    private func errorOffset(_ error: JSONScanError) -> Int {
        guard let r = error.message.firstRange(of: " at column ") else { return max(bytes.count - 1, 0) }
        let digits = error.message[r.upperBound...].prefix(while: { $0.isNumber })
        return max((Int(digits) ?? bytes.count) - 1, 0)
    }

    private struct Parser {
        var scanner: JSONScanner
        let skipping: Set<String>

        mutating func value(depth: Int) throws(JSONScanError) -> JSONNode {
            guard depth < 64 else { throw JSONScanError("nesting too deep at column \(scanner.index + 1)") }
            let c = scanner.peek()
            let offset = scanner.index
            switch c {
            case UInt8(ascii: "{"):
                try scanner.beginObject()
                var members: [(key: String, node: JSONNode)] = []
                var first = true
                while let key = try scanner.nextKey(first: &first) {
                    if skipping.contains(key) {
                        _ = scanner.peek()
                        let start = scanner.index
                        try scanner.skipValue()
                        members.append((key, JSONNode(value: .skipped, offset: start)))
                    } else {
                        members.append((key, try value(depth: depth + 1)))
                    }
                }
                return JSONNode(value: .object(members), offset: offset)
            case UInt8(ascii: "["):
                try scanner.beginArray()
                var elements: [JSONNode] = []
                var first = true
                while try scanner.nextElement(first: &first) { elements.append(try value(depth: depth + 1)) }
                return JSONNode(value: .array(elements), offset: offset)
            case UInt8(ascii: "\""): return JSONNode(value: .string(try scanner.readString()), offset: offset)
            case UInt8(ascii: "t"), UInt8(ascii: "f"): return JSONNode(value: .bool(try scanner.readBool()), offset: offset)
            case UInt8(ascii: "n"):
                _ = try scanner.takeNull()
                return JSONNode(value: .null, offset: offset)
            case UInt8(ascii: "N"):
                guard scanner.takeLiteral("NaN") else { throw scanner.unexpected(expecting: "a value") }
                return JSONNode(value: .number(.nan), offset: offset)
            case UInt8(ascii: "I"):
                guard scanner.takeLiteral("Infinity") else { throw scanner.unexpected(expecting: "a value") }
                return JSONNode(value: .number(.infinity), offset: offset)
            case UInt8(ascii: "-") where scanner.takeLiteral("-Infinity"):
                return JSONNode(value: .number(-.infinity), offset: offset)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return JSONNode(value: .number(try scanner.readNumber()), offset: offset)
            default:
                throw scanner.unexpected(expecting: "a value")
            }
        }
    }
}
