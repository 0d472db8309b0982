/// Writes the simulator's events as an event log (schema `inference-lab.events/1`,
/// docs/event-log.md): gzip JSONL when the name ends in `.gz`, plain JSONL otherwise or for `-`.
///
/// Records are emitted by hand into one reusable byte buffer, with a fixed field order, so the
/// same run always gives the same bytes. Times are written in their shortest round-trip form,
/// so a reader gets back exactly the `Double`s the simulator used. Request ids are looked up by
/// slot in a table filled at `arrival`, bounded by the number of live requests.
///
/// The file appears under its name only when ``finish(status:simTime:)`` succeeds; ``abort()``
/// (or a write error) leaves nothing behind. `consume` cannot throw (it is an ``EventSink``),
/// so the first write error is kept and reported by `finish`.
///
/// ```swift
/// var log = try EventLogWriter(path: "run.events.jsonl.gz", version: "0.1.0",
///                              seed: config.workload.seed, configJSON: renderedConfig)
/// var sink = TeeSink(log, MetricsReducer(config: config))
/// let status = sim.run(into: &sink)
/// try sink.a.finish(status: status)
/// ```
///
/// Do not copy a writer and use both copies: they share one output file.
public struct EventLogWriter: EventSink {
    /// Bytes collected before they are handed to the (gzip) output.
    static let flushThreshold = 256 << 10

    /// The output's name for messages (`<stdout>` for `-`).
    public var name: String { output.name }
    /// What the `end` record will say, so far.
    public private(set) var counts = EventLogCounts()

    private let output: OutputFile
    private var buffer = ByteBuffer(capacity: EventLogWriter.flushThreshold + (64 << 10))
    /// Each live slot's id, already quoted and escaped as JSON.
    private var ids = IDTable()
    private var failure: OutputError?
    private var closed = false
    /// The latest step record's number and, when it differs from the step's end, the time the
    /// client sees its tokens (written on its `first_token` and `finished` records).
    private var lastStep = 0
    private var lastStepClientTime: Double? = nil
    /// Schema 2: the replica whose records are being written (-1: schema 1, no `replica`
    /// field), and the other replicas' id tables.
    private var replica = -1
    private var replicaIDs: [IDTable] = []

    /// Opens `path` (`-` for standard output) and writes the header record.
    /// - Parameters:
    ///   - version: the simulator's version string.
    ///   - seed: the workload seed.
    ///   - configJSON: the resolved config, rendered as one JSON object on one line; written
    ///     verbatim. The analyzer reads `hardware.compute_flops` and
    ///     `hardware.memory_bandwidth` from it.
    ///   - compression: gzip by name (`.gz`) by default.
    ///   - gzipLevel: zlib level for gzip output (default 1: deflate dominates the cost).
    /// - Throws: ``InputError`` when the file cannot be created (e.g. a missing directory).
    ///   - fleet: a fleet's log (schema 2, ``EventLogSchema/fleet``): records carry their
    ///     replica (``consume(_:replica:)``) and routing decisions are written.
    public init(path: String, version: String, seed: UInt64, configJSON: String,
                compression: OutputCompression = .automatic, gzipLevel: Int32 = 1, fleet: Bool = false) throws(InputError) {
        let output = try OutputFile(path: path, compression: compression, gzipLevel: gzipLevel)
        self.init(output: output, version: version, seed: seed, configJSON: configJSON, fleet: fleet)
    }

