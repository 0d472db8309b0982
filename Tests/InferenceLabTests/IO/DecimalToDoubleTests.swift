import Foundation
import Testing
@testable import InferenceLab

/// `JSONScanner.readNumber` (Clinger, Eisel–Lemire, `strtod` fallback) must give exactly the
/// `Double` that `strtod` gives, bit for bit, for every number JSON's grammar accepts.
@Suite("decimal to double, against strtod")
struct DecimalToDoubleTests {
    /// Parses `text` with the scanner and with `strtod` and compares the bit patterns.
    static func check(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = strtod(text, nil)
        var utf8 = Array(text.utf8)
        let got: Double? = utf8.withUnsafeMutableBufferPointer { buffer in
            var scanner = JSONScanner(UnsafeBufferPointer(buffer))
            guard let value = try? scanner.readNumber(), scanner.isAtEnd else { return nil }
            return value
        }
        #expect(got?.bitPattern == expected.bitPattern,
                "\(text): got \(got.map { "\($0)" } ?? "an error"), strtod \(expected)",
                sourceLocation: sourceLocation)
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func digits(_ n: Int) -> String {
            var s = ""
            for _ in 0..<n { s.append(Character(Unicode.Scalar(UInt8(0x30 + below(10))))) }
            return s
        }
    }

    @Test("edge cases: zeros, exact powers, limits, subnormals, overflow, long mantissas")
    func edges() {
        let cases = [
            "0", "-0", "0.0", "-0.0", "0e0", "0e-999999", "0e999999", "1", "-1", "9", "10",
            "0.1", "0.2", "0.3", "1.5", "123.456", "1e22", "1e23", "9007199254740992", "9007199254740993",
            "9007199254740991", "18446744073709551615", "18446744073709551616", "1e-22", "1e-23",
            // Double's limits, and just outside them.
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1.8e308",
            "2.2250738585072014e-308", "2.2250738585072011e-308", "2.225073858507201e-308",
            "4.9406564584124654e-324", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
            "3e-324", "1e-325", "1e-400", "1e400", "-1e400", "1e308", "1e-308", "1e-307", "1e-309",
            "1e-342", "1e-343", "1e308", "1e309",
            // Exact halfway cases between two doubles (round half to even).
            "9007199254740993", "9007199254740995", "9007199254740997",
            "2.5", "0.5", "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "1.0000000000000002220446049250313080847263336181640625",
            "4503599627370496.5", "4503599627370497.5", "4503599627370495.5",
            "9223372036854775808", "9223372036854775807", "9223372036854776833", "9223372036854776832",
            "9223372036854776833.0",
            // Known hard cases for strtod implementations.
            "2.2250738585072012e-308", "7.038531e-26", "9214843084008499", "30078505129381147446200",
            "1777820000000000000001", "0.3932922657273", "8.533e+68", "4.1006e-184",
            "9.998e+307", "9.9538452227e-280", "6.47660115e-260", "7.4e+47", "5.92e+48",
            "7.35e+66", "8.32116e+55", "1.00000006e+09", "1.448997445238699", "3.4366717e10",
            "89255.0e-22", "2.4e-324", "358416272e-33", "7.3177701707893310e+15",
            "1.7976931348623157e+308", "123456789012345678901234567890", "0.000000000000000000000000000001",
            "1.9999999999999999999999", "0.100000000000000000000000000001",
            "100000000000000000000000000000000000000000000000000", "4.940656458412465441765687928682213723651e-324",
            // 17 digits, like the generator's arrival times.
            "0.24785711090585885", "0.2641080104592796", "21911.553245185554", "0.04517529664972902",
            // Exponent forms.
            "1E5", "1e+5", "1e-5", "1.5E-5", "-2.5e+10", "12345678901234567e-300", "1e0000000000000000001",
            "1e-0000000000000000001",
        ]
        for text in cases { Self.check(text) }
    }

    @Test("random 17-digit times and 1–19-digit mantissas with random exponents")
    func random() {
        var g = Generator(state: 42)
        for _ in 0..<100_000 {
            // Like the generator's arrival times: a double printed in shortest form.
            let x = Double(bitPattern: g.next() >> 2 | 0x3000_0000_0000_0000) * 1e-3
            Self.check("\(x)")
        }
        for _ in 0..<100_000 {
            // Any double printed shortest (round trip), negative ones included.
            var bits = g.next()
            if (bits >> 52) & 0x7FF == 0x7FF { bits ^= 1 << 62 }
            Self.check(Double(bitPattern: bits).description.replacingOccurrences(of: "+", with: ""))
        }
        for _ in 0..<200_000 {
            let n = 1 + g.below(19)
            let digits = g.digits(n)
            let text: String
            switch g.below(4) {
            case 0: text = digits
            case 1:
                let point = g.below(n)
                text = (point == 0 ? "0" : String(digits.prefix(point))) + "." + String(digits.dropFirst(point))
            case 2: text = digits + "e" + String(g.below(700) - 350)
            default:
                let point = 1 + g.below(n)
                let fraction = point < n ? "." + digits.dropFirst(point) : ""
                text = String(digits.prefix(point)) + fraction + "e" + String(g.below(660) - 340)
            }
            let trimmed = text.hasPrefix("0") && text.count > 1 && !text.hasPrefix("0.") ? "1" + text.dropFirst() : text
            Self.check(g.below(5) == 0 ? "-" + trimmed : trimmed)
        }
        for _ in 0..<20_000 {
            // 20–40 digits: strtod's path for long mantissas.
            let digits = "1" + g.digits(19 + g.below(21))
            Self.check(digits + "e" + String(g.below(600) - 320))
            Self.check("0." + digits)
        }
    }

    @Test("exact halfway and near-halfway points between neighbouring doubles")
    func halfway() {
        var g = Generator(state: 7)
        for _ in 0..<3_000 {
            // The exact midpoint between x and its successor, and its neighbours 1 ulp of the
            // last printed digit away, written out in full.
            let exponent = g.below(240) - 120
            let significand = (UInt64(1) << 52) | (g.next() >> 12)
            let odd = 2 * significand + 1  // midpoint = odd · 2^(exponent - 53)
            let text = Self.exactDecimal(odd, timesPowerOfTwo: exponent - 53)
            Self.check(text)
            Self.check(text + "1")
            Self.check(text + "0000000000000000000001")
            Self.check(String(format: "%.17e", Double(sign: .plus, exponent: exponent, significand: 1)))
        }
        // Halfway cases of small integers (exact in 19 digits): 2^53 + odd, and 2^54 + 2 (mod 4).
        for k in stride(from: 1, through: 2001, by: 2) {
            Self.check(String((UInt64(1) << 53) + UInt64(k)))
            Self.check(String((UInt64(1) << 54) + UInt64(2 * k)))
            Self.check(String((UInt64(1) << 60) + UInt64(128 * k)))
        }
    }

    /// The exact decimal form of `n · 2^p` (`p` may be negative: then it has a fraction).
    static func exactDecimal(_ n: UInt64, timesPowerOfTwo p: Int) -> String {
        var digits: [UInt8] = []  // little-endian base 10
        var m = n
        while m > 0 { digits.append(UInt8(m % 10)); m /= 10 }
        func multiply(by f: Int) {
            var carry = 0
            for k in digits.indices {
                let v = Int(digits[k]) * f + carry
                digits[k] = UInt8(v % 10)
                carry = v / 10
            }
            while carry > 0 { digits.append(UInt8(carry % 10)); carry /= 10 }
        }
        for _ in 0..<abs(p) { multiply(by: p < 0 ? 5 : 2) }
        var text = String(digits.reversed().map { Character(Unicode.Scalar($0 + 0x30)) })
        if p < 0 {
            let places = -p
            if text.count <= places { text = String(repeating: "0", count: places - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -places))
        }
        return text
    }

    @Test("subnormals")
    func subnormals() {
        var g = Generator(state: 9)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: g.next() & ((1 << 52) - 1))
            Self.check(String(format: "%.17e", x))
            Self.check(x.description)
        }
        for _ in 0..<40 {
            // Exact midpoints between neighbouring subnormals: (2k+1) · 2^-1075.
            let k = g.next() & ((1 << 52) - 1)
            Self.check(Self.exactDecimal(2 * k + 1, timesPowerOfTwo: -1075))
        }
    }

    @Test("grammar errors are unchanged by the one-pass reader")
    func errors() {
        for (text, message) in [("-", "expected a number, found '-' at column 1"), ("", "expected a number, found the end of the line"), ("1.", "malformed number at column 1"),
                                ("1e", "malformed number at column 1"), ("1e+", "malformed number at column 1"),
                                ("-x", "expected a number, found '-' at column 1"), (".5", "expected a number, found '.' at column 1")] {
            var utf8 = Array(text.utf8)
            let error: String? = utf8.withUnsafeMutableBufferPointer { buffer -> String? in
                var scanner = JSONScanner(UnsafeBufferPointer(buffer))
                do { _ = try scanner.readNumber(); return nil } catch { return (error as? JSONScanError)?.message ?? "\(error)" }
            }
            #expect(error == message, "\(text)")
        }
    }

    @Test("integers: the fast path and the general path agree")
    func integers() {
        for (text, value) in [("0", 0), ("-0", 0), ("7", 7), ("-7", -7), ("123456789012345678", 123456789012345678),
                              ("-123456789012345678", -123456789012345678), ("9223372036854775807", Int.max),
                              ("-9223372036854775808", Int.min)] {
            var utf8 = Array(text.utf8)
            let got: Int? = utf8.withUnsafeMutableBufferPointer { buffer in
                var scanner = JSONScanner(UnsafeBufferPointer(buffer))
                return try? scanner.readInt()
            }
            #expect(got == value, "\(text)")
        }
        for (text, message) in [("1.5", "expected an integer, found 1.5"), ("1e3", "expected an integer, found 1e3"),
                                ("9223372036854775808", "integer out of range: 9223372036854775808"),
                                ("-", "expected a number, found '-' at column 1")] {
            var utf8 = Array(text.utf8)
            let error: String? = utf8.withUnsafeMutableBufferPointer { buffer -> String? in
                var scanner = JSONScanner(UnsafeBufferPointer(buffer))
                do { _ = try scanner.readInt(); return nil } catch { return (error as? JSONScanError)?.message ?? "\(error)" }
            }
            #expect(error == message, "\(text)")
        }
    }
}
