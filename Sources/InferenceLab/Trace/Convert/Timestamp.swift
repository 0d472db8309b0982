/// Parses wall-clock timestamps like `2023-11-16 18:15:46.6805900` into nanoseconds since
/// 1970-01-01 00:00:00, by hand (no Foundation `DateFormatter` on the hot path).
///
/// Accepted: `YYYY-MM-DD`, a space or `T`, `HH:MM:SS`, an optional fraction of 1 to 9 digits
/// (the Azure traces have 7, .NET's 100 ns ticks), and an optional zone: `Z` or `±HH:MM`
/// (`±HHMM`), which is subtracted, so times with offsets compare correctly. A time without a
/// zone is taken as is: only differences matter for a trace.
enum Timestamp {
    /// Nanoseconds since the epoch of `text`, or nil when it is not such a timestamp or lies
    /// outside what 64-bit nanoseconds hold (about 1677-09-21 to 2262-04-11, ``representable``).
    static func nanoseconds(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for _ in 0..<n {
                let c = b[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
                i += 1
            }
            return v
        }
        func take(_ c: UInt8) -> Bool {
            guard i < b.count && b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), take(UInt8(ascii: "-")), let month = digits(2), take(UInt8(ascii: "-")),
              let day = digits(2) else { return nil }
        guard take(UInt8(ascii: " ")) || take(UInt8(ascii: "T")) else { return nil }
        guard let hour = digits(2), take(UInt8(ascii: ":")), let minute = digits(2), take(UInt8(ascii: ":")),
              let second = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 61 else { return nil }
        var nanos = 0
        if take(UInt8(ascii: ".")) {
            var count = 0
            while i < b.count && b[i] >= 0x30 && b[i] <= 0x39 {
                guard count < 9 else { return nil }
                nanos = nanos * 10 + Int(b[i] - 0x30)
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { nanos *= 10 }
        }
        var offsetSeconds = 0
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
        } else if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let h = digits(2) else { return nil }
            _ = take(UInt8(ascii: ":"))
            guard let m = digits(2), h < 24, m < 60 else { return nil }
            offsetSeconds = sign * (h * 3600 + m * 60)
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let (whole, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = whole.addingReportingOverflow(Int64(nanos))
        return overflow || carry ? nil : total
    }

    /// The years whose timestamps ``nanoseconds(_:)`` certainly holds, for messages.
    static let representable = "1678 to 2261"

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
