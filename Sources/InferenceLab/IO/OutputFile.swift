/// How an ``OutputFile`` encodes its bytes.
public enum OutputCompression: Sendable, Equatable {
    /// gzip when the name ends in `.gz`, plain otherwise (so `-` is plain).
    case automatic
    case none
    /// gzip at the given zlib level (0–9).
    case gzip(level: Int32)
}

/// An output stream to a named file or to standard output (`-`), plain or gzip.
///
/// Files are written through ``AtomicOutputFile``: nothing appears under the final name until
/// ``commit()``, and ``abort()`` leaves nothing behind. Standard output, and a target that is
/// not a regular file (a device, a FIFO), are written directly.
public final class OutputFile {
    /// The path as given (`-` for standard output).
    public let path: String
    /// The name for messages (`<stdout>` for `-`).
    public let name: String
    /// Whether the stream is gzip-compressed.
    public let isCompressed: Bool
    private let file: AtomicOutputFile?
    private let writer: any ByteWriter
    private var finished = false

    /// Opens `path` for writing.
    /// - Parameters:
    ///   - compression: `.automatic` compresses at `gzipLevel` when the name ends in `.gz`.
    ///   - gzipLevel: the level used by `.automatic` (default 1).
    /// - Throws: ``InputError`` when the file cannot be created (missing directory, …).
    public init(path: String, compression: OutputCompression = .automatic, gzipLevel: Int32 = 1) throws(InputError) {
        self.path = path
        let level: Int32?
        switch compression {
        case .automatic: level = path.hasSuffix(".gz") ? gzipLevel : nil
        case .none: level = nil
        case .gzip(let l): level = l
        }
        isCompressed = level != nil
        let fd: Int32
        if path == "-" {
            name = "<stdout>"
            file = nil
            fd = 1
        } else {
            name = path
            let f = try AtomicOutputFile(path: path)
            file = f
            fd = f.descriptor
        }
        if let level {
            do {
                // Independent members; the compressor refuses a level outside 0–9.
                writer = try GzipMemberWriter(fd: fd, name: name, level: level)
            } catch {
                file?.abort()
                throw InputError(file: name, error.message)
            }
        } else {
            writer = PlainWriter(fd: fd, name: name)
        }
    }

    deinit {
        if !finished {
            writer.abandon()
            file?.abort()
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        try writer.write(bytes)
    }

    public func write(_ buffer: ByteBuffer) throws(OutputError) {
        try writer.write(buffer)
    }

    /// Ends the stream (gzip trailer), then renames the file into place. On failure the
    /// temporary file is removed.
    public func commit() throws(OutputError) {
        guard !finished else { throw OutputError(file: name, "output already finished") }
        finished = true
        do {
            try writer.close()
        } catch {
            file?.abort()
            throw error
        }
        try file?.commit()
    }

    /// Drops everything written: the temporary file is removed (standard output is left as is).
    public func abort() {
        guard !finished else { return }
        finished = true
        writer.abandon()
        file?.abort()
    }
}
