/// Writes bytes uncompressed to a file descriptor, through a 1 MiB buffer.
///
/// Used for outputs whose name does not end in `.gz`, and for `-` (standard output).
public final class PlainWriter: ByteWriter {
    /// The name used in error messages.
    public let name: String
    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var closed = false

    /// - Parameters:
    ///   - fd: an open descriptor; the writer never closes it.
    ///   - name: the file's name for error messages.
    ///   - bufferSize: bytes collected before a `write(2)`.
    public init(fd: Int32, name: String, bufferSize: Int = 1 << 20) {
        self.fd = fd
        self.name = name
        buffer = .allocate(byteCount: max(bufferSize, 1), alignment: 16)
    }

    deinit { buffer.deallocate() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard !closed else { throw OutputError(file: name, "write after close") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if used + bytes.count <= buffer.count {
            (buffer.baseAddress! + used).copyMemory(from: base, byteCount: bytes.count)
            used += bytes.count
            return
        }
        try flush()
        if bytes.count >= buffer.count {
            try emit(base, bytes.count)
        } else {
            buffer.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
            used = bytes.count
        }
    }

    public func close() throws(OutputError) {
        guard !closed else { return }
        closed = true
        try flush()
    }

    private func flush() throws(OutputError) {
        guard used > 0 else { return }
        let n = used
        used = 0
        try emit(buffer.baseAddress!, n)
    }

    private func emit(_ base: UnsafeRawPointer, _ count: Int) throws(OutputError) {
        let code = SystemCalls.writeAll(fd, base, count)
        if code != 0 { throw OutputError(file: name, "write failed: \(SystemCalls.message(code))") }
    }
}
