/// Correctly rounded conversion of a decimal `w × 10^q` to the nearest `Double`
/// (round-half-to-even, as `strtod` does), without `strtod` for all but rare inputs.
///
/// 1. Clinger's fast path: `w ≤ 2^53` and `|q| ≤ 22`: one IEEE operation on two exact values.
/// 2. Eisel–Lemire (D. Lemire, "Number Parsing at a Gigabyte per Second", 2021, as in
///    fast_float): `w` (≤ 19 digits) times a 128-bit truncation of `5^q`, with an explicit
///    check that the truncation cannot have changed the rounding; when it might have (about
///    one input in a thousand, mostly exact halfway cases), or for subnormal, overflowing
///    or out-of-table results, it answers nil and the caller uses `strtod`.
enum DecimalToDouble {
    /// Exact powers of ten as `Double`s (10^22 is the largest one a `Double` holds exactly).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// `w × 10^q` correctly rounded, or nil when this routine cannot decide (use `strtod`).
    /// `w` must be exact (all significant digits, at most 19 of them).
    @inline(__always)
    static func convert(_ w: UInt64, exponent q: Int, negative: Bool) -> Double? {
        if w == 0 { return negative ? -0.0 : 0.0 }
        if w <= 1 << 53 && q >= -22 && q <= 22 {
            var value = Double(w)
            value = q < 0 ? value / exactPowersOfTen[-q] : value * exactPowersOfTen[q]
            return negative ? -value : value
        }
        guard let bits = eiselLemire(w, q) else { return nil }
        return Double(bitPattern: bits | (negative ? 1 << 63 : 0))
    }

    /// The bit pattern of `w × 10^q` (w > 0) or nil; see the type's description.
    static func eiselLemire(_ w: UInt64, _ q: Int) -> UInt64? {
        guard q >= smallestPowerOfTen && q <= largestPowerOfTen else { return nil }
        let index = 2 * (q - smallestPowerOfTen)
        let lz = w.leadingZeroBitCount
        let i = w << UInt64(lz)
        var (upper, lower) = i.multipliedFullWidth(by: powersOfFive[index])
        if upper & 0x1FF == 0x1FF && lower &+ i < lower {
            // The truncated low half of 5^q might carry into the bits that decide rounding.
            let (secondHigh, _) = i.multipliedFullWidth(by: powersOfFive[index + 1])
            let (sum, carry) = lower.addingReportingOverflow(secondHigh)
            lower = sum
            if carry { upper &+= 1 }
            if upper & 0x1FF == 0x1FF && lower == .max { return nil }
        }
        let upperBit = upper >> 63
        var mantissa = upper >> (upperBit + 9)
        let shift = lz + Int(1 ^ upperBit)
        // floor(log2(10^q)) + 63 + bias, less the normalising shift.
        var exponent = (((152_170 + 65_536) * q) >> 16) + 1024 + 63 - shift
        guard exponent > 0 else { return nil }  // subnormal (or zero): strtod
        if lower == 0 && upper & 0x1FF == 0 && mantissa & 3 == 1 { return nil }  // maybe exactly halfway
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= 1 << 53 {
            mantissa = 1 << 52
            exponent += 1
        }
        mantissa &= ~(1 << 52)
        guard exponent < 2047 else { return nil }  // overflow: strtod gives infinity
        return mantissa | UInt64(exponent) << 52
    }

    /// `strtod` over `bytes` (a number JSON's grammar accepts).
    static func parseWithStrtod(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
        let count = bytes.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { text in
            for k in 0..<count { text[k] = CChar(bitPattern: bytes[k]) }
            text[count] = 0
            return strtod(text.baseAddress!, nil)
        }
    }
}
