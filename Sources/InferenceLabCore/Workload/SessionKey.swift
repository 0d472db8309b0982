/// How a session's identity becomes ``RequestSpec/sessionKey``, one `UInt64` that routers and
/// sources compare without touching strings.
///
/// - An integer `session_id` n (0 … 2⁶³−1) is its own key: generated traces number their
///   sessions 0, 1, 2, … and write them back as those integers.
/// - A string `session_id` is hashed (64-bit FNV-1a of its UTF-8 bytes) with the top bit set,
///   so that it never equals an integer id. Two different strings share a key only by a
///   64-bit hash collision. The integer `5` and the string `"5"` are different sessions.
public enum SessionKey {
    /// The bit that marks a key hashed from a string id.
    public static let textBit: UInt64 = 1 << 63

    /// The key of an integer id.
    /// - Precondition: `id` ≥ 0.
    @inline(__always)
    public static func of(integer id: Int) -> UInt64 {
        precondition(id >= 0, "session ids are non-negative")
        return UInt64(id)
    }

    /// The key of a string id, given as its UTF-8 bytes.
    public static func of<Bytes: Sequence>(utf8 bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h | textBit
    }

    /// Whether `key` was hashed from a string id (it cannot be written back as an integer).
    @inline(__always)
    public static func isText(_ key: UInt64) -> Bool { key & textBit != 0 }
}
