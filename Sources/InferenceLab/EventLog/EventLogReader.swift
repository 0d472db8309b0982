/// Reads an event log (schema `inference-lab.events/1`) back into ``SimulationEvent``s.
///
/// Streams the file (gzip or plain, a path or `-` for standard input) one line at a time, in
/// memory bounded by the longest line and the number of live requests. Slots are assigned
/// here: an `arrival` takes a free slot, and a request's slot is recycled shortly after it
/// finishes, so a ``MetricsReducer`` fed these events computes exactly the ``Summary`` the
/// simulator's own reducer computed during the run.
///
/// ```swift
/// let log = try EventLogReader(path: "run.events.jsonl.gz")
/// var metrics = try log.makeMetricsReducer()
/// try log.read(into: &metrics)
/// print(log.end!.status, metrics.summary().ttft.p99)
/// ```
public final class EventLogReader {
    /// The log's header record.
    public let header: EventLogHeader
    /// The `end` record, once it has been read (nil for a log read with `allowIncomplete`
    /// that has none).
    @exclusivity(unchecked) public private(set) var end: EventLogEnd?
    /// The log's name for messages (`<stdin>` for `-`).
    public var name: String { input.name }
    /// Whether a log without an `end` record is accepted.
    public let allowIncomplete: Bool
    /// The header's line number (1 unless blank lines precede it).
    private let headerLine: Int

    /// Whether the log is a fleet's (schema 2).
    public var isFleet: Bool { header.schema == EventLogSchema.fleet }
    /// Schema 2: the replica of the event ``next()`` returned last (0 for schema 1).
    @exclusivity(unchecked) public private(set) var replica = 0
    /// Schema 2: the replica the request now in `slot` arrived on (0 for schema 1). Not for
    /// the per-record loop: it reads the decoder's state.
    public func replica(of slot: RequestSlot) -> Int { decoder.replica(of: slot) }
    /// Schema 2: called with each `route` record (time, request id, replica, phase) as it is
    /// read.
    public var onRoute: ((Double, String, Int, String) -> Void)? = nil

    private let input: InputReader
    @exclusivity(unchecked) private var finishedReading = false
    @exclusivity(unchecked) private var sawEnd = false
    /// All per-record state lives in one struct. These properties skip Swift's dynamic
    /// exclusivity checks (a runtime call per access, docs/performance.md): a reader
    /// is used by one caller at a time and never hands out references to them.
    @exclusivity(unchecked) private var decoder: EventLogDecoder

