/// Streams the lines of a file or of standard input (`-`), plain or gzip, in constant memory.
///
/// gzip is recognised by its magic bytes (`1f 8b`), not by the name, and may consist of
/// several concatenated members (as `cat a.gz b.gz` or `pigz` produce). Plain input is read
/// in 256 KiB pieces; lines are split with `memchr`, and only the bytes of a line that crosses
/// a chunk boundary are copied. Lines end at `\n`; a `\r` before it is dropped, and a last
/// line without `\n` still counts. A UTF-8 byte-order mark at the start is skipped.
///
/// gzip input is decoded by ``GzipDecoder`` (libdeflate for whole members of at most 1 MiB,
/// zlib otherwise) on a thread of its own (``GzipPrefetcher``), a few pieces ahead, so that
/// inflating overlaps with the caller's work on the lines. Lines are returned from the
/// decoded pieces themselves; only a line that crosses from one piece into the next is copied.
///
/// ```swift
/// let input = try InputReader(path: "trace.jsonl.gz")
/// while let line = try input.nextLine() {
///     // `line` is valid until the next call; input.lineNumber is its 1-based number.
/// }
/// ```
public final class InputReader {
    /// The path as given (`-` for standard input).
    public let path: String
    /// The name for messages (`<stdin>` for `-`).
    public let name: String
    /// The longest line accepted (bytes, without the line end).
    public let maxLineLength: Int
    /// Whether the input is gzip-compressed.
    public private(set) var isCompressed = false
    /// The 1-based number of the line last returned (0 before the first).
    public var lineNumber: Int { c.lineNumber }
    /// Whether the last error thrown was a too-long line, after which reading may go on
    /// (the next ``nextLine()`` returns the line after it).
    public var canResumeAfterError: Bool { c.canResumeAfterError }
    /// Whether a gzip stream cut in the middle of compressed data ends the input (its bytes
    /// decoded so far are returned, the last line as ``lastLineUnterminated``) instead of
    /// being an error: for reading what a killed writer left.
    public var acceptsTruncatedGzip = false
    /// Whether the line last returned ended the input without a line end (a file cut in the
    /// middle of a line, or simply one without a final `\n`).
    public private(set) var lastLineUnterminated = false

    static let readSize = 256 << 10
    /// The most bytes one gzip piece decodes to.
    static let inflateSize = GzipDecoder.pieceSize

    private var fd: Int32
    private let ownsDescriptor: Bool
    /// The reader's own buffer: plain input, and gzip lines too long for a block's headroom.
    private let ownBuffer: UnsafeMutablePointer<UInt8>
    /// Where the current bytes are: ``ownBuffer`` or a block of ``prefetcher``.
    private var buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The reading position, in one struct so that the per-line fast path in ``nextLine()``
    /// pays one exclusivity check instead of one per property (this is a class).
    private struct Cursor {
        /// Decoded bytes `start..<end` are not returned yet; `scanFrom` is where to look for
        /// the next `\n`.
        var start = 0
        var end = 0
        var scanFrom = 0
        var lineNumber = 0
        var canResumeAfterError = false
        /// No more decoded bytes will come.
        var decodedEOF = false
        /// After a too-long line: drop bytes up to its end before reading on.
        var skippingLongLine = false

        /// The next line when it is complete in the buffer and no special case applies.
        @inline(__always)
        mutating func fastLine(_ buffer: UnsafeMutablePointer<UInt8>, maxLineLength: Int) -> UnsafeBufferPointer<UInt8>? {
            guard !skippingLongLine, scanFrom < end,
                  let hit = memchr(buffer + scanFrom, 0x0A, end - scanFrom) else { return nil }
            let newline = hit.assumingMemoryBound(to: UInt8.self) - buffer
            var length = newline - start
            if length > 0 && buffer[newline - 1] == 0x0D { length -= 1 }
            guard length <= maxLineLength else { return nil }
            let line = UnsafeBufferPointer(start: UnsafePointer(buffer + start), count: length)
            canResumeAfterError = false
            lineNumber += 1
            start = newline + 1
            scanFrom = start
            return line
        }
    }
    @exclusivity(unchecked) private var c = Cursor()
    /// Decodes gzip input ahead of the reader (nil for plain input, and after ``close()``).
    private var prefetcher: GzipPrefetcher?

