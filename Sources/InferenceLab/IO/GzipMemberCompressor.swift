#if Libdeflate
import CDeflate
#endif
import CZlib

/// Compresses one buffer into one complete gzip member (header, deflate data, CRC-32, length).
///
/// zlib by default; libdeflate when the package is built with the `Libdeflate` trait (about
/// 1.7× faster at level 1 and about 20 % smaller). Both give members any gzip reader accepts.
/// Not thread-safe: ``GzipMemberWriter`` uses it from one queue at a time.
final class GzipMemberCompressor {
    /// The largest output `compress` can produce for `capacity` input bytes.
    let bound: Int
#if Libdeflate
    private let compressor: OpaquePointer
#else
    private let stream: UnsafeMutablePointer<z_stream>
#endif

    /// - Parameters:
    ///   - level: compression level, 0–9.
    ///   - capacity: the most bytes one member holds.
    init(level: Int32, capacity: Int, name: String) throws(OutputError) {
        guard (0...9).contains(level) else {
            throw OutputError(file: name, "gzip level must be 0–9, got \(level)")
        }
#if Libdeflate
        guard let c = libdeflate_alloc_compressor(level) else {
            throw OutputError(file: name, "cannot start gzip compression (out of memory)")
        }
        compressor = c
        bound = libdeflate_gzip_compress_bound(c, capacity)
#else
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 31 = 15 + 16: a gzip header and trailer instead of zlib's.
        let rc = deflateInit2_(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw OutputError(file: name, "cannot start gzip compression (zlib error \(rc))")
        }
        // deflateBound plus room for the gzip header and trailer.
        bound = Int(deflateBound(stream, UInt(capacity))) + 64
#endif
    }

    deinit {
#if Libdeflate
        libdeflate_free_compressor(compressor)
#else
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
#endif
    }

    /// Compresses `count` bytes of `input` into `output` (room for ``bound`` bytes) as one
    /// gzip member; returns its size, or nil when compression failed.
    func compress(_ input: UnsafeMutablePointer<UInt8>, _ count: Int,
                  into output: UnsafeMutablePointer<UInt8>) -> Int? {
#if Libdeflate
        let n = libdeflate_gzip_compress(compressor, input, count, output, bound)
        return n > 0 ? n : nil
#else
        guard deflateReset(stream) == Z_OK else { return nil }
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(count)
        stream.pointee.next_out = output
        stream.pointee.avail_out = UInt32(bound)
        guard deflate(stream, Z_FINISH) == Z_STREAM_END else { return nil }
        return bound - Int(stream.pointee.avail_out)
#endif
    }
}
