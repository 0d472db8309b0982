/// Reads a small text file whole, with a readable reason when it cannot.
public enum ConfigFileReader {
    public struct Failure: Error {
        public var message: String
    }

    /// The largest config file read.
    public static let maxSize = 1 << 20

    /// The file's contents as UTF-8 text.
    /// - Parameter maxSize: the largest file read (default ``maxSize``, 1 MiB).
    public static func readText(path: String, maxSize: Int = ConfigFileReader.maxSize) -> Result<String, Failure> {
        guard let handle = fopen(path, "rb") else {
            return .failure(Failure(message: "cannot open: \(String(cString: strerror(errno)))"))
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            // A config is a few kilobytes; this keeps `-c /dev/zero` or a mistaken huge file
            // from exhausting memory.
            if bytes.count > maxSize {
                return .failure(Failure(message: "larger than \(maxSize >> 20) MiB: not a config file"))
            }
            if count < chunk.count {
                if ferror(handle) != 0 {
                    return .failure(Failure(message: "cannot read: \(String(cString: strerror(errno)))"))
                }
                break
            }
        }
        // A UTF-8 byte-order mark is allowed and dropped.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Failure(message: "is not UTF-8 text"))
        }
        return .success(text)
    }
}