    /// Opens a log and reads its header.
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - allowIncomplete: accept a log that ends without an `end` record (a run that was
    ///     killed), dropping a last line cut short and stopping at a gzip stream cut short;
    ///     by default each is an error.
    ///   - maxLineLength: the longest record accepted (default 16 MiB: a step record lists
    ///     its whole batch).
    /// - Throws: ``InputError`` when the file cannot be read, is not an event log, or has
    ///   another schema.
    public init(path: String, allowIncomplete: Bool = false, maxLineLength: Int = 16 << 20) throws(InputError) {
        self.allowIncomplete = allowIncomplete
        input = try InputReader(path: path, maxLineLength: maxLineLength)
        input.acceptsTruncatedGzip = allowIncomplete
        var line: UnsafeBufferPointer<UInt8>?
        repeat { line = try input.nextLine() } while line.map(Self.isBlank) == true
        guard let line else {
            throw InputError(file: input.name, "empty file: not an inference-lab event log")
        }
        headerLine = input.lineNumber
        header = try Self.parseHeader(line, file: input.name, line: headerLine)
        decoder = EventLogDecoder(file: input.name)
        decoder.checksReplicas = isFleet
        if isFleet, let replicas = header.replicas { decoder.replicaCount = replicas }
    }

    /// Builds a reducer with the hardware peaks from the header's config.
    /// - Throws: ``InputError`` when the config lacks `hardware.compute_flops` or
    ///   `hardware.memory_bandwidth`.
    public func makeMetricsReducer() throws(InputError) -> MetricsReducer {
        guard let flops = header.computeFlops, flops > 0 else {
            throw InputError(file: name, line: headerLine, field: "config.hardware.compute_flops", "missing from the header")
        }
        guard let bandwidth = header.memoryBandwidth, bandwidth > 0 else {
            throw InputError(file: name, line: headerLine, field: "config.hardware.memory_bandwidth", "missing from the header")
        }
        return MetricsReducer(computeFlops: flops, memoryBandwidth: bandwidth)
    }

    /// Feeds every remaining event to `sink`.
    @inlinable
    public func read<Sink: EventSink>(into sink: inout Sink) throws(InputError) {
        while let event = try next() { sink.consume(event) }
    }

    /// The next event, or nil after the last one.
    ///
    /// A `step` event's arrays are reused by the next call; copy the record to keep it
    /// (keeping the value copies it on the next write).
    /// - Throws: ``InputError`` naming the file, line and field of a malformed record, a
    ///   request id without an arrival, a record after `end`, or a missing `end` record
    ///   (unless `allowIncomplete`).
    public func next() throws(InputError) -> SimulationEvent? {
        while !finishedReading {
            guard let line = try input.nextLine() else {
                finishedReading = true
                if end == nil && !allowIncomplete {
                    throw InputError(file: name, "incomplete event log: no end record after line \(input.lineNumber) (truncated file, or a run that was killed)")
                }
                return nil
            }
            if Self.isBlank(line) { continue }
            if sawEnd {
                throw InputError(file: name, line: input.lineNumber, "record after the end record")
            }
            // Only `decode` touches the decoder here: reading one of its properties made Swift
            // copy (retain and release) the whole struct once per record.
            var ended: EventLogEnd? = nil
            let event: SimulationEvent?
            if allowIncomplete && input.lastLineUnterminated {
                // A log cut in the middle of a line: its last, partial record is dropped.
                do { event = try decoder.decode(line, line: input.lineNumber, end: &ended) } catch { continue }
            } else {
                event = try decoder.decode(line, line: input.lineNumber, end: &ended)
            }
            if let ended {
                end = ended
                sawEnd = true
            }
            if isFleet {
                replica = decoder.replica
                if event == nil, let route = decoder.route { onRoute?(route.time, route.id, route.replica, route.phase) }
            }
            if let event { return event }
        }
        return nil
    }

    // MARK: parsing

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    private static func parseHeader(_ line: UnsafeBufferPointer<UInt8>, file: String, line number: Int) throws(InputError) -> EventLogHeader {
        var scanner = JSONScanner(line)
        var type: String?, schema: String?, version: String?, seed: UInt64?
        var config: Range<Int>?
        var field: String?
        do throws(JSONScanError) {
            guard scanner.peek() == UInt8(ascii: "{") else {
                throw JSONScanError("not an inference-lab event log (the first line is not a JSON object)")
            }
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                field = key
                switch key {
                case "type": type = try scanner.readString()
                case "schema": schema = try scanner.readString()
                case "version": version = try scanner.readString()
                case "seed": seed = try scanner.takeNull() ? nil : scanner.readUInt64()
                case "config":
                    guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.unexpected(expecting: "an object") }
                    config = try scanner.skipValue()
                default: try scanner.skipValue()
                }
            }
            field = nil
            try scanner.expectEnd()
        } catch {
            throw InputError(file: file, line: number, field: field, error.message)
        }
        guard type == "header" else {
            throw InputError(file: file, line: number, "not an inference-lab event log (the first record is not a header)")
        }
        guard let schema else { throw InputError(file: file, line: number, field: "schema", "missing") }
        guard EventLogSchema.readable.contains(schema) else {
            throw InputError(file: file, line: number, field: "schema",
                             "unsupported schema '\(schema)' (this build reads \(EventLogSchema.readable.joined(separator: " and ")))")
        }
        guard let version else { throw InputError(file: file, line: number, field: "version", "missing") }
        guard let config else { throw InputError(file: file, line: number, field: "config", "missing") }
        var header = EventLogHeader(schema: schema, version: version, seed: seed, configJSON: scanner.text(config))
        // config.hardware.{compute_flops, memory_bandwidth}
        var path = "config"
        do throws(JSONScanError) {
            var c = JSONScanner(UnsafeBufferPointer(rebasing: line[config]))
            try c.beginObject()
            var first = true
            while let key = try c.nextKey(first: &first) {
                if key == "cluster", c.peek() == UInt8(ascii: "{") {
                    (header.pools, header.replicas) = try Self.readCluster(&c, path: &path)
                    path = "config"
                    continue
                }
                guard key == "hardware", c.peek() == UInt8(ascii: "{") else { try c.skipValue(); continue }
                (header.computeFlops, header.memoryBandwidth) = try Self.readPeaks(&c, path: &path, prefix: "config.hardware")
                path = "config"
            }
        } catch {
            throw InputError(file: file, line: number, field: path, error.message)
        }
        return header
    }

    /// A `hardware` object's `compute_flops` and `memory_bandwidth`.
    private static func readPeaks(_ c: inout JSONScanner, path: inout String, prefix: String) throws(JSONScanError) -> (Double?, Double?) {
        var flops: Double?, bandwidth: Double?
        try c.beginObject()
        var first = true
        while let key = try c.nextKey(first: &first) {
            path = "\(prefix).\(key)"
            switch key {
            case "compute_flops": flops = try c.readDouble()
            case "memory_bandwidth": bandwidth = try c.readDouble()
            default: try c.skipValue()
            }
        }
        return (flops, bandwidth)
    }

    /// `config.cluster`: each pool's role, replicas and hardware peaks, and the fleet's replica
    /// count.
    private static func readCluster(_ c: inout JSONScanner, path: inout String) throws(JSONScanError)
        -> (pools: [EventLogHeader.Pool], replicas: Int?) {
        var pools: [EventLogHeader.Pool] = []
        var replicas: Int?
        try c.beginObject()
        var first = true
        while let key = try c.nextKey(first: &first) {
            if key == "replicas" {
                path = "config.cluster.replicas"
                let n = try c.readInt()
                guard n >= 1 && n <= Int(Int32.max) else { throw JSONScanError("must be a positive integer, got \(n)") }
                replicas = n
                continue
            }
            guard key == "pools" else { try c.skipValue(); continue }
            try c.beginArray()
            var firstPool = true
            while try c.nextElement(first: &firstPool) {
                let prefix = "config.cluster.pools[\(pools.count)]"
                var pool = EventLogHeader.Pool()
                try c.beginObject()
                var firstKey = true
                while let k = try c.nextKey(first: &firstKey) {
                    path = "\(prefix).\(k)"
                    switch k {
                    case "role":
                        let raw = try c.readString()
                        guard let role = ReplicaRole(rawValue: raw) else {
                            throw JSONScanError("unknown role '\(raw)' (mixed, prefill or decode)")
                        }
                        pool.role = role
                    case "replicas": pool.replicas = try c.readInt()
                    case "hardware": (pool.computeFlops, pool.memoryBandwidth) = try readPeaks(&c, path: &path, prefix: prefix + ".hardware")
                    default: try c.skipValue()
                    }
                }
                pools.append(pool)
            }
        }
        return (pools, replicas)
    }
}
