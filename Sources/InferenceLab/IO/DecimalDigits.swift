// Speed only: the digit loop of the two hand-written integer readers (JSONScanner's integer
// fast path and the event-log decoder's writer-layout path), which read raw bytes.

/// Reads a run of ASCII decimal digits from raw bytes.
enum DecimalDigits {
    /// Reads the digits at `p[i]` onwards (stopping before `end`, at a non-digit, or after
    /// `limit + 1` digits) and moves `i` past them.
    ///
    /// - Returns: their value and how many were read. A count above `limit` means the number
    ///   has more digits than the caller accepts; the value is then meaningless (it may wrap).
    @inline(__always)
    static func read(_ p: UnsafePointer<UInt8>, at i: inout Int, end: Int, limit: Int) -> (value: Int, count: Int) {
        let start = i
        var value = 0
        while i < end && i - start <= limit {
            let d = p[i] &- 0x30
            guard d < 10 else { break }
            value = value &* 10 &+ Int(d)
            i += 1
        }
        return (value, i - start)
    }
}
