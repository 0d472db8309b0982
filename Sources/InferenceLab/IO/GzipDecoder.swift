#if Libdeflate
import CDeflate
#endif
import CZlib

/// Decodes a gzip file piece by piece for ``InputReader``: reads the compressed bytes from a
/// descriptor (which it does not own) and writes the decoded bytes wherever it is asked to.
///
/// zlib streams every member, ``pieceSize`` of output at a time. With the `Libdeflate` trait,
/// members are decoded in one piece by libdeflate when the whole member is in the input
/// window (``memberWindow`` bytes, or the rest of the file) and it inflates to at most
/// ``pieceSize``: the event-log writer's members (``GzipMemberWriter``) always do. Any other
/// member (larger, with a header CRC, a zlib stream, corrupt or truncated data) is streamed by
/// zlib from its first byte, ``pieceSize`` of output at a time, so errors and their messages
/// are zlib's.
///
/// Not thread-safe: one thread at a time (``GzipPrefetcher`` runs it on its own).
final class GzipDecoder {
    /// The most bytes one ``decode(into:)`` writes.
    static let pieceSize = 1 << 20
    /// Compressed bytes wanted in the window before libdeflate tries a member: more than any
    /// member of at most `pieceSize` bytes takes (stored blocks cost 5 bytes per 64 KiB),
    /// with room for a long header.
    static let memberWindow = pieceSize + (1 << 20)
    /// The compressed window's size.
    static let rawCapacity = 2 * memberWindow

    private let fd: Int32
    private let name: String
    /// Compressed input: bytes `rawStart..<rawEnd` are not consumed yet.
    private let raw: UnsafeMutablePointer<UInt8>
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false
    /// zlib, set up at the first member libdeflate does not decode.
    private var stream: UnsafeMutablePointer<z_stream>?
#if Libdeflate
    /// libdeflate.
    private let decompressor: OpaquePointer
#endif
    /// zlib is in the middle of a member.
    private var streaming = false
    /// Members in a row that libdeflate could not decode: after four (a file of members over
    /// 1 MiB, say), it is not tried again, so such a file does not pay for a failed try each.
    private var missesInARow = 0

    /// - Parameters:
    ///   - fd: the file, positioned after `first`.
    ///   - first: the bytes already read from it (at least the gzip magic).
    ///   - name: the file's name for messages.
    init(fd: Int32, first: UnsafeBufferPointer<UInt8>, name: String) throws(InputError) {
#if Libdeflate
        guard let d = libdeflate_alloc_decompressor() else {
            throw InputError(file: name, "cannot start gzip decompression (out of memory)")
        }
        decompressor = d
#endif
        self.fd = fd
        self.name = name
        raw = .allocate(capacity: Self.rawCapacity)
        if let base = first.baseAddress { raw.update(from: base, count: first.count) }
        rawEnd = first.count
    }

    deinit {
        if let stream {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
#if Libdeflate
        libdeflate_free_decompressor(decompressor)
#endif
        raw.deallocate()
    }

    /// Decodes the next piece (at most ``pieceSize`` bytes) to `out`; 0 at the end of the file.
    /// - Throws: ``InputError`` for a read error or truncated or corrupt data.
    func decode(into out: UnsafeMutablePointer<UInt8>) throws(InputError) -> Int {
        let room = Self.pieceSize
        while true {
            if !streaming {
                try fillRaw(wanted: Self.memberWindow)
                if rawStart == rawEnd { return 0 }  // the file ends after a complete member
#if Libdeflate
                if missesInARow < 4, rawEnd - rawStart >= 18, raw[rawStart] == 0x1F, raw[rawStart + 1] == 0x8B,
                   raw[rawStart + 2] == 8, raw[rawStart + 3] & 0x02 == 0 {
                    var used = 0, produced = 0
                    let rc = libdeflate_gzip_decompress_ex(decompressor, raw + rawStart, rawEnd - rawStart,
                                                           out, room, &used, &produced)
                    if rc == LIBDEFLATE_SUCCESS {
                        rawStart += used
                        missesInARow = 0
                        if produced > 0 { return produced }
                        continue  // an empty member: on to the next one
                    }
                    missesInARow += 1
                }
#endif
                // Not one libdeflate can bound (or bad data): zlib from the member's first byte.
                try startStreaming()
            }
            let produced = try inflateStreaming(into: out, room: room)
            if produced > 0 { return produced }
        }
    }

    private func readRaw(into base: UnsafeMutablePointer<UInt8>, count: Int) throws(InputError) -> Int {
        try SystemCalls.readInput(fd, base, count, file: name)
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

    /// The message of the error for a stream that ends inside compressed data.
    static let truncatedMessage = "truncated gzip stream (the file ends in the middle of compressed data)"

    /// zlib: up to `room` bytes of the current member; at its end, back to member-wise decoding.
    private func inflateStreaming(into out: UnsafeMutablePointer<UInt8>, room: Int) throws(InputError) -> Int {
        guard let s = stream else { return 0 }
        s.pointee.next_out = out
        s.pointee.avail_out = UInt32(room)
        while s.pointee.avail_out == UInt32(room) {
            if rawStart == rawEnd && !rawEOF {
                rawStart = 0
                rawEnd = 0
                try fillRaw(wanted: 1)
            }
            if rawStart == rawEnd && rawEOF {
                throw InputError(file: name, Self.truncatedMessage)
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
        return room - Int(s.pointee.avail_out)
    }
}