    /// Writes to an already opened output, which the writer commits or aborts.
    public init(output: OutputFile, version: String, seed: UInt64, configJSON: String, fleet: Bool = false) {
        self.output = output
        if fleet { replica = 0 }
        buffer.append(ascii: #"{"type":"header","schema":""#)
        buffer.append(ascii: fleet ? "inference-lab.events/2" : "inference-lab.events/1")
        buffer.append(ascii: #"","version":"#)
        buffer.appendJSONString(version)
        buffer.append(ascii: #","seed":"#)
        buffer.append(seed)
        buffer.append(ascii: #","config":"#)
        var config = configJSON
        config.withUTF8 { buffer.append(contentsOf: $0) }
        if configJSON.utf8.isEmpty { buffer.append(ascii: "{}") }
        buffer.append(ascii: "}\n")
    }

    public mutating func consume(_ event: SimulationEvent) {
        guard !closed && failure == nil else { return }
        switch event {
        case .arrival(let a):
            counts.arrived += 1
            note(a.time)
            begin(#"{"type":"arrival""#)
            buffer.append(a.time)
            buffer.append(ascii: #","id":"#)
            let idStart = buffer.count
            buffer.appendJSONString(a.id)
            remember(slot: a.slot, from: idStart)
            buffer.append(ascii: #","prompt_tokens":"#)
            buffer.append(a.promptTokens)
            buffer.append(ascii: #","output_tokens":"#)
            buffer.append(a.outputTokens)
            buffer.append(ascii: #","priority":"#)
            buffer.append(a.priority)
            if a.clientTime != a.time {
                buffer.append(ascii: #","client_t":"#)
                buffer.append(a.clientTime)
            }
            buffer.append(ascii: "}\n")
        case .rejected(let t, _, let id, let reason):
            counts.arrived += 1
            counts.rejected += 1
            note(t)
            begin(#"{"type":"rejected""#)
            buffer.append(t)
            buffer.append(ascii: #","id":"#)
            buffer.appendJSONString(id)
            buffer.append(ascii: #","reason":"#)
            buffer.appendJSONString(reason.rawValue)
            buffer.append(ascii: "}\n")
        case .cacheHit(let t, let step, let slot, let tokens, let resumed):
            beginRequestRecord(#"{"type":"cache_hit""#, t: t, step: step, slot: slot)
            buffer.append(ascii: #","tokens":"#)
            buffer.append(tokens)
            buffer.append(ascii: resumed ? #","resumed":true}"# : #","resumed":false}"#)
            buffer.append(ascii: "\n")
        case .step(let r):
            writeStep(r)
        case .firstToken(let t, let step, let slot):
            beginRequestRecord(#"{"type":"first_token""#, t: t, step: step, slot: slot)
            appendClientTime(step: step)
            buffer.append(ascii: "}\n")
        case .preempted(let t, let step, let slot):
            beginRequestRecord(#"{"type":"preempted""#, t: t, step: step, slot: slot)
            buffer.append(ascii: "}\n")
        case .finished(let t, let step, let slot, let outputTokens):
            counts.finished += 1
            beginRequestRecord(#"{"type":"finished""#, t: t, step: step, slot: slot)
            buffer.append(ascii: #","output_tokens":"#)
            buffer.append(outputTokens)
            appendClientTime(step: step)
            buffer.append(ascii: "}\n")
        case .timedOut(let t, let slot):
            beginRequestRecord(#"{"type":"timed_out""#, t: t, slot: slot)
            buffer.append(ascii: "}\n")
        case .warmupEnded(let t):
            note(t)
            buffer.append(ascii: #"{"type":"warmup_end","t":"#)
            buffer.append(t)
            buffer.append(ascii: "}\n")
        }
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Opens a record about one request: `{"type":…,"t":…` (with the step, for records a step
    /// causes) `,"id":"…"`, its time noted for the `end` record.
    @inline(__always)
    private mutating func beginRequestRecord(_ type: StaticString, t: Double, step: Int? = nil, slot: RequestSlot) {
        note(t)
        begin(type)
        buffer.append(t)
        if let step { field(#","step":"#, step) }
        buffer.append(ascii: #","id":"#)
        appendID(slot)
    }

    /// `{"type":"…"`, then in a fleet's log `,"replica":k`, then `,"t":` (or `then`).
    @inline(__always)
    private mutating func begin(_ type: StaticString, then next: StaticString = #","t":"#) {
        buffer.append(ascii: type)
        if replica >= 0 {
            buffer.append(ascii: #","replica":"#)
            buffer.append(replica)
        }
        buffer.append(ascii: next)
    }

    /// `,"client_t":…` for a `first_token` or `finished` record of the step just written, when
    /// the client sees that step's tokens later than its end.
    private mutating func appendClientTime(step: Int) {
        guard step == lastStep, let seen = lastStepClientTime else { return }
        buffer.append(ascii: #","client_t":"#)
        buffer.append(seen)
    }

    private mutating func writeStep(_ r: StepRecord) {
        counts.steps += 1
        lastStep = r.step
        lastStepClientTime = r.clientTime != r.endTime ? r.clientTime : nil
        note(r.time + r.duration)
        begin(#"{"type":"step""#, then: #","step":"#)
        buffer.append(r.step)
        field(#","t":"#, r.time)
        field(#","dt":"#, r.duration)
        buffer.append(ascii: #","batch":["#)
        appendBatch(r.batchSlots, r.batchTokens)
        buffer.append(ascii: #"],"no_token":"#)
        appendIDs(r.noTokenSlots)
        buffer.append(ascii: #","preempted":"#)
        appendIDs(r.preemptedSlots)
        buffer.append(ascii: #","finished":"#)
        appendIDs(r.finishedSlots)
        field(#","prefill_tokens":"#, r.prefillTokens)
        field(#","decode_tokens":"#, r.decodeTokens)
        field(#","running":"#, r.running)
        field(#","waiting":"#, r.waiting)
        field(#","kv_blocks_used":"#, r.kvBlocksUsed)
        field(#","kv_blocks_total":"#, r.kvBlocksTotal)
        field(#","flops":"#, r.flops)
        field(#","bytes":"#, r.bytes)
        if let seen = lastStepClientTime {
            buffer.append(ascii: #","client_t":"#)
            buffer.append(seen)
        }
        buffer.append(ascii: "}\n")
    }

    /// Appends `key` (written with its comma, quotes and colon: `,"running":`) and the value.
    @inline(__always)
    private mutating func field(_ key: StaticString, _ value: Int) {
        buffer.append(ascii: key)
        buffer.append(value)
    }

    /// Appends `key` and the number.
    @inline(__always)
    private mutating func field(_ key: StaticString, _ value: Double) {
        buffer.append(ascii: key)
        buffer.append(value)
    }

    private mutating func note(_ t: Double) {
        if t > counts.simTime { counts.simTime = t }
    }

    /// Copies the id just written at `start…` into the slot's table entry.
    private mutating func remember(slot: RequestSlot, from start: Int) {
        guard slot >= 0 else { return }
        buffer.bytes.withUnsafeBufferPointer { all in
            ids.set(slot, UnsafeBufferPointer(rebasing: all[start..<all.count]))
        }
    }

    private mutating func appendID(_ slot: RequestSlot) {
        let n = ids.maxLength(slot)
        buffer.append(upTo: n) { out in ids.write(slot, to: out) }
    }

    /// The batch as `[id,tokens],…`: every entry written in one pass into reserved space.
    private mutating func appendBatch(_ slots: [RequestSlot], _ tokens: [Int32]) {
        let table = ids
        table.withReader { ids in
            var maxCount = 0
            for slot in slots { maxCount += ids.length(slot) + 14 }
            buffer.append(upTo: maxCount) { out in
                var p = 0
                for e in 0..<slots.count {
                    if e > 0 { out[p] = UInt8(ascii: ","); p += 1 }
                    out[p] = UInt8(ascii: "["); p += 1
                    p += ids.write(slots[e], to: out + p)
                    out[p] = UInt8(ascii: ","); p += 1
                    let n = e < tokens.count ? Int(tokens[e]) : 0
                    if n < 0 { out[p] = UInt8(ascii: "-"); p += 1 }
                    p += ByteBuffer.writeDecimal(UInt64(n.magnitude), to: out + p)
                    out[p] = UInt8(ascii: "]"); p += 1
                }
                return p
            }
        }
    }

    private mutating func appendIDs(_ slots: [RequestSlot]) {
        buffer.append(UInt8(ascii: "["))
        for i in 0..<slots.count {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            appendID(slots[i])
        }
        buffer.append(UInt8(ascii: "]"))
    }

    private mutating func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        do { try output.write(buffer) } catch { failure = error }
        buffer.removeAll()
    }

    /// Writes the `end` record, ends the (gzip) stream and renames the file into place.
    /// - Parameters:
    ///   - status: how the run ended.
    ///   - simTime: the simulated time to report; by default the latest time seen.
    ///   - skipped: trace lines skipped as invalid; when there are any, the record gains
    ///     `skipped_lines` and `skipped_reasons` (the first few errors as text).
    /// - Throws: ``OutputError`` for any write error during the run or now; the file is then
    ///   removed.
    public mutating func finish(status: RunStatus, simTime: Double? = nil,
                                skipped: SkippedLines = SkippedLines()) throws(OutputError) {
        guard !closed else { throw OutputError(file: output.name, "event log already finished") }
        if let simTime { counts.simTime = simTime }
        buffer.append(ascii: #"{"type":"end","status":"#)
        buffer.appendJSONString(status.rawValue)
        field(#","steps":"#, counts.steps)
        field(#","arrived":"#, counts.arrived)
        field(#","finished":"#, counts.finished)
        field(#","rejected":"#, counts.rejected)
        field(#","sim_time":"#, counts.simTime)
        if skipped.count > 0 {
            buffer.append(ascii: #","skipped_lines":"#)
            buffer.append(skipped.count)
            buffer.append(ascii: #","skipped_reasons":["#)
            for (i, reason) in skipped.firstReasons.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.appendJSONString("\(reason)")
            }
            buffer.append(UInt8(ascii: "]"))
        }
        buffer.append(ascii: "}\n")
        flush()
        closed = true
        if let failure {
            output.abort()
            throw failure
        }
        try output.commit()
    }

    /// Drops the log: nothing is left under its name (standard output is left as written).
    public mutating func abort() {
        guard !closed else { return }
        closed = true
        buffer.removeAll()
        output.abort()
    }
}

extension EventLogWriter: ClusterEventSink {
    /// Writes a replica's event with its `replica` field (a fleet's log). Each replica has its
    /// own slots, so each has its own id table.
    public mutating func consume(_ event: SimulationEvent, replica k: Int) {
        if k != replica && replica >= 0 {
            while replicaIDs.count <= max(k, replica) { replicaIDs.append(IDTable()) }
            swap(&ids, &replicaIDs[replica])
            swap(&ids, &replicaIDs[k])
            replica = k
        }
        consume(event)
    }

    /// Writes a `route` record: `{"type":"route","replica":k,"t":…,"id":…,"phase":…,"scores":[…]}`.
    public mutating func route(_ r: RouteRecord) {
        guard !closed && failure == nil else { return }
        note(r.time)
        field(#"{"type":"route","replica":"#, r.replica)
        field(#","t":"#, r.time)
        buffer.append(ascii: #","id":"#)
        buffer.appendJSONString(r.id)
        buffer.append(ascii: #","phase":"#)
        buffer.appendJSONString(r.phase.rawValue)
        buffer.append(ascii: #","scores":["#)
        for i in 0..<r.scores.count {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(r.scores[i])
        }
        buffer.append(ascii: "]}\n")
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Writes a `kv_transfer` record: `{"type":"kv_transfer","t":start,"id":…,"from":p,"to":d,
    /// "end":…,"tokens":…,"bytes":…}` (a disaggregated request's KV cache leaving its prefill
    /// replica `p` for decode replica `d`).
    public mutating func kvTransfer(_ r: KVTransferRecord) {
        guard !closed && failure == nil else { return }
        note(r.start)
        field(#"{"type":"kv_transfer","t":"#, r.start)
        buffer.append(ascii: #","id":"#)
        buffer.appendJSONString(r.id)
        field(#","from":"#, r.from)
        field(#","to":"#, r.to)
        field(#","end":"#, r.end)
        field(#","tokens":"#, r.tokens)
        field(#","bytes":"#, r.bytes)
        buffer.append(ascii: "}\n")
        if buffer.count >= Self.flushThreshold { flush() }
    }
}
