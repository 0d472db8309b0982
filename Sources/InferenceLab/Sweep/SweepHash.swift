/// A stable 128-bit digest of text, as 32 hex digits: two FNV-1a 64-bit hashes with
/// different offsets. It names stored point results; it is not a cryptographic hash.
enum SweepHash {
    static func hex(_ text: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = b &+ (b >> 29)
        }
        return digits(a) + digits(b)
    }

    private static func digits(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The digest of a file's bytes and its size (`nil` when it cannot be read).
    static func file(_ path: String) -> String? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var size = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            for i in 0..<n { a = (a ^ UInt64(chunk[i])) &* 0x0000_0100_0000_01b3 }
            size += n
            if n < chunk.count { break }
        }
        return digits(a) + "-\(size)"
    }
}
