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
    public private(set) var end: EventLogEnd?
    /// The log's name for messages (`<stdin>` for `-`).
    public var name: String { input.name }
    /// Whether a log without an `end` record is accepted.
    public let allowIncomplete: Bool

    private let input: InputReader
    private var finishedReading = false
    private var seen = EventLogCounts()

    // Slot assignment.
    private var live: [String: RequestSlot] = [:]
    private var freeSlots: [RequestSlot] = []
    private var slotCount: Int32 = 0
    /// Requests finished recently: an asynchronously scheduled step may still list them.
    private var retiring: [(id: String, slot: RequestSlot, steps: Int)] = []

    // Per-line scratch, reused.
    private var record = Fields()
    private var stepRecord = StepRecord()

    /// Opens a log and reads its header.
    /// - Parameters:
    ///   - path: a file, or `-` for standard input.
    ///   - allowIncomplete: accept a log that ends without an `end` record (a run that was
    ///     killed); by default that is an error.
    ///   - maxLineLength: the longest record accepted (default 64 MiB: a step record lists
    ///     its whole batch).
    /// - Throws: ``InputError`` when the file cannot be read, is not an event log, or has
    ///   another schema.
    public init(path: String, allowIncomplete: Bool = false, maxLineLength: Int = 64 << 20) throws(InputError) {
        self.allowIncomplete = allowIncomplete
        input = try InputReader(path: path, maxLineLength: maxLineLength)
        var line: UnsafeBufferPointer<UInt8>?
        repeat { line = try input.nextLine() } while line.map(Self.isBlank) == true
        guard let line else {
            throw InputError(file: input.name, "empty file: not an inference-lab event log")
        }
        header = try Self.parseHeader(line, file: input.name, line: input.lineNumber)
    }

    /// Builds a reducer with the hardware peaks from the header's config.
    /// - Throws: ``InputError`` when the config lacks `hardware.compute_flops` or
    ///   `hardware.memory_bandwidth`.
    public func makeMetricsReducer() throws(InputError) -> MetricsReducer {
        guard let flops = header.computeFlops, flops > 0 else {
            throw InputError(file: name, line: 1, field: "config.hardware.compute_flops", "missing from the header")
        }
        guard let bandwidth = header.memoryBandwidth, bandwidth > 0 else {
            throw InputError(file: name, line: 1, field: "config.hardware.memory_bandwidth", "missing from the header")
        }
        return MetricsReducer(computeFlops: flops, memoryBandwidth: bandwidth)
    }

    /// Feeds every remaining event to `sink`.
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
            if end != nil {
                throw InputError(file: name, line: input.lineNumber, "record after the end record")
            }
            if let event = try decode(line) { return event }
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
        guard schema == EventLogSchema.current else {
            throw InputError(file: file, line: number, field: "schema",
                             "unsupported schema '\(schema)' (this build reads \(EventLogSchema.current))")
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
                guard key == "hardware", c.peek() == UInt8(ascii: "{") else { try c.skipValue(); continue }
                try c.beginObject()
                var firstHW = true
                while let hw = try c.nextKey(first: &firstHW) {
                    path = "config.hardware.\(hw)"
                    switch hw {
                    case "compute_flops": header.computeFlops = try c.readDouble()
                    case "memory_bandwidth": header.memoryBandwidth = try c.readDouble()
                    default: try c.skipValue()
                    }
                }
                path = "config"
            }
        } catch {
            throw InputError(file: file, line: number, field: path, error.message)
        }
        return header
    }

    /// The fields of one record, as far as this schema knows them.
    private struct Fields {
        var type: String?
        var t: Double?, dt: Double?, simTime: Double?, flops: Double?, bytes: Double?
        var step: Int?, promptTokens: Int?, outputTokens: Int?, priority: Int?, tokens: Int?
        var prefillTokens: Int?, decodeTokens: Int?, running: Int?, waiting: Int?
        var kvBlocksUsed: Int?, kvBlocksTotal: Int?
        var steps: Int?, arrived: Int?, finishedCount: Int?, rejected: Int?
        var id: String?, reason: String?, status: String?
        var resumed: Bool?
        var hasBatch = false, hasNoToken = false, hasPreempted = false, hasFinished = false
        var batchIDs: [String] = [], batchTokens: [Int32] = []
        var noToken: [String] = [], preempted: [String] = [], finished: [String] = []

        mutating func reset() {
            let keep = (batchIDs, batchTokens, noToken, preempted, finished)
            self = Fields()
            (batchIDs, batchTokens, noToken, preempted, finished) = keep
            batchIDs.removeAll(keepingCapacity: true)
            batchTokens.removeAll(keepingCapacity: true)
            noToken.removeAll(keepingCapacity: true)
            preempted.removeAll(keepingCapacity: true)
            finished.removeAll(keepingCapacity: true)
        }
    }

    private func fail(_ field: String?, _ message: String) -> InputError {
        InputError(file: name, line: input.lineNumber, field: field, message)
    }

    private func decode(_ line: UnsafeBufferPointer<UInt8>) throws(InputError) -> SimulationEvent? {
        record.reset()
        var scanner = JSONScanner(line)
        var field: String?
        do throws(JSONScanError) {
            try scanner.beginObject()
            var first = true
            while let key = try scanner.nextKey(first: &first) {
                field = key
                switch key {
                case "type": record.type = try scanner.readString()
                case "t": record.t = try scanner.readDouble()
                case "dt": record.dt = try scanner.readDouble()
                case "sim_time": record.simTime = try scanner.readDouble()
                case "flops": record.flops = try scanner.readDouble()
                case "bytes": record.bytes = try scanner.readDouble()
                case "step": record.step = try scanner.readInt()
                case "prompt_tokens": record.promptTokens = try scanner.readInt()
                case "output_tokens": record.outputTokens = try scanner.readInt()
                case "priority": record.priority = try scanner.readInt()
                case "tokens": record.tokens = try scanner.readInt()
                case "prefill_tokens": record.prefillTokens = try scanner.readInt()
                case "decode_tokens": record.decodeTokens = try scanner.readInt()
                case "running": record.running = try scanner.readInt()
                case "waiting": record.waiting = try scanner.readInt()
                case "kv_blocks_used": record.kvBlocksUsed = try scanner.readInt()
                case "kv_blocks_total": record.kvBlocksTotal = try scanner.readInt()
                case "steps": record.steps = try scanner.readInt()
                case "arrived": record.arrived = try scanner.readInt()
                case "rejected": record.rejected = try scanner.readInt()
                case "id": record.id = try scanner.readString()
                case "reason": record.reason = try scanner.readString()
                case "status": record.status = try scanner.readString()
                case "resumed": record.resumed = try scanner.readBool()
                case "batch":
                    record.hasBatch = true
                    try scanner.beginArray()
                    var firstEntry = true
                    while try scanner.nextElement(first: &firstEntry) {
                        try scanner.beginArray()
                        record.batchIDs.append(try scanner.readString())
                        try scanner.expect(UInt8(ascii: ","), "','")
                        let n = try scanner.readInt()
                        guard n >= 0 && n <= Int(Int32.max) else { throw JSONScanError("token count out of range: \(n)") }
                        record.batchTokens.append(Int32(n))
                        try scanner.expect(UInt8(ascii: "]"), "']' after an [id, tokens] pair")
                    }
                case "no_token":
                    record.hasNoToken = true
                    try readIDs(&scanner, into: &record.noToken)
                case "preempted":
                    record.hasPreempted = true
                    try readIDs(&scanner, into: &record.preempted)
                case "finished":
                    // An id list in `step`, a count in `end`.
                    if scanner.peek() == UInt8(ascii: "[") {
                        record.hasFinished = true
                        try readIDs(&scanner, into: &record.finished)
                    } else {
                        record.finishedCount = try scanner.readInt()
                    }
                default:
                    try scanner.skipValue()
                }
            }
            field = nil
            try scanner.expectEnd()
        } catch {
            throw fail(field, error.message)
        }
        guard let type = record.type else { throw fail("type", "missing") }
        switch type {
        case "arrival": return try arrival()
        case "step": return try step()
        case "cache_hit":
            let slot = try resolve(try need(record.id, "id"))
            return .cacheHit(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot,
                             tokens: try need(record.tokens, "tokens"), resumed: record.resumed ?? false)
        case "first_token":
            let slot = try resolve(try need(record.id, "id"))
            return .firstToken(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot)
        case "preempted":
            let slot = try resolve(try need(record.id, "id"))
            return .preempted(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot)
        case "finished": return try finished()
        case "rejected":
            let id = try need(record.id, "id")
            let reasonText = try need(record.reason, "reason")
            guard let reason = RejectionReason(rawValue: reasonText) else {
                throw fail("reason", "unknown rejection reason '\(reasonText)'")
            }
            let t = try need(record.t, "t")
            seen.arrived += 1
            seen.rejected += 1
            return .rejected(time: t, slot: -1, id: id, reason: reason)
        case "end":
            try endRecord()
            return nil
        case "header":
            throw fail("type", "a second header record")
        default:
            return nil  // A record type added by a later writer: skipped.
        }
    }

    private func readIDs(_ scanner: inout JSONScanner, into ids: inout [String]) throws(JSONScanError) {
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(first: &first) { ids.append(try scanner.readString()) }
    }

    private func need<T>(_ value: T?, _ field: String) throws(InputError) -> T {
        guard let value else { throw fail(field, "missing") }
        return value
    }

    private func resolve(_ id: String, field: String = "id") throws(InputError) -> RequestSlot {
        if let slot = live[id] { return slot }
        if let r = retiring.last(where: { $0.id == id }) { return r.slot }
        throw fail(field, "request '\(id)' has no arrival before it")
    }

    private func arrival() throws(InputError) -> SimulationEvent {
        let id = try need(record.id, "id")
        let t = try need(record.t, "t")
        let prompt = try need(record.promptTokens, "prompt_tokens")
        let output = try need(record.outputTokens, "output_tokens")
        guard live[id] == nil else {
            throw fail("id", "request '\(id)' arrives again while still in the system (duplicate id)")
        }
        let slot: RequestSlot
        if let reused = freeSlots.popLast() { slot = reused } else {
            guard slotCount < Int32.max else { throw fail("id", "too many live requests") }
            slot = slotCount
            slotCount += 1
        }
        live[id] = slot
        seen.arrived += 1
        return .arrival(ArrivalEvent(time: t, slot: slot, id: id, promptTokens: prompt, outputTokens: output,
                                     priority: record.priority ?? 0))
    }

    private func finished() throws(InputError) -> SimulationEvent {
        let id = try need(record.id, "id")
        let t = try need(record.t, "t")
        let step = try need(record.step, "step")
        let outputs = try need(record.outputTokens, "output_tokens")
        guard let slot = live.removeValue(forKey: id) else {
            throw fail("id", "request '\(id)' finishes without an arrival (or finishes twice)")
        }
        retiring.append((id, slot, 0))
        seen.finished += 1
        return .finished(time: t, step: step, slot: slot, outputTokens: outputs)
    }

    private func step() throws(InputError) -> SimulationEvent {
        var r = stepRecord
        stepRecord = StepRecord()  // keep `r` uniquely referenced so its arrays are reused
        r.step = try need(record.step, "step")
        r.time = try need(record.t, "t")
        r.duration = try need(record.dt, "dt")
        guard record.hasBatch else { throw fail("batch", "missing") }
        r.batchSlots.removeAll(keepingCapacity: true)
        r.batchTokens.removeAll(keepingCapacity: true)
        for e in 0..<record.batchIDs.count {
            r.batchSlots.append(try resolve(record.batchIDs[e], field: "batch"))
        }
        r.batchTokens.append(contentsOf: record.batchTokens)
        r.noTokenSlots.removeAll(keepingCapacity: true)
        for id in record.noToken { r.noTokenSlots.append(try resolve(id, field: "no_token")) }
        r.preemptedSlots.removeAll(keepingCapacity: true)
        for id in record.preempted { r.preemptedSlots.append(try resolve(id, field: "preempted")) }
        r.finishedSlots.removeAll(keepingCapacity: true)
        for id in record.finished { r.finishedSlots.append(try resolve(id, field: "finished")) }
        r.prefillTokens = try need(record.prefillTokens, "prefill_tokens")
        r.decodeTokens = try need(record.decodeTokens, "decode_tokens")
        r.running = try need(record.running, "running")
        r.waiting = try need(record.waiting, "waiting")
        r.kvBlocksUsed = try need(record.kvBlocksUsed, "kv_blocks_used")
        r.kvBlocksTotal = try need(record.kvBlocksTotal, "kv_blocks_total")
        r.flops = try need(record.flops, "flops")
        r.bytes = try need(record.bytes, "bytes")
        // Requests that finished before this step may be listed by it (async scheduling) and
        // by no later one after the next: recycle their slots after two steps.
        var k = 0
        while k < retiring.count {
            retiring[k].steps += 1
            if retiring[k].steps >= 2 {
                freeSlots.append(retiring[k].slot)
                retiring.remove(at: k)
            } else {
                k += 1
            }
        }
        seen.steps += 1
        stepRecord = r
        return .step(r)
    }

    private func endRecord() throws(InputError) {
        let statusText = try need(record.status, "status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw fail("status", "unknown status '\(statusText)' (expected complete, interrupted or failed)")
        }
        let counts = EventLogCounts(steps: try need(record.steps, "steps"), arrived: try need(record.arrived, "arrived"),
                                    finished: try need(record.finishedCount, "finished"),
                                    rejected: try need(record.rejected, "rejected"),
                                    simTime: try need(record.simTime, "sim_time"))
        for (field, claimed, found) in [("steps", counts.steps, seen.steps), ("arrived", counts.arrived, seen.arrived),
                                        ("finished", counts.finished, seen.finished),
                                        ("rejected", counts.rejected, seen.rejected)] where claimed != found {
            throw fail(field, "the end record counts \(claimed) but the log holds \(found) (records lost or edited)")
        }
        end = EventLogEnd(status: status, counts: counts)
    }
}
