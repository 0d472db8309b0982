import CZlib
@testable import InferenceLab

/// Compresses bytes into one gzip stream (zlib `deflate`, gzip wrapper) on a file descriptor:
/// for the tests, one member of any size (the tools write 1 MiB members with ``GzipMemberWriter``).
///
/// Compressed output collects in a 1 MiB buffer before each `write(2)`. The `z_stream` lives
/// behind a pointer because zlib keeps a pointer back to it, so it must never move.
final class ZlibStreamWriter {
    /// The name used in error messages.
    let name: String
    private let fd: Int32
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutablePointer<UInt8>
    private let outputSize: Int
    private var initialized = false
    private var closed = false

    /// - Parameters:
    ///   - fd: an open descriptor; the writer never closes it.
    ///   - name: the file's name for error messages.
    ///   - level: zlib compression level, 0–9 (default 1).
    ///   - outputBufferSize: compressed bytes collected before a `write(2)`.
    init(fd: Int32, name: String, level: Int32 = 1, outputBufferSize: Int = 1 << 20) throws(OutputError) {
        self.fd = fd
        self.name = name
        outputSize = max(outputBufferSize, 64)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(capacity: outputSize)
        guard (0...9).contains(level) else {
            throw OutputError(file: name, "gzip level must be 0–9, got \(level)")
        }
        // windowBits 31 = 15 + 16: a gzip header and trailer instead of zlib's.
        let rc = deflateInit2_(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw OutputError(file: name, "cannot start gzip compression (zlib error \(rc))") }
        initialized = true
        stream.pointee.next_out = output
        stream.pointee.avail_out = UInt32(outputSize)
    }

    deinit {
        if initialized { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard !closed else { throw OutputError(file: name, "write after close") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            // avail_in is 32-bit: feed huge writes in pieces.
            let piece = min(bytes.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(piece)
            while stream.pointee.avail_in > 0 {
                try deflateOnce(Z_NO_FLUSH)
            }
            offset += piece
        }
        stream.pointee.next_in = nil
    }

    /// Finishes the gzip stream (trailer with CRC and length) and writes everything out.
    func close() throws(OutputError) {
        guard !closed else { return }
        closed = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while try deflateOnce(Z_FINISH) != Z_STREAM_END {}
        try flush()
    }

    @discardableResult
    private func deflateOnce(_ flush: Int32) throws(OutputError) -> Int32 {
        if stream.pointee.avail_out == 0 { try self.flush() }
        let rc = deflate(stream, flush)
        guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else {
            throw OutputError(file: name, "gzip compression failed (zlib error \(rc))")
        }
        if rc == Z_BUF_ERROR && stream.pointee.avail_out != 0 {
            throw OutputError(file: name, "gzip compression made no progress")
        }
        return rc
    }

    private func flush() throws(OutputError) {
        let used = outputSize - Int(stream.pointee.avail_out)
        guard used > 0 else { return }
        let code = SystemCalls.writeAll(fd, output, used)
        if code != 0 { throw OutputError(file: name, "write failed: \(SystemCalls.message(code))") }
        stream.pointee.next_out = output
        stream.pointee.avail_out = UInt32(outputSize)
    }
}
