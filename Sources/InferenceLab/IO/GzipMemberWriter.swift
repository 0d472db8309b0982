import Dispatch

/// Compresses bytes into a gzip stream of independent members, on a file descriptor.
///
/// Input collects in a buffer of `memberSize` bytes; each full buffer becomes one complete
/// gzip member (header, deflate data, CRC-32 and length). Concatenated members are a valid
/// gzip file (RFC 1952 §2.2): `gzip -d`, zlib's `inflate` with automatic header detection
/// and ``InputReader`` all read them as one stream. ``GzipMemberCompressor`` compresses each
/// member (zlib, or libdeflate with the `Libdeflate` trait).
/// Members are compressed and written on a background queue while the caller fills the next
/// one, so a simulation that writes its event log uses the machine's second core; an error
/// there is reported by the next `write` or by `close`.
public final class GzipMemberWriter: ByteWriter, @unchecked Sendable {
    // @unchecked Sendable: the background queue only touches the compressor, the output
    // buffer, the input buffer it was handed and `failure`; the semaphore orders every such
    // access before the caller's next look at them (at most one member is in flight).

    /// The name used in error messages.
    public let name: String
    private let fd: Int32
    private let compressor: GzipMemberCompressor
    /// Two input buffers: the caller fills one while the queue compresses the other.
    private let inputs: [UnsafeMutablePointer<UInt8>]
    private var current = 0
    private let memberSize: Int
    private var used = 0
    private let output: UnsafeMutablePointer<UInt8>
    private let outputSize: Int
    private var closed = false
    /// Compression and writing run here, overlapping the caller's work on the next member.
    private let queue = DispatchQueue(label: "inference-lab.gzip")
    /// Signalled when the member in flight is written (value 1: none in flight).
    private let idle = DispatchSemaphore(value: 1)
    /// The first error of a member written in the background.
    private var failure: OutputError?

    /// - Parameters:
    ///   - fd: an open descriptor; the writer never closes it.
    ///   - name: the file's name for error messages.
    ///   - level: compression level, 0–9.
    ///   - memberSize: uncompressed bytes per gzip member (default 1 MiB).
    public init(fd: Int32, name: String, level: Int32 = 1, memberSize: Int = 1 << 20) throws(OutputError) {
        self.fd = fd
        self.name = name
        self.memberSize = max(memberSize, 4096)
        compressor = try GzipMemberCompressor(level: level, capacity: self.memberSize, name: name)
        inputs = [.allocate(capacity: self.memberSize), .allocate(capacity: self.memberSize)]
        outputSize = compressor.bound
        output = .allocate(capacity: outputSize)
    }

    deinit {
        // A member may still be in flight (the owner aborted without closing): let it end
        // before the buffers go.
        waitForMemberInFlight()
        for buffer in inputs { buffer.deallocate() }
        output.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard !closed else { throw OutputError(file: name, "write after close") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, memberSize - used)
            (inputs[current] + used).update(from: (base + offset).assumingMemoryBound(to: UInt8.self), count: n)
            used += n
            offset += n
            if used == memberSize { try submitMember() }
        }
    }

    /// Writes the last member (an empty input still gives one valid, empty member) and waits
    /// for it.
    public func close() throws(OutputError) {
        guard !closed else { return }
        closed = true
        try submitMember(force: true)
        waitForMemberInFlight()
        if let failure { throw failure }
    }

    public func abandon() {
        closed = true
        waitForMemberInFlight()
    }

    /// Returns once no member is being compressed or written.
    private func waitForMemberInFlight() {
        idle.wait()
        idle.signal()
    }

    /// Hands the current buffer to the queue once the member before it is written, and
    /// switches to the other buffer.
    private func submitMember(force: Bool = false) throws(OutputError) {
        guard used > 0 || force else { return }
        idle.wait()
        if let failure {
            idle.signal()
            throw failure
        }
        let buffer = current, count = used
        current ^= 1
        used = 0
        queue.async { [self] in
            compressMember(inputs[buffer], count)
            idle.signal()
        }
    }

    /// Runs on the queue.
    private func compressMember(_ input: UnsafeMutablePointer<UInt8>, _ count: Int) {
        guard let n = compressor.compress(input, count, into: output) else { failure = OutputError(file: name, "gzip compression failed"); return }
        let code = SystemCalls.writeAll(fd, output, n)
        if code != 0 { failure = OutputError(file: name, "write failed: \(SystemCalls.message(code))") }
    }
}