    /// Opens `path` (or standard input for `-`) and reads its first bytes to detect gzip.
    /// - Parameter maxLineLength: longer lines are an error, so a file without line breaks
    ///   cannot make the reader grow without bound (default 1 MiB).
    /// - Throws: ``InputError`` when the file cannot be opened or read.
    public init(path: String, maxLineLength: Int = 1 << 20) throws(InputError) {
        self.path = path
        self.maxLineLength = max(maxLineLength, 1)
        if path == "-" {
            name = "<stdin>"
            fd = 0
            ownsDescriptor = false
        } else {
            name = path
            // Opening a FIFO waits for its writer: a signal ends the wait only for a stop.
            repeat {
                fd = open(path, O_RDONLY | O_CLOEXEC)
            } while fd < 0 && errno == EINTR && !StopRequest.isRequested
            ownsDescriptor = fd >= 0
        }
        // Room for a partial line (with its `\r`) plus one inflated or read piece.
        capacity = self.maxLineLength + 2 + Self.inflateSize
        ownBuffer = .allocate(capacity: capacity)
        buffer = ownBuffer
        guard fd >= 0 else {
            let code = errno
            if code == EINTR { throw StopRequest.error(file: name) }
            throw InputError(file: name, code == ENOENT ? "no such file" : "cannot open: \(SystemCalls.message(code))")
        }
        try detectFormat()
    }

    deinit {
        close()
        ownBuffer.deallocate()
    }

    /// Releases the file and the decompressor early; afterwards ``nextLine()`` returns nil.
    public func close() {
        if let prefetcher {
            prefetcher.stop()
            self.prefetcher = nil
        }
        if ownsDescriptor && fd >= 0 { SystemCalls.closeDescriptor(fd) }
        fd = -1
        buffer = ownBuffer
        c.decodedEOF = true
        c.start = 0
        c.end = 0
        c.scanFrom = 0
    }

    private func detectFormat() throws(InputError) {
        // Three bytes: the gzip magic needs two, a UTF-8 byte-order mark three (a pipe's first
        // read may return fewer).
        var n = 0
        while n < 3 {
            let got = try readRaw(into: ownBuffer + n, count: Self.readSize - n)
            if got == 0 { break }
            n += got
        }
        if n >= 2 && ownBuffer[0] == 0x1F && ownBuffer[1] == 0x8B {
            isCompressed = true
            let decoder = try GzipDecoder(fd: fd, first: UnsafeBufferPointer(start: ownBuffer, count: n), name: name)
            prefetcher = GzipPrefetcher(decoder: decoder)
        } else {
            c.end = n
            if n == 0 { c.decodedEOF = true }
            skipByteOrderMark()
        }
    }

    /// Whether the first decoded bytes were checked for a byte-order mark.
    private var checkedByteOrderMark = false

    /// Skips a UTF-8 byte-order mark (EF BB BF) at the start of the input, once.
    private func skipByteOrderMark() {
        guard !checkedByteOrderMark else { return }
        checkedByteOrderMark = true
        if c.end - c.start >= 3 && buffer[c.start] == 0xEF && buffer[c.start + 1] == 0xBB && buffer[c.start + 2] == 0xBF {
            c.start += 3
            c.scanFrom = max(c.scanFrom, c.start)
        }
    }

    private func readRaw(into base: UnsafeMutablePointer<UInt8>, count: Int) throws(InputError) -> Int {
        try SystemCalls.readInput(fd, base, count, file: name)
    }

