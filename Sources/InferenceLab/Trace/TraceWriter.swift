/// Writes a trace in the native format (traces/README.md), one request per line:
///
/// ```
/// {"arrival_time":4.314579,"prompt_tokens":396,"output_tokens":109}
/// {"arrival_time":0.0,"prompt_tokens":6758,"output_tokens":500,"prefix_hashes":[0,1,2]}
/// ```
///
/// Fields in this order: `arrival_time`, `prompt_tokens`, `output_tokens`, then `request_id`
/// (only when given), `priority` (only when not 0), `session_id` and `turn` (only when given)
/// and `prefix_hashes` (only when not empty).
/// Times are written in their shortest round-trip form (`0.0`, `4.314579`), so they read back
/// as exactly the `Double` written; pass ``roundedArrival(_:)`` to write them to 1e-7 s as
/// the converters do. The file appears under its name only after ``commit()``.
public final class TraceWriter {
    /// Bytes collected before they go to the (gzip) output.
    static let flushThreshold = 256 << 10

    /// The output's name for messages (`<stdout>` for `-`).
    public var name: String { output.name }
    /// Requests written so far.
    public private(set) var count = 0

    private let output: OutputFile
    private var buffer = ByteBuffer(capacity: TraceWriter.flushThreshold + (64 << 10))

    /// Opens `path` (`-` for standard output): gzip when the name ends in `.gz`.
    /// - Parameter gzipLevel: zlib level (default 6: traces are written once and kept).
    /// - Throws: ``InputError`` when the file cannot be created.
    public init(path: String, gzipLevel: Int32 = 6) throws(InputError) {
        output = try OutputFile(path: path, compression: .automatic, gzipLevel: gzipLevel)
    }

    /// `t` rounded to a multiple of 1e-7 s, the precision of the published native traces.
    public static func roundedArrival(_ t: Double) -> Double {
        (t * 1e7).rounded() / 1e7
    }

    /// Appends one request.
    /// - Precondition: `arrivalTime` is finite.
    public func append(arrivalTime: Double, promptTokens: Int, outputTokens: Int, requestID: String? = nil,
                       priority: Int = 0, prefixHashes: [UInt64] = [],
                       sessionID: Int? = nil, turn: Int? = nil) throws(OutputError) {
        precondition((sessionID ?? 0) >= 0 && (turn ?? 0) >= 0 && (turn == nil || sessionID != nil),
                     "session ids and turns are non-negative; a turn needs its session")
        precondition(arrivalTime.isFinite, "arrival times are finite")
        buffer.append(ascii: #"{"arrival_time":"#)
        buffer.append(arrivalTime)
        buffer.append(ascii: #","prompt_tokens":"#)
        buffer.append(promptTokens)
        buffer.append(ascii: #","output_tokens":"#)
        buffer.append(outputTokens)
        if let requestID {
            buffer.append(ascii: #","request_id":"#)
            buffer.appendJSONString(requestID)
        }
        if priority != 0 {
            buffer.append(ascii: #","priority":"#)
            buffer.append(priority)
        }
        if let sessionID {
            buffer.append(ascii: #","session_id":"#)
            buffer.append(sessionID)
        }
        if let turn {
            buffer.append(ascii: #","turn":"#)
            buffer.append(turn)
        }
        if !prefixHashes.isEmpty {
            buffer.append(ascii: #","prefix_hashes":["#)
            for (k, h) in prefixHashes.enumerated() {
                if k > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.append(h)
            }
            buffer.append(UInt8(ascii: "]"))
        }
        buffer.append(ascii: "}\n")
        count += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    private func flush() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll() }
        do { try output.write(buffer) } catch {
            output.abort()
            throw error
        }
    }

    /// Writes what is buffered, ends the stream and renames the file into place.
    public func commit() throws(OutputError) {
        try flush()
        try output.commit()
    }

    /// Drops the output: nothing is left under its name.
    public func abort() {
        buffer.removeAll()
        output.abort()
    }
}
