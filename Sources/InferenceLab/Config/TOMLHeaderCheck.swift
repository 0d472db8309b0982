/// Guards TOMLKit's parser (toml++ 3) against table headers it aborts on.
///
/// toml++ asserts, and so kills the process, on a table header whose name starts with a
/// character that can start no key (`[`cheduler]`, `[[!x]]`, `[é]`) or whose line ends right
/// after the bracket (`[` alone); both found by fuzzing (tools/fuzz.sh). Such a header is a
/// syntax error in any case, so it is reported here first, as the parser would have. So is a
/// `}` where an array expects a value (`a = [}`, `a = [1,}`), which toml++ also aborts on.
/// Strings, comments and arrays are followed so that their contents are never mistaken for a
/// header.
///
/// It also refuses nesting deeper than ``maxDepth`` levels: a dotted key or table name of
/// more parts (`[a.a.a…]`), or arrays and inline tables nested deeper. The parser recurses
/// per level, and 30,000 of them overflowed the stack; no config needs more than a few.
enum TOMLHeaderCheck {
    /// The deepest nesting accepted: parts of a dotted key or table name, and open arrays and
    /// inline tables.
    static let maxDepth = 64

    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var column: Int
        var message: String
        var description: String { "\(message) (line \(line), column \(column))" }
    }

    static func check(_ text: String) throws(Failure) {
        let bytes = Array(text.utf8)
        let n = bytes.count
        var i = 0, line = 1, lineStart = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3; lineStart = 3 }  // the parser skips a BOM
        var open: [UInt8] = []  // the open `[` / `{` of values, innermost last
        var expectArrayValue = false  // just after `[` or `,` in an array
        var atLineStart = true
        func at(_ k: Int) -> UInt8 { k < n ? bytes[k] : 0 }
        func isKeyStart(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
        }
        var expectInlineKey = false  // just after `{` or `,` in an inline table
        /// Throws when the dotted key starting at `k` has more than `maxDepth` parts.
        func checkKeyDepth(from start: Int) throws(Failure) {
            var k = start, parts = 1
            while k < n {
                let d = bytes[k]
                if d == UInt8(ascii: "\"") || d == UInt8(ascii: "'") {
                    k += 1
                    while k < n && bytes[k] != d && bytes[k] != 0x0A { k += d == UInt8(ascii: "\"") && bytes[k] == 0x5C ? 2 : 1 }
                    k += 1
                    continue
                }
                if d == UInt8(ascii: ".") {
                    parts += 1
                    if parts > maxDepth {
                        throw Failure(line: line, column: k - lineStart + 1,
                                      message: "a key or table name nested deeper than \(maxDepth) levels")
                    }
                } else if !(isKeyStart(d) || d == 0x20 || d == 0x09) {
                    return
                }
                k += 1
            }
        }
        while i < n {
            let c = bytes[i]
            if c == 0x0A {
                line += 1; i += 1; lineStart = i; atLineStart = true
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0D { i += 1; continue }
            if atLineStart && open.isEmpty && c == UInt8(ascii: "[") {
                // A table header: `[` or `[[`, optional blanks, then the start of a key.
                var k = i + 1
                if at(k) == UInt8(ascii: "[") { k += 1 }
                while at(k) == 0x20 || at(k) == 0x09 { k += 1 }
                let next = at(k)
                if k >= n || next == 0x0A || next == 0x0D {
                    throw Failure(line: line, column: k - lineStart + 1,
                                  message: "a table header must name its table on the same line")
                }
                if next != UInt8(ascii: "]") && !isKeyStart(next) {
                    throw Failure(line: line, column: k - lineStart + 1,
                                  message: "a table name must start with a letter, digit, '_', '-' or a quote")
                }
                try checkKeyDepth(from: k)
                while i < n && bytes[i] != 0x0A { i += 1 }  // headers do not span lines
                continue
            }
            if (atLineStart && open.isEmpty) || expectInlineKey { try checkKeyDepth(from: i) }
            expectInlineKey = false
            atLineStart = false
            if expectArrayValue && c != UInt8(ascii: "#") {
                expectArrayValue = false
                if c == UInt8(ascii: "}") {
                    throw Failure(line: line, column: i - lineStart + 1, message: "expected a value or ']' in an array, found '}'")
                }
            }
            switch c {
            case UInt8(ascii: "#"):
                while i < n && bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let multi = at(i + 1) == c && at(i + 2) == c
                i += multi ? 3 : 1
                while i < n {
                    let d = bytes[i]
                    if d == 0x5C && c == UInt8(ascii: "\"") {  // an escape in a basic string
                        if at(i + 1) == 0x0A { line += 1; lineStart = i + 2 }
                        i += 2
                        continue
                    }
                    if d == 0x0A {
                        if !multi { break }  // an unterminated string: the parser reports it
                        line += 1; lineStart = i + 1
                    }
                    if d == c && (!multi || (at(i + 1) == c && at(i + 2) == c)) {
                        i += multi ? 3 : 1
                        // A closing run may be followed by up to two more quotes (`""""`).
                        while multi && at(i) == c { i += 1 }
                        break
                    }
                    i += 1
                }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                open.append(c); i += 1
                if open.count > maxDepth {
                    throw Failure(line: line, column: i - lineStart,
                                  message: "arrays or inline tables nested deeper than \(maxDepth) levels")
                }
                expectArrayValue = c == UInt8(ascii: "[")
                expectInlineKey = c == UInt8(ascii: "{")
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                _ = open.popLast(); i += 1
            case UInt8(ascii: ","):
                expectArrayValue = open.last == UInt8(ascii: "[")
                expectInlineKey = open.last == UInt8(ascii: "{"); i += 1
            default:
                i += 1
            }
        }
    }
}
