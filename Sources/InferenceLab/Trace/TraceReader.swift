import InferenceLabCore

/// Streams the requests of a trace file in the native format (traces/README.md): gzip or plain
/// JSONL (detected by magic bytes), or standard input for `-`, in memory independent of the
/// number of lines (apart from the ids, see below).
///
/// ```swift
/// var reader = try TraceReader(path: "traces/azure_conv.sample.jsonl.gz")
/// while let request = try reader.next() { … }
/// ```
///
/// Every bad line is an ``InputError`` naming the file, the line and the field: a missing
/// required field, a value of the wrong type, a length ≤ 0 or beyond Int32, a negative or
/// non-finite time, an arrival earlier than the previous request's, a duplicate id, a line
/// longer than `maxLineLength`. Unknown fields are ignored; blank lines are skipped. With
/// `skipInvalid` such lines are skipped instead and counted in ``skipped``; errors that are
/// not about one line (unreadable file, truncated or corrupt gzip) always stop the reader.
///
/// Ids: a line's id is its `request_id`, or its 0-based line index (`"0"` for line 1) when it
/// has none, which is also what a trace written by `inference-lab generate` relies on. Ids
/// must be unique in the file; see ``RequestIDRegistry`` for how that is checked in bounded
/// memory (about 16 bytes per explicit `request_id`, nothing per implicit id).
public struct TraceReader {
    /// The file's name for messages (`<stdin>` for `-`).
    public var name: String { input.name }
    /// Whether invalid lines are skipped rather than reported as errors.
    public let skipInvalid: Bool
    /// Lines skipped so far (only with ``skipInvalid``).
    public private(set) var skipped = SkippedLines()
    /// Requests returned so far.
    public private(set) var count = 0

    private let input: InputReader
    private var line = TraceLine()
    private var ids = RequestIDRegistry()
    private var lastArrival = -Double.infinity
    private var lastArrivalLine = 0

    /// Opens `path` (`-` for standard input).
    /// - Parameters:
    ///   - skipInvalid: skip and count bad lines instead of throwing.
    ///   - maxLineLength: the longest line accepted, in bytes (default 1 MiB: about 100,000
    ///     prefix hashes).
    /// - Throws: ``InputError`` when the file cannot be opened or read.
    public init(path: String, skipInvalid: Bool = false, maxLineLength: Int = 1 << 20) throws(InputError) {
        input = try InputReader(path: path, maxLineLength: maxLineLength)
        self.skipInvalid = skipInvalid
    }

    /// The next request, or nil at the end of the file.
    /// - Throws: ``InputError`` for a bad line (unless skipped) or a read error.
    public mutating func next() throws(InputError) -> RequestSpec? {
        while true {
            let bytes: UnsafeBufferPointer<UInt8>?
            do {
                bytes = try input.nextLine()
            } catch {
                // A too-long line names its line; the reader resumes after it.
                if skipInvalid && input.canResumeAfterError {
                    skipped.record(error)
                    continue
                }
                throw error
            }
            guard let bytes else { return nil }
            if isBlank(bytes) { continue }
            do {
                let spec = try record(bytes)
                count += 1
                return spec
            } catch {
                guard skipInvalid else { throw error }
                skipped.record(error)
            }
        }
    }

    /// Closes the file early.
    public func close() { input.close() }

    private mutating func record(_ bytes: UnsafeBufferPointer<UInt8>) throws(InputError) -> RequestSpec {
        let number = input.lineNumber
        do {
            try TraceLineParser.parse(bytes, into: &line)
        } catch {
            throw InputError(file: input.name, line: number, field: error.field, error.message)
        }
        if line.arrivalTime < lastArrival {
            throw InputError(file: input.name, line: number, field: "arrival_time",
                             "\(line.arrivalTime) is earlier than \(lastArrival) on line \(lastArrivalLine) (a trace must be sorted by arrival time)")
        }
        let id: String
        if let explicit = line.requestID {
            guard ids.insertExplicit(explicit) else {
                throw InputError(file: input.name, line: number, field: "request_id",
                                 "duplicate id \"\(explicit)\" (ids must be unique; a line without request_id has its 0-based line index as id)")
            }
            id = explicit
        } else {
            guard ids.insertImplicit(number - 1) else {
                throw InputError(file: input.name, line: number, field: "request_id",
                                 "missing, and the default id \"\(number - 1)\" (the 0-based line index) is already used by an explicit request_id")
            }
            id = Self.decimal(number - 1)
        }
        lastArrival = line.arrivalTime
        lastArrivalLine = number
        return RequestSpec(id: id, arrivalTime: line.arrivalTime, promptTokens: line.promptTokens,
                           outputTokens: line.outputTokens, priority: line.priority,
                           prefixHashes: line.prefixHashes, sessionKey: line.sessionKey, turn: line.turn)
    }

    /// `String(n)` for n ≥ 0, without the generic integer formatter (ids up to 15 digits
    /// are small strings: no allocation).
    @inline(__always)
    static func decimal(_ n: Int) -> String {
        guard n >= 0 else { return String(n) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            var v = UInt(n)
            repeat {
                i -= 1
                digits[i] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
            } while v != 0
            return String(decoding: UnsafeBufferPointer(rebasing: digits[i..<20]), as: UTF8.self)
        }
    }

    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in bytes where c != 0x20 && c != 0x09 && c != 0x0D { return false }
        return true
    }
}
