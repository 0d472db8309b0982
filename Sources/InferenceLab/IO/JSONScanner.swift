/// Why ``JSONScanner`` stopped.
struct JSONScanError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// A small pull scanner for one line of JSON, for the flat records of event logs and traces.
///
/// It validates what it reads (strings, numbers, `true`/`false`/`null`, nesting) but builds no
/// tree: callers ask for the next key and then for a value of the type they expect, and skip
/// the rest. Numbers are checked against JSON's grammar before conversion, so `nan`, `inf`,
/// hex floats and the like are refused.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next non-space byte, not consumed (0 at the end).
    mutating func peek() -> UInt8 {
        skipSpace()
        return index < bytes.count ? bytes[index] : 0
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONScanError) {
        guard peek() == byte else { throw unexpected(expecting: what) }
        index += 1
    }

    /// Consumes `byte` if it comes next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    func unexpected(expecting what: String) -> JSONScanError {
        guard index < bytes.count else { return JSONScanError("expected \(what), found the end of the line") }
        let c = bytes[index]
        let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
        return JSONScanError("expected \(what), found \(shown) at column \(index + 1)")
    }

    /// Checks that only whitespace remains.
    mutating func expectEnd() throws(JSONScanError) {
        guard peek() == 0 && isAtEnd else { throw unexpected(expecting: "the end of the line") }
    }

    // MARK: objects and arrays

    /// Reads `{` (call once) — then use ``nextKey()`` until it returns nil.
    mutating func beginObject() throws(JSONScanError) { try expect(UInt8(ascii: "{"), "'{'") }

    /// Reads the next key and its colon, or the closing `}` (then returns nil).
    /// `first` tells whether this is the first key (no comma before it).
    mutating func nextKey(first: inout Bool) throws(JSONScanError) -> String? {
        if take(UInt8(ascii: "}")) { return nil }
        if first { first = false } else { try expect(UInt8(ascii: ","), "',' or '}'") }
        guard peek() == UInt8(ascii: "\"") else { throw unexpected(expecting: "a key") }
        let key = try readString()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// Reads the next key and its colon like ``nextKey(first:)``, and returns its position in
    /// `keys` (-1 for a key not listed), or nil at the closing `}`.
    ///
    /// Keys without escapes are compared byte by byte, so a record with known keys costs no
    /// `String` allocation.
    mutating func nextKey(first: inout Bool, matching keys: [StaticString]) throws(JSONScanError) -> Int? {
        if take(UInt8(ascii: "}")) { return nil }
        if first { first = false } else { try expect(UInt8(ascii: ","), "',' or '}'") }
        guard peek() == UInt8(ascii: "\"") else { throw unexpected(expecting: "a key") }
        var found = -1
        if let span = try readPlainString() {
            for (k, key) in keys.enumerated() where key.utf8CodeUnitCount == span.count {
                let same = key.withUTF8Buffer { w in
                    memcmp(bytes.baseAddress! + span.lowerBound, w.baseAddress!, span.count) == 0
                }
                if same { found = k; break }
            }
        } else {
            let name = try readString()
            found = keys.firstIndex { $0.description == name } ?? -1
        }
        try expect(UInt8(ascii: ":"), "':'")
        return found
    }

    /// Consumes `text` if the bytes at the current position (no whitespace skipped) are
    /// exactly it; for fast paths that match a writer's fixed layout.
    @inline(__always)
    mutating func takeLiteral(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard bytes.count - index >= n,
              memcmp(bytes.baseAddress! + index, text.utf8Start, n) == 0 else { return false }
        index += n
        return true
    }

    /// The byte at the current position (no whitespace skipped), or 0 at the end.
    @inline(__always)
    var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    /// Reads `[`, then call ``nextElement(first:)`` before each element.
    mutating func beginArray() throws(JSONScanError) { try expect(UInt8(ascii: "["), "'['") }

    /// Whether another element follows (consumes the comma), or the array ended (consumes `]`).
    mutating func nextElement(first: inout Bool) throws(JSONScanError) -> Bool {
        if take(UInt8(ascii: "]")) { return false }
        if first { first = false } else { try expect(UInt8(ascii: ","), "',' or ']'") }
        return true
    }

    // MARK: values

    /// Reads a string value, decoding escapes.
    mutating func readString() throws(JSONScanError) -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw JSONScanError("control character in a string at column \(index + 1)") }
            index += 1
        }
        guard index < bytes.count else { throw JSONScanError("unterminated string") }
        var utf8: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if c < 0x20 { throw JSONScanError("control character in a string at column \(index + 1)") }
            if c != UInt8(ascii: "\\") { utf8.append(c); index += 1; continue }
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u and a low one.
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw JSONScanError("unpaired surrogate in a \\u escape")
                    }
                    index += 2
                    let low = try readHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw JSONScanError("unpaired surrogate in a \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw JSONScanError("unpaired surrogate in a \\u escape")
                }
                utf8.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
            default:
                throw JSONScanError("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        throw JSONScanError("unterminated string")
    }

    /// Reads a string without escapes and returns the span of its bytes (quotes excluded);
    /// returns nil, consuming nothing, when the string has escapes (use ``readString()``).
    mutating func readPlainString() throws(JSONScanError) -> Range<Int>? {
        guard peek() == UInt8(ascii: "\"") else { throw unexpected(expecting: "a string") }
        let quote = index
        var i = index + 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                index = i + 1
                return quote + 1..<i
            }
            if c == UInt8(ascii: "\\") { return nil }
            if c < 0x20 { throw JSONScanError("control character in a string at column \(i + 1)") }
            i += 1
        }
        throw JSONScanError("unterminated string")
    }

    private mutating func readHex4() throws(JSONScanError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONScanError("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw JSONScanError("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            index += 1
        }
        return v
    }

    /// The span of a number per JSON's grammar, and whether it is an integer literal.
    private mutating func scanNumber() throws(JSONScanError) -> (Range<Int>, isInteger: Bool) {
        skipSpace()
        let start = index
        var integer = true
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") else {
            index = start
            throw unexpected(expecting: "a number")
        }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            integer = false
            index += 1
            guard skipDigits() > 0 else { throw JSONScanError("malformed number at column \(start + 1)") }
        }
        if index < bytes.count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            integer = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard skipDigits() > 0 else { throw JSONScanError("malformed number at column \(start + 1)") }
        }
        return (start..<index, integer)
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    /// Reads an integer literal (no fraction or exponent).
    mutating func readInt() throws(JSONScanError) -> Int {
        // Fast path: at most 18 digits (no overflow possible), then a byte that cannot
        // continue a number. Anything else is read again by the general path below.
        if index < bytes.count, let base = bytes.baseAddress {
            let count = bytes.count
            var i = index
            let negative = base[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            let digitsStart = i
            let (value, digits) = DecimalDigits.read(base, at: &i, end: count, limit: 18)
            if digits > 0 && digits <= 18 && (digits == 1 || base[digitsStart] != UInt8(ascii: "0")) {
                let next = i < count ? base[i] : 0
                if next != UInt8(ascii: ".") && (next | 0x20) != UInt8(ascii: "e") {
                    index = i
                    return negative ? -value : value
                }
            }
        }
        let (span, isInteger) = try scanNumber()
        guard isInteger else { throw JSONScanError("expected an integer, found \(text(span))") }
        var i = span.lowerBound
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value = 0
        while i < span.upperBound {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int(bytes[i] - 0x30))
                                   : m.addingReportingOverflow(Int(bytes[i] - 0x30))
            guard !o1 && !o2 else { throw JSONScanError("integer out of range: \(text(span))") }
            value = a
            i += 1
        }
        return value
    }

    /// Reads a non-negative integer that may use all 64 bits (seeds, prefix hashes).
    mutating func readUInt64() throws(JSONScanError) -> UInt64 {
        let (span, isInteger) = try scanNumber()
        guard isInteger, bytes[span.lowerBound] != UInt8(ascii: "-") else {
            throw JSONScanError("expected a non-negative integer, found \(text(span))")
        }
        var value: UInt64 = 0
        for i in span {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(bytes[i] &- 0x30))
            guard !o1 && !o2 else { throw JSONScanError("integer out of range: \(text(span))") }
            value = a
        }
        return value
    }

    /// Reads a number, or `null` as NaN (the writer's form of non-finite values).
    mutating func readDouble() throws(JSONScanError) -> Double {
        if peek() == UInt8(ascii: "n") {
            try literal("null")
            return .nan
        }
        return try readNumber()
    }

    /// The value of the 8 ASCII digits at `p`, or nil when they are not all digits (SWAR, as
    /// in fast_float: one load, one check, three multiplications).
    @inline(__always)
    static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let v = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        guard ((v &+ 0x4646_4646_4646_4646) | (v &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        var x = v &- 0x3030_3030_3030_3030
        x = x &* 10 &+ (x >> 8)
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1000000 << 32)
        let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10000 << 32)
        return (((x & mask) &* mul1) &+ (((x >> 16) & mask) &* mul2)) >> 32
    }

    /// Reads a number (not `null`), correctly rounded (as `strtod` rounds).
    ///
    /// One pass checks JSON's grammar and collects the significant digits (at most 19) and
    /// the decimal exponent; ``DecimalToDouble`` converts them (Clinger's fast path, then
    /// Eisel–Lemire). Longer mantissas, and the rare inputs those cannot decide, go to `strtod`.
    mutating func readNumber() throws(JSONScanError) -> Double {
        skipSpace()
        let start = index
        let count = bytes.count
        let base = bytes.baseAddress
        var i = index
        var negative = false
        if i < count && base![i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < count, base![i] &- 0x30 < 10 else {
            throw unexpected(expecting: "a number")
        }
        var mantissa: UInt64 = 0
        var significant = 0  // digits in `mantissa`, leading zeros excluded
        var exponent = 0
        var exact = true     // false when more than 19 significant digits
        if base![i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < count {
                if significant > 0 && significant <= 11 && count - i >= 8, let eight = Self.eightDigits(base! + i) {
                    mantissa = mantissa &* 100_000_000 &+ eight
                    significant += 8
                    i += 8
                    continue
                }
                let d = base![i] &- 0x30
                guard d < 10 else { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    significant += 1
                } else {
                    exact = false
                    exponent += 1
                }
                i += 1
            }
        }
        if i < count && base![i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < count {
                if mantissa != 0 && significant <= 11 && count - i >= 8, let eight = Self.eightDigits(base! + i) {
                    mantissa = mantissa &* 100_000_000 &+ eight
                    significant += 8
                    exponent -= 8
                    i += 8
                    continue
                }
                let d = base![i] &- 0x30
                guard d < 10 else { break }
                if significant < 19 {
                    if mantissa != 0 || d != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        significant += 1
                    }
                    exponent -= 1
                } else if d != 0 {
                    exact = false
                }
                i += 1
            }
            guard i > fractionStart else { index = i; throw JSONScanError("malformed number at column \(start + 1)") }
        }
        if i < count && (base![i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            var sign = 1
            if i < count && base![i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if i < count && base![i] == UInt8(ascii: "+") { i += 1 }
            let digitsStart = i
            var e = 0
            while i < count {
                let d = base![i] &- 0x30
                guard d < 10 else { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            guard i > digitsStart else { index = i; throw JSONScanError("malformed number at column \(start + 1)") }
            exponent += sign * e
        }
        index = i
        if exact, let value = DecimalToDouble.convert(mantissa, exponent: exponent, negative: negative) {
            return value
        }
        return DecimalToDouble.parseWithStrtod(UnsafeBufferPointer(rebasing: bytes[start..<i]))
    }

    mutating func readBool() throws(JSONScanError) -> Bool {
        switch peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw unexpected(expecting: "true or false")
        }
    }

    /// Whether a `null` comes next (consumed if so).
    mutating func takeNull() throws(JSONScanError) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws(JSONScanError) {
        let n = word.utf8CodeUnitCount
        let matches = index + n <= bytes.count && word.withUTF8Buffer { w in
            (0..<n).allSatisfy { bytes[index + $0] == w[$0] }
        }
        guard matches else { throw unexpected(expecting: "\(word)") }
        index += n
    }

    /// Skips any value, checking its syntax, and returns its span.
    @discardableResult
    mutating func skipValue(depth: Int = 0) throws(JSONScanError) -> Range<Int> {
        guard depth < 128 else { throw JSONScanError("nesting too deep") }
        skipSpace()
        let start = index
        switch peek() {
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextKey(first: &first) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(first: &first) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try scanNumber()
        }
        return start..<index
    }

    func text(_ span: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self)
    }
}
