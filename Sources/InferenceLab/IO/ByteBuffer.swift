/// A growable byte buffer with appenders for hand-written JSON.
///
/// Used on the event-log hot path: one buffer is reused for every record, so appending costs
/// no allocation once it has grown. Only `append(_: Double)` goes through a `String` (Swift's
/// shortest round-trip `description`, which reads back to the same `Double`).
public struct ByteBuffer: Sendable {
    /// The bytes appended so far.
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// Empties the buffer, keeping its storage.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// Appends ASCII (or any UTF-8) text from a literal, without escaping.
    public mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(contentsOf buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    /// Appends up to `maxCount` bytes written straight into the buffer by `body`, which
    /// returns how many it wrote: one capacity check for a whole run of small appends.
    public mutating func append(upTo maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: maxCount))
        let written = bytes.withUnsafeMutableBufferPointer { all in body(all.baseAddress! + start) }
        precondition(written >= 0 && written <= maxCount, "ByteBuffer.append(upTo:) overran")
        bytes.removeLast(maxCount - written)
    }

    /// Writes the decimal form of `value` at `out`; returns the bytes written (at most 20).
    @inline(__always)
    public static func writeDecimal(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 10 { out[0] = UInt8(truncatingIfNeeded: value) &+ 0x30; return 1 }
        var digits = 1, v = value
        while v >= 10 { v /= 10; digits += 1 }
        v = value
        var i = digits
        repeat {
            i -= 1
            out[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            v /= 10
        } while v != 0
        return digits
    }

    /// Appends the decimal form of `value`.
    public mutating func append(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude)
    }

    /// Appends the decimal form of `value`.
    public mutating func append(_ value: UInt64) {
        appendDecimal(value)
    }

    private mutating func appendDecimal(_ value: UInt) {
        appendDecimal(UInt64(value))
    }

    private mutating func appendDecimal(_ value: UInt64) {
        if value < 10 { bytes.append(UInt8(truncatingIfNeeded: value) &+ 0x30); return }
        var magnitude = value
        // 20 digits hold UInt64.max.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            var i = 24
            repeat {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
                magnitude /= 10
            } while magnitude != 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<24]))
        }
    }

    /// Appends `value` in its shortest round-trip form, or `null` for NaN and infinities
    /// (which JSON cannot represent).
    public mutating func append(_ value: Double) {
        guard value.isFinite else { append(ascii: "null"); return }
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends `text` as a JSON string literal, quotes included.
    ///
    /// Escapes `"`, `\` and control characters; everything else (including non-ASCII UTF-8)
    /// is copied as is.
    public mutating func appendJSONString(_ text: String) {
        var text = text
        bytes.append(UInt8(ascii: "\""))
        text.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    append(ascii: "u00")
                    hex.withUTF8Buffer { h in
                        bytes.append(h[Int(c >> 4)])
                        bytes.append(h[Int(c & 0xF)])
                    }
                }
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
