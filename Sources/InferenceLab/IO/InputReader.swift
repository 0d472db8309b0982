import CDeflate
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the lines of a file or of standard input (`-`), plain or gzip, in constant memory.
///
/// gzip is recognised by its magic bytes (`1f 8b`), not by the name, and may consist of
/// several concatenated members (as `cat a.gz b.gz` or `pigz` produce). Plain input is read
/// in 256 KiB pieces; lines are split with `memchr`, and only the bytes of a line that crosses
/// a chunk boundary are copied. Lines end at `\n`; a `\r` before it is dropped, and a last
/// line without `\n` still counts.
///
/// gzip members are decoded in one piece by libdeflate when the whole member is in the input
/// window (``memberWindow`` bytes, or the rest of the file) and it inflates to at most 1 MiB:
/// the event-log writer's members (``GzipMemberWriter``) always do. Any other member (larger,
/// with a header CRC, a zlib stream, corrupt or truncated data) is streamed by zlib from its
/// first byte, 1 MiB of output at a time, so errors and their messages are zlib's.
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

    static let readSize = 256 << 10
    static let inflateSize = 1 << 20
    /// Compressed bytes wanted in the window before libdeflate tries a member: more than any
    /// member of at most `inflateSize` bytes takes (stored blocks cost 5 bytes per 64 KiB),
    /// with room for a long header.
    static let memberWindow = inflateSize + (1 << 20)
    /// The compressed window's size.
    static let rawCapacity = 2 * memberWindow

    private var fd: Int32
    private let ownsDescriptor: Bool
    /// Compressed input (gzip only after the first read): bytes `rawStart..<rawEnd` are
    /// not consumed yet.
    private let raw: UnsafeMutablePointer<UInt8>
    private var rawStart = 0
    private var rawEnd = 0
    /// Decoded bytes; the current partial line is kept at its start.
    private let buffer: UnsafeMutablePointer<UInt8>
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
    private var c = Cursor()
    /// zlib, set up at the first member libdeflate does not decode.
    private var stream: UnsafeMutablePointer<z_stream>?
    /// libdeflate, for gzip input.
    private var decompressor: OpaquePointer?
    /// zlib is in the middle of a member.
    private var streaming = false
    /// Members in a row that libdeflate could not decode: after four (a file of members over
    /// 1 MiB, say), it is not tried again, so such a file does not pay for a failed try each.
    private var missesInARow = 0
    private var rawEOF = false
    /// Set while gzip input is open (until ``close()``).
    private var isGzipOpen = false

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
            fd = open(path, O_RDONLY | O_CLOEXEC)
            ownsDescriptor = fd >= 0
        }
        // Room for a partial line (with its `\r`) plus one inflated or read piece.
        capacity = self.maxLineLength + 2 + Self.inflateSize
        raw = .allocate(capacity: Self.rawCapacity)
        buffer = .allocate(capacity: capacity)
        guard fd >= 0 else {
            let code = errno
            throw InputError(file: name, code == ENOENT ? "no such file" : "cannot open: \(SystemCalls.message(code))")
        }
        try detectFormat()
    }

    deinit {
        close()
        raw.deallocate()
        buffer.deallocate()
    }

    /// Releases the file and the decompressor early; afterwards ``nextLine()`` returns nil.
    public func close() {
        if let stream {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            self.stream = nil
        }
        if let decompressor {
            libdeflate_free_decompressor(decompressor)
            self.decompressor = nil
        }
        isGzipOpen = false
        if ownsDescriptor && fd >= 0 { SystemCalls.closeDescriptor(fd) }
        fd = -1
        c.decodedEOF = true
        rawEOF = true
        c.start = 0
        c.end = 0
        c.scanFrom = 0
    }

    private func detectFormat() throws(InputError) {
        var n = 0
        while n < 2 {
            let got = try readRaw(into: raw + n, count: Self.readSize - n)
            if got == 0 { break }
            n += got
        }
        if n >= 2 && raw[0] == 0x1F && raw[1] == 0x8B {
            isCompressed = true
            guard let d = libdeflate_alloc_decompressor() else {
                throw InputError(file: name, "cannot start gzip decompression (out of memory)")
            }
            decompressor = d
            isGzipOpen = true
            rawStart = 0
            rawEnd = n
        } else {
            buffer.update(from: raw, count: n)
            c.end = n
            if n == 0 { c.decodedEOF = true; rawEOF = true }
        }
    }

    private func readRaw(into base: UnsafeMutablePointer<UInt8>, count: Int) throws(InputError) -> Int {
        let n = SystemCalls.readSome(fd, base, count)
        if n < 0 {
            let code = Int32(-n)
            throw InputError(file: name, code == EISDIR ? "is a directory" : "read failed: \(SystemCalls.message(code))")
        }
        return n
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
                if isGzipOpen { try inflateMore() } else { try readMore() }
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
                return try finishLine(from: lineStart, to: c.end)
            }
            if c.start > 0 {
                let pending = c.end - c.start
                if pending > 0 { buffer.update(from: buffer + c.start, count: pending) }
                c.start = 0
                c.end = pending
                c.scanFrom = pending
            }
            if isGzipOpen { try inflateMore() } else { try readMore() }
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

    private func readMore() throws(InputError) {
        let n = try readRaw(into: buffer + c.end, count: min(Self.readSize, capacity - c.end))
        if n == 0 { c.decodedEOF = true; rawEOF = true } else { c.end += n }
    }

    /// Reads more compressed bytes until the window holds `wanted` of them or the file ended.
    private func fillRaw(wanted: Int) throws(InputError) {
        while rawEnd - rawStart < wanted && !rawEOF {
            if rawEnd == Self.rawCapacity || (rawStart > 0 && Self.rawCapacity - rawStart < wanted) {
                let pending = rawEnd - rawStart
                if pending > 0 && rawStart > 0 { raw.update(from: raw + rawStart, count: pending) }
                rawStart = 0
                rawEnd = pending
            }
            let n = try readRaw(into: raw + rawEnd, count: min(Self.rawCapacity - rawEnd, 1 << 20))
            if n == 0 { rawEOF = true } else { rawEnd += n }
        }
    }

    /// Decodes the next piece of gzip input: one whole member by libdeflate when it can, or
    /// up to 1 MiB streamed by zlib.
    private func inflateMore() throws(InputError) {
        let room = min(Self.inflateSize, capacity - c.end)
        if !streaming {
            try fillRaw(wanted: Self.memberWindow)
            if rawStart == rawEnd {
                c.decodedEOF = true  // the file ends after a complete member
                return
            }
            if let decompressor, missesInARow < 4, rawEnd - rawStart >= 18, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B,
               raw[rawStart + 2] == 8, raw[rawStart + 3] & 0x02 == 0 {
                var used = 0, produced = 0
                let rc = libdeflate_gzip_decompress_ex(decompressor, raw + rawStart, rawEnd - rawStart,
                                                       buffer + c.end, room, &used, &produced)
                if rc == LIBDEFLATE_SUCCESS {
                    rawStart += used
                    c.end += produced
                    missesInARow = 0
                    return
                }
                missesInARow += 1
            }
            // Not one libdeflate can bound (or bad data): zlib from the member's first byte.
            try startStreaming()
        }
        try inflateStreaming(room: room)
    }

    private func startStreaming() throws(InputError) {
        if let s = stream {
            inflateReset(s)
        } else {
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            // 47 = 15 + 32: window 32 KiB, detect gzip or zlib headers automatically.
            let rc = inflateInit2_(s, 47, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else {
                s.deinitialize(count: 1)
                s.deallocate()
                throw InputError(file: name, "cannot start gzip decompression (zlib error \(rc))")
            }
            stream = s
        }
        streaming = true
    }

    /// zlib: up to `room` bytes of the current member; at its end, back to member-wise decoding.
    private func inflateStreaming(room: Int) throws(InputError) {
        guard let s = stream else { c.decodedEOF = true; return }
        s.pointee.next_out = buffer + c.end
        s.pointee.avail_out = UInt32(room)
        while s.pointee.avail_out == UInt32(room) {
            if rawStart == rawEnd && !rawEOF {
                rawStart = 0
                rawEnd = 0
                try fillRaw(wanted: 1)
            }
            if rawStart == rawEnd && rawEOF {
                throw InputError(file: name, "truncated gzip stream (the file ends in the middle of compressed data)")
            }
            s.pointee.next_in = raw + rawStart
            s.pointee.avail_in = UInt32(rawEnd - rawStart)
            let rc = inflate(s, Z_NO_FLUSH)
            rawStart = rawEnd - Int(s.pointee.avail_in)
            switch rc {
            case Z_OK:
                break
            case Z_STREAM_END:
                streaming = false
            case Z_BUF_ERROR where s.pointee.avail_in == 0:
                break  // needs more input
            default:
                let detail = s.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw InputError(file: name, "corrupt gzip data: \(detail)")
            }
            if !streaming { break }
        }
        c.end += room - Int(s.pointee.avail_out)
    }
}
