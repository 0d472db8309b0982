/// A destination for an encoded byte stream: ``PlainWriter`` or ``GzipMemberWriter``.
///
/// Writers buffer internally and write to a file descriptor they do not own; `close()` flushes
/// (and for gzip finishes the stream with its trailer) but leaves the descriptor open, since
/// its owner (``AtomicOutputFile`` or standard output) decides what happens to it.
public protocol ByteWriter: AnyObject {
    /// Appends bytes to the stream.
    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError)
    /// Flushes everything written so far and ends the stream. Writing afterwards is an error.
    func close() throws(OutputError)
    /// Stops without finishing the stream, once no write to the descriptor is under way (so
    /// that its owner may close it).
    func abandon()
}

extension ByteWriter {
    /// Writers that write only from the caller's thread have nothing to wait for.
    public func abandon() {}

    /// Appends the buffer's bytes.
    public func write(_ buffer: ByteBuffer) throws(OutputError) {
        let result: Result<Void, OutputError> = buffer.bytes.withUnsafeBytes { raw in
            do throws(OutputError) { try write(raw); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }
}
