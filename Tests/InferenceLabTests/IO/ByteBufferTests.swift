import Testing
@testable import InferenceLab

@Suite("ByteBuffer and JSONScanner")
struct ByteBufferTests {
    func text(_ b: ByteBuffer) -> String { String(decoding: b.bytes, as: UTF8.self) }

    @Test("integers")
    func integers() {
        for v in [0, 7, 10, -1, -10, 1234567890, Int.max, Int.min] {
            var b = ByteBuffer()
            b.append(v)
            #expect(text(b) == String(v))
        }
        var b = ByteBuffer()
        b.append(UInt64.max)
        #expect(text(b) == "18446744073709551615")
    }

    @Test("doubles round-trip exactly; non-finite values become null")
    func doubles() throws {
        var values: [Double] = [0, -0.0, 0.1, 1.0 / 3, 1e300, .leastNonzeroMagnitude, 2.5e-308, 1.513e15, 123456789.125,
                                .greatestFiniteMagnitude, -.leastNormalMagnitude]
        var x: UInt64 = 12345
        for _ in 0..<2_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let d = Double(bitPattern: x)
            if d.isFinite { values.append(d) }
            values.append(Double(x >> 11) / Double(1 << 30))
        }
        for v in values {
            var b = ByteBuffer()
            b.append(v)
            let back = try b.bytes.withUnsafeBufferPointer { p in
                var s = JSONScanner(p)
                return try s.readDouble()
            }
            #expect(back.bitPattern == v.bitPattern, "\(v) → \(text(b))")
        }
        for v in [Double.nan, .infinity, -.infinity] {
            var b = ByteBuffer()
            b.append(v)
            #expect(text(b) == "null")
        }
    }

    @Test("strings are escaped and read back", arguments: [
        "plain", "", "with \"quotes\"", "back\\slash", "line\nbreak\ttab\r", "\u{01}\u{1F}", "ünïcødé 🚀", "/slash",
    ])
    func strings(_ s: String) throws {
        var b = ByteBuffer()
        b.appendJSONString(s)
        let raw = text(b)
        #expect(!raw.contains("\n"))
        let back = try b.bytes.withUnsafeBufferPointer { p in
            var scanner = JSONScanner(p)
            return try scanner.readString()
        }
        #expect(back == s)
    }

    @Test("scanner decodes \\u escapes and surrogate pairs, rejects bad JSON")
    func scanner() throws {
        func string(_ json: String) throws -> String {
            var j = json
            return try j.withUTF8 { p in var s = JSONScanner(p); return try s.readString() }
        }
        #expect(try string(#""\u00e9\ud83d\ude80\/""#) == "é🚀/")
        #expect(throws: JSONScanError.self) { try string(#""\ud83d""#) }
        #expect(throws: JSONScanError.self) { try string(#""abc"#) }
        func number(_ json: String) throws -> Double {
            var j = json
            return try j.withUTF8 { p in var s = JSONScanner(p); return try s.readDouble() }
        }
        #expect(try number("-1.5e3") == -1500)
        #expect(try number("null").isNaN)
        for bad in ["nan", "inf", "01", "1.", ".5", "1e", "+1", "0x10"] {
            #expect(throws: JSONScanError.self, "\(bad)") {
                var j = bad
                try j.withUTF8 { p in
                    var s = JSONScanner(p)
                    _ = try s.readDouble()
                    try s.expectEnd()
                }
            }
        }
    }
}
