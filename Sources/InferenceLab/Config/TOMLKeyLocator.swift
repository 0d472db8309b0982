/// Finds the line of a key in TOML source text.
///
/// TOMLKit reports positions only for syntax errors, so schema errors locate their key here.
/// The scanner runs over text that already parsed, so it may be lenient: it tracks the current
/// `[table]` / `[[array]]` header, records the line of every `key =` (dotted keys and the keys
/// of inline tables included) and skips strings, arrays and comments so that their contents
/// are never mistaken for keys.
struct TOMLKeyLocator {
    /// Line of each key path's first definition (`["scheduler", "block_size"]`). Tables made
    /// implicitly by a dotted key or an inline table are recorded at that key's line.
    private var keyLines: [[String]: Int] = [:]
    /// Line of each `[table]` header.
    private var headerLines: [[String]: Int] = [:]

    init(source: String) {
        var scanner = Scanner(bytes: Array(source.utf8))
        scanner.scanDocument()
        keyLines = scanner.keyLines
        headerLines = scanner.headerLines
    }

    /// The line of `[path]`'s header, or `nil` if the text has no such header.
    func headerLine(of path: [String]) -> Int? { headerLines[path] }

    /// The line that best locates `path`: the key itself, else the header of the table it
    /// names, else the nearest enclosing key or table that the text defines; `nil` when none
    /// of them appears (a table left out entirely).
    func line(of path: [String]) -> Int? {
        var prefix = path
        while !prefix.isEmpty {
            if let line = keyLines[prefix] ?? headerLines[prefix] { return line }
            prefix.removeLast()
        }
        return nil
    }

    /// ``line(of:)`` for a dotted key such as `workload.input_len_dist.mean`.
    func line(ofDotted key: String) -> Int? {
        line(of: key.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }
}

extension TOMLKeyLocator {
    /// A byte-level recursive-descent skimmer over valid TOML.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var table: [String] = []
        /// `table` without the array-of-tables indices.
        var plainTable: [String] = []
        var keyLines: [[String]: Int] = [:]
        var headerLines: [[String]: Int] = [:]
        /// Headers of each array of tables seen so far.
        var arrayCounts: [[String]: Int] = [:]

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func peek(_ offset: Int) -> UInt8? {
            index + offset < bytes.count ? bytes[index + offset] : nil
        }

        mutating func advance() {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }

        mutating func scanDocument() {
            while current != nil {
                skipBlanksAndComments(newlines: true)
                guard let c = current else { return }
                if c == UInt8(ascii: "[") {
                    scanHeader()
                } else {
                    let start = index
                    scanKeyValue(in: table)
                    if index == start { advance() }  // never loop on a byte we do not understand
                }
                skipToEndOfLine()
            }
        }

        /// `[a.b]` or `[[a.b]]`. The entries of an array of tables are told apart by index:
        /// the second `[[cluster.pool]]` is `["cluster", "pool[1]"]`, and a `[cluster.pool.x]`
        /// after it `["cluster", "pool[1]", "x"]` (the plain path names the first header).
        mutating func scanHeader() {
            let headerLine = line
            advance()
            var isArray = false
            if current == UInt8(ascii: "[") { advance(); isArray = true }
            skipBlanksAndComments(newlines: false)
            let path = scanKeyPath()
            if isArray { arrayCounts[path, default: 0] += 1 }
            var indexed = path
            for i in indexed.indices {
                if let n = arrayCounts[Array(path[...i])] { indexed[i] = "\(path[i])[\(n - 1)]" }
            }
            table = indexed
            plainTable = path
            if headerLines[path] == nil { headerLines[path] = headerLine }
            if headerLines[indexed] == nil { headerLines[indexed] = headerLine }
        }

        /// `key.path = value`, recording the key (and the tables it implies) under `prefix`.
        mutating func scanKeyValue(in prefix: [String]) {
            let keyLine = line
            let key = scanKeyPath()
            guard !key.isEmpty else { return }
            var path = prefix
            for component in key {
                path.append(component)
                if keyLines[path] == nil { keyLines[path] = keyLine }
            }
            // Inside an array of tables the key is also found by its plain path (its first entry's).
            if prefix != plainTable && prefix == table {
                var plain = plainTable
                for component in key {
                    plain.append(component)
                    if keyLines[plain] == nil { keyLines[plain] = keyLine }
                }
            }
            skipBlanksAndComments(newlines: false)
            guard current == UInt8(ascii: "=") else { return }
            advance()
            skipBlanksAndComments(newlines: false)
            scanValue(at: path)
        }