    /// The next line without its line end, or nil at the end of the input.
    ///
    /// The bytes are valid only until the next call. ``lineNumber`` is the line's number.
    /// - Throws: ``InputError`` for a line longer than ``maxLineLength``, a read error, or a
    ///   truncated or corrupt gzip stream. After a too-long line the next call resumes at the
    ///   line after it (so a caller may skip it); after any other error the input is unusable.
    public func nextLine() throws(InputError) -> UnsafeBufferPointer<UInt8>? {
        if let line = c.fastLine(buffer, maxLineLength: maxLineLength) { return line }
        c.canResumeAfterError = false
        while true {
            if c.skippingLongLine {
                if c.start < c.end, let hit = memchr(buffer + c.start, 0x0A, c.end - c.start) {
                    c.start = hit.assumingMemoryBound(to: UInt8.self) - buffer + 1
                    c.scanFrom = c.start
                    c.skippingLongLine = false
                    c.lineNumber += 1
                    continue
                }
                c.start = 0
                c.end = 0
                c.scanFrom = 0
                if c.decodedEOF {
                    c.skippingLongLine = false
                    c.lineNumber += 1
                    return nil
                }
                try readMore()
                continue
            }
            if c.scanFrom < c.end, let hit = memchr(buffer + c.scanFrom, 0x0A, c.end - c.scanFrom) {
                let newline = hit.assumingMemoryBound(to: UInt8.self) - buffer
                let lineStart = c.start
                c.start = newline + 1
                c.scanFrom = c.start
                return try finishLine(from: lineStart, to: newline)
            }
            c.scanFrom = c.end
            if c.end - c.start > maxLineLength + 1 {
                c.skippingLongLine = true
                throw lineTooLong()
            }
            if c.decodedEOF {
                guard c.start < c.end else { return nil }
                let lineStart = c.start
                c.start = c.end
                lastLineUnterminated = true
                return try finishLine(from: lineStart, to: c.end)
            }
            try readMore()
        }
    }

    private func finishLine(from lineStart: Int, to lineEnd: Int) throws(InputError) -> UnsafeBufferPointer<UInt8> {
        c.lineNumber += 1
        var length = lineEnd - lineStart
        if length > 0 && buffer[lineStart + length - 1] == 0x0D { length -= 1 }
        if length > maxLineLength { throw lineTooLong(line: c.lineNumber) }
        return UnsafeBufferPointer(start: buffer + lineStart, count: length)
    }

    private func lineTooLong(line: Int? = nil) -> InputError {
        c.canResumeAfterError = true
        return InputError(file: name, line: line ?? c.lineNumber + 1, "line longer than \(maxLineLength) bytes")
    }

    /// Calls `body` with each remaining line and its number.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(InputError) -> Void) throws(InputError) {
        while let line = try nextLine() { try body(line, c.lineNumber) }
    }

    /// Brings more bytes after the pending ones (`c.start..<c.end`, no line end among them),
    /// or sets `decodedEOF`.
    private func readMore() throws(InputError) {
        let pending = c.end - c.start
        guard let prefetcher else {
            if c.start > 0 {
                if pending > 0 { ownBuffer.update(from: ownBuffer + c.start, count: pending) }
                c.start = 0
                c.end = pending
                c.scanFrom = pending
            }
            let n = try readRaw(into: ownBuffer + c.end, count: min(Self.readSize, capacity - c.end))
            if n == 0 { c.decodedEOF = true } else { c.end += n }
            return
        }
        let taken: (block: UnsafeMutablePointer<UInt8>, count: Int)?
        do {
            taken = try prefetcher.take()
        } catch {
            guard acceptsTruncatedGzip && error.message == GzipDecoder.truncatedMessage else { throw error }
            taken = nil
        }
        guard let (block, count) = taken else {
            c.decodedEOF = true
            return
        }
        let headroom = GzipPrefetcher.headroom
        if pending <= headroom {
            // The pending bytes go just before the new data, in the block's headroom.
            let start = headroom - pending
            if pending > 0 { (block + start).update(from: buffer + c.start, count: pending) }
            prefetcher.keepNewest()
            buffer = block
            c.start = start
        } else {
            // A long line: pending and new bytes both into the reader's own buffer.
            if buffer != ownBuffer || c.start > 0 { ownBuffer.update(from: buffer + c.start, count: pending) }
            (ownBuffer + pending).update(from: block + headroom, count: count)
            prefetcher.giveBackAll()
            buffer = ownBuffer
            c.start = 0
        }
        c.end = c.start + pending + count
        c.scanFrom = c.start + pending
        if !checkedByteOrderMark { skipByteOrderMark() }
    }
}