        /// Dot-separated bare or quoted keys, up to `=`, `]` or the end of the line.
        mutating func scanKeyPath() -> [String] {
            var components: [String] = []
            while current != nil {
                skipBlanksAndComments(newlines: false)
                guard let c = current else { break }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    components.append(scanQuotedKey(quote: c))
                } else if isBareKeyByte(c) {
                    let start = index
                    while let b = current, isBareKeyByte(b) { advance() }
                    components.append(String(decoding: bytes[start..<index], as: UTF8.self))
                } else {
                    break
                }
                skipBlanksAndComments(newlines: false)
                if current == UInt8(ascii: ".") { advance() } else { break }
            }
            if current == UInt8(ascii: "]") {
                advance()
                if current == UInt8(ascii: "]") { advance() }
            }
            return components
        }

        mutating func scanQuotedKey(quote: UInt8) -> String {
            advance()
            var raw: [UInt8] = []
            while let c = current, c != quote, c != UInt8(ascii: "\n") {
                if quote == UInt8(ascii: "\""), c == UInt8(ascii: "\\"), let next = peek(1) {
                    advance()
                    advance()
                    switch next {
                    case UInt8(ascii: "n"): raw.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "t"): raw.append(UInt8(ascii: "\t"))
                    case UInt8(ascii: "r"): raw.append(UInt8(ascii: "\r"))
                    default: raw.append(next)
                    }
                    continue
                }
                raw.append(c)
                advance()
            }
            if current == quote { advance() }
            return String(decoding: raw, as: UTF8.self)
        }

        /// The comma-separated entries of an array or inline table (the scanner is at its
        /// opening bracket), each read by `entry`, through the `close` bracket. Always moves
        /// on, so that a malformed entry cannot stall it.
        mutating func scanEntries(until close: UInt8, newlines: Bool, _ entry: (inout Scanner) -> Void) {
            advance()
            while current != nil, current != close {
                skipBlanksAndComments(newlines: newlines)
                if current == close { break }
                let start = index
                entry(&self)
                skipBlanksAndComments(newlines: newlines)
                if current == UInt8(ascii: ",") { advance() } else if index == start { advance() }
            }
            if current == close { advance() }
        }

        /// One value: a string, an array, an inline table or a scalar.
        mutating func scanValue(at path: [String]) {
            guard let c = current else { return }
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(quote: c)
            case UInt8(ascii: "["):
                // An array may span lines; an inline table may not.
                scanEntries(until: UInt8(ascii: "]"), newlines: true) { $0.scanValue(at: path) }
            case UInt8(ascii: "{"):
                scanEntries(until: UInt8(ascii: "}"), newlines: false) { $0.scanKeyValue(in: path) }
            default:
                // Numbers, booleans, dates (which may contain one space): up to a delimiter.
                while let b = current, b != UInt8(ascii: ","), b != UInt8(ascii: "]"),
                      b != UInt8(ascii: "}"), b != UInt8(ascii: "\n"), b != UInt8(ascii: "#") {
                    advance()
                }
            }
        }

        /// A basic, literal or multi-line string, from its opening quote.
        mutating func skipString(quote: UInt8) {
            let multiline = peek(1) == quote && peek(2) == quote
            let escapes = quote == UInt8(ascii: "\"")
            if multiline {
                advance(); advance(); advance()
                while let c = current {
                    if escapes && c == UInt8(ascii: "\\") {
                        advance()
                        if current != nil { advance() }
                    } else if c == quote && peek(1) == quote && peek(2) == quote {
                        advance(); advance(); advance()
                        // Up to two more quotes may belong to the content (`""""`).
                        if current == quote { advance() }
                        if current == quote { advance() }
                        return
                    } else {
                        advance()
                    }
                }
            } else {
                advance()
                while let c = current, c != UInt8(ascii: "\n") {
                    if escapes && c == UInt8(ascii: "\\") {
                        advance()
                        if current != nil && current != UInt8(ascii: "\n") { advance() }
                    } else if c == quote {
                        advance()
                        return
                    } else {
                        advance()
                    }
                }
            }
        }

        /// Spaces and tabs, comments, and (when `newlines`) line breaks.
        mutating func skipBlanksAndComments(newlines: Bool) {
            while let c = current {
                if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                    advance()
                } else if c == UInt8(ascii: "\n") && newlines {
                    advance()
                } else if c == UInt8(ascii: "#") {
                    while let b = current, b != UInt8(ascii: "\n") { advance() }
                } else {
                    return
                }
            }
        }

        /// Everything up to and including the next line break.
        mutating func skipToEndOfLine() {
            while let c = current {
                advance()
                if c == UInt8(ascii: "\n") { return }
            }
        }

        func isBareKeyByte(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }
}
