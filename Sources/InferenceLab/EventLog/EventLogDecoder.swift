/// Turns the records after an event log's header into ``SimulationEvent``s, assigning slots.
///
/// Slots: an `arrival` takes a free slot; a finished request keeps its slot for two more
/// `step` records (an asynchronously scheduled step may still list it), then the slot is
/// recycled. Memory is bounded by the number of live requests.
///
/// Each record is first read by a fast path for the writer's exact layout
/// (`EventLogDecoder+WriterLayout.swift`), which never fails: at the first byte or value it
/// does not expect, it hands the whole record to the general path here, which reads any
/// valid JSON and reports errors. Both change no state until the record is complete.
struct EventLogDecoder {
    let file: String
    private var line = 0
    private(set) var end: EventLogEnd?
    private var seen = EventLogCounts()

    // Slot assignment.
    /// Live requests by id; a slot's id bytes stay there until the slot is reused.
    var live = RequestIDIndex()
    var freeSlots: [RequestSlot] = []
    var slotCount = 0
    /// Requests finished recently: an asynchronously scheduled step may still list them.
    var retiring: [(slot: RequestSlot, steps: Int, replica: Int)] = []

    /// The batch being read and the previous one.
    let batch = BatchCache()

    // Per-line scratch, reused.
    /// Per record kind (and "untyped"), the key index that followed each key (or the start
    /// of the record, `keys.count`) last time; -1 when not seen yet.
    private var successor = [Int8](repeating: -1, count: (RecordKind.untyped + 1) * (keys.count + 1))
    private var record = Fields()
    var stepRecord = StepRecord()
    /// The previous `step` record's time: steps never go back in time.
    var lastStepTime = 0.0
    /// Schema 2: each replica's previous step time (``lastStepTime`` is replica 0's).
    var replicaStepTimes: [Double] = []
    /// The replica of the record just decoded (schema 2's `replica`; 0 when it has none).
    private(set) var replica = 0
    /// The `route` record just decoded, if the last record was one.
    private(set) var route: (time: Double, id: String, replica: Int, phase: String)? = nil

    /// Schema 2 (a fleet's log): each record's replica is checked against ``replicaCount``, and
    /// each request it names must have arrived on that replica. Each replica's reducer keeps
    /// its own requests, so a record naming another replica's request would make it read state
    /// it never had.
    var checksReplicas = false
    /// Schema 2: the fleet's replica count (`config.cluster.replicas` in the header); a record
    /// naming a replica beyond it is an error.
    var replicaCount = Int.max
    /// Schema 2: the replica each slot's request arrived on (-1: none yet).
    private var slotReplica: [Int32] = []

    init(file: String) { self.file = file }

    /// The keys this schema knows (``EventLogKey``), by position.
    private static let keys = EventLogKey.names

    private static func fieldName(_ index: Int) -> String? {
        index >= 0 && index < keys.count ? keys[index].description : nil
    }

    /// The fields of one record, as far as this schema knows them.
    private struct Fields {
        var kind: RecordKind?
        var t: Double?, dt: Double?, simTime: Double?, flops: Double?, bytes: Double?, clientT: Double?
        var step: Int?, promptTokens: Int?, outputTokens: Int?, priority: Int?, tokens: Int?
        var prefillTokens: Int?, decodeTokens: Int?, running: Int?, waiting: Int?
        var kvBlocksUsed: Int?, kvBlocksTotal: Int?
        var steps: Int?, arrived: Int?, finishedCount: Int?, rejected: Int?, skippedLines: Int?
        var skippedReasons: [String] = []
        var id: String?, reason: String?, status: String?, phase: String?
        var replica: Int?
        var resumed: Bool?
        var hasBatch = false
        var noToken: [RequestSlot] = [], preempted: [RequestSlot] = [], finished: [RequestSlot] = []

        mutating func reset() {
            kind = nil
            t = nil; dt = nil; simTime = nil; flops = nil; bytes = nil; clientT = nil
            step = nil; promptTokens = nil; outputTokens = nil; priority = nil; tokens = nil
            prefillTokens = nil; decodeTokens = nil; running = nil; waiting = nil
            kvBlocksUsed = nil; kvBlocksTotal = nil
            steps = nil; arrived = nil; finishedCount = nil; rejected = nil; skippedLines = nil
            skippedReasons.removeAll()
            id = nil; reason = nil; status = nil; phase = nil
            replica = nil
            resumed = nil
            hasBatch = false
            noToken.removeAll(keepingCapacity: true)
            preempted.removeAll(keepingCapacity: true)
            finished.removeAll(keepingCapacity: true)
        }
    }

    @inline(never)
    private func fail(_ field: String?, _ message: String) -> InputError {
        InputError(file: file, line: line, field: field, message)
    }

    /// Decodes one record; nil for the `end` record and for record types this build does not
    /// know (skipped, so later writers may add some).
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, end ended: inout EventLogEnd?) throws(InputError) -> SimulationEvent? {
        self.line = line
        // The fast path knows a one-node log's layout only. A fleet's records, which name their
        // replica, never match it, and one without `replica` is replica 0's, which only the
        // general path sets.
        if !checksReplicas, let event = decodeWriterLayout(bytes) {
            route = nil
            return event
        }
        return try decodeGeneral(bytes, end: &ended)
    }

    /// The replica the request in `slot` arrived on, in a fleet's log (0 in a one-node log).
    func replica(of slot: RequestSlot) -> Int {
        let s = Int(slot)
        return s >= 0 && s < slotReplica.count ? Int(slotReplica[s]) : 0
    }

    /// Checks that each request in `slots` arrived on the record's replica.
    @inline(__always)
    private func checkReplica<Slots: Sequence<RequestSlot>>(of slots: Slots, _ field: String) throws(InputError) {
        let own = Int32(truncatingIfNeeded: replica)
        for slot in slots {
            let s = Int(slot)
            guard s >= slotReplica.count || slotReplica[s] != own else { continue }
            throw fail(field, "request '\(live.id(of: slot))' arrived on replica \(replica(of: slot)), not on this record's replica \(replica)")
        }
    }

    /// ``decode(_:line:end:)`` without the fast path, for the tests that hold the two paths
    /// to the same results.
    mutating func decodeWithoutFastPath(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, end ended: inout EventLogEnd?) throws(InputError) -> SimulationEvent? {
        self.line = line
        return try decodeGeneral(bytes, end: &ended)
    }

    /// Any valid record, in any key order and spacing; throws for an invalid one.
    private mutating func decodeGeneral(_ bytes: UnsafeBufferPointer<UInt8>, end ended: inout EventLogEnd?) throws(InputError) -> SimulationEvent? {
        record.reset()
        var scanner = JSONScanner(bytes)
        var field = -1
        do throws(any Error) {
            try scanner.beginObject()
            var first = true
            // The key that followed the previous one last time in a record of this kind: the
            // writer's fixed order makes it a byte-for-byte match of `,"key":` almost always.
            var previous = Self.keys.count
            while true {
                let key: Int
                let row = (record.kind?.rawValue ?? RecordKind.untyped) &* (Self.keys.count + 1)
                if first && scanner.takeLiteral(#""type":"#) {
                    first = false
                    key = EventLogKey.type.rawValue
                } else if !first, case let guess = Int(successor[row &+ previous]), guess >= 0,
                          Self.keyLiterals.matches(guess, &scanner) {
                    key = guess
                } else {
                    guard let k = try scanner.nextKey(first: &first, matching: Self.keys) else { break }
                    key = k
                    successor[row &+ previous] = Int8(truncatingIfNeeded: k)
                }
                previous = key >= 0 ? key : Self.keys.count
                field = key
                switch EventLogKey(rawValue: key) {
                case .type?: record.kind = try readKind(&scanner)
                case .step?: record.step = try scanner.readInt()
                case .t?: record.t = try scanner.readDouble()
                case .dt?: record.dt = try scanner.readDouble()
                case .batch? where isStepOrUntyped:
                    record.hasBatch = true
                    try readBatch(&scanner)
                case .noToken? where isStepOrUntyped:
                    try readIDs(&scanner, into: \.noToken, field: "no_token")
                case .preempted? where isStepOrUntyped && scanner.peek() == UInt8(ascii: "["):
                    try readIDs(&scanner, into: \.preempted, field: "preempted")
                case .finished? where scanner.peek() == UInt8(ascii: "["):
                    // An id list in `step`, a count in `end`.
                    if isStepOrUntyped { try readIDs(&scanner, into: \.finished, field: "finished") } else { try scanner.skipValue() }
                case .finished?: record.finishedCount = try scanner.readInt()
                case .prefillTokens?: record.prefillTokens = try scanner.readInt()
                case .decodeTokens?: record.decodeTokens = try scanner.readInt()
                case .running?: record.running = try scanner.readInt()
                case .waiting?: record.waiting = try scanner.readInt()
                case .kvBlocksUsed?: record.kvBlocksUsed = try scanner.readInt()
                case .kvBlocksTotal?: record.kvBlocksTotal = try scanner.readInt()
                case .flops?: record.flops = try scanner.readDouble()
                case .bytes?: record.bytes = try scanner.readDouble()
                case .id?: record.id = try scanner.readString()
                case .promptTokens?: record.promptTokens = try scanner.readInt()
                case .outputTokens?: record.outputTokens = try scanner.readInt()
                case .priority?: record.priority = try scanner.readInt()
                case .tokens?: record.tokens = try scanner.readInt()
                case .reason?: record.reason = try scanner.readString()
                case .status?: record.status = try scanner.readString()
                case .resumed?: record.resumed = try scanner.readBool()
                case .simTime?: record.simTime = try scanner.readDouble()
                case .steps?: record.steps = try scanner.readInt()
                case .arrived?: record.arrived = try scanner.readInt()
                case .rejected?: record.rejected = try scanner.readInt()
                case .skippedLines?: record.skippedLines = try scanner.readInt()
                case .skippedReasons?:
                    try scanner.beginArray()
                    var firstReason = true
                    while try scanner.nextElement(first: &firstReason) { record.skippedReasons.append(try scanner.readString()) }
                case .clientT?: record.clientT = try scanner.readDouble()
                case .replica?: record.replica = try scanner.readInt()
                case .phase?: record.phase = try scanner.readString()
                default:
                    try scanner.skipValue()
                }
            }
            field = -1
            try scanner.expectEnd()
        } catch let error as InputError {
            throw error
        } catch let error as JSONScanError {
            throw fail(Self.fieldName(field), error.message)
        } catch {
            throw fail(Self.fieldName(field), "\(error)")
        }
        guard let kind = record.kind else { throw fail("type", "missing") }
        try checkRanges()
        try count(record.replica, "replica")
        let recordReplica = record.replica ?? 0
        if checksReplicas && recordReplica >= replicaCount {
            throw fail("replica", "\(recordReplica) is not a replica of this fleet of \(replicaCount) (the header's config.cluster.replicas)")
        }
        setReplica(recordReplica)
        route = nil
        switch kind {
        case .route:
            route = (try need(record.t, "t"), try need(record.id, "id"), try need(record.replica, "replica"),
                     record.phase ?? "mixed")
            return nil
        case .arrival: return try arrival()
        case .step: return try step()
        case .cacheHit:
            let slot = try resolveOnReplica(try need(record.id, "id"))
            return .cacheHit(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot,
                             tokens: try need(record.tokens, "tokens"), resumed: record.resumed ?? false)
        case .firstToken:
            let slot = try resolveOnReplica(try need(record.id, "id"))
            return .firstToken(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot)
        case .preempted:
            let slot = try resolveOnReplica(try need(record.id, "id"))
            return .preempted(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot)
        case .finished: return try finished()
        case .timedOut:
            let id = try need(record.id, "id")
            let t = try need(record.t, "t")
            try checkReplica(ofLive: id)
            guard let slot = Self.withBytes(of: id, { live.remove($0) }) else {
                throw fail("id", "request '\(id)' times out without an arrival (or after it left)")
            }
            // An asynchronously scheduled step may still list it, as after a finish.
            retiring.append((slot, 0, replica))
            return .timedOut(time: t, slot: slot)
        case .warmupEnd:
            return .warmupEnded(time: try need(record.t, "t"))
        case .rejected:
            let id = try need(record.id, "id")
            let reasonText = try need(record.reason, "reason")
            guard let reason = RejectionReason(rawValue: reasonText) else {
                throw fail("reason", "unknown rejection reason '\(reasonText)'")
            }
            let t = try need(record.t, "t")
            seen.arrived += 1
            seen.rejected += 1
            return .rejected(time: t, slot: -1, id: id, reason: reason)
        case .end:
            try endRecord()
            ended = end
            return nil
        case .header:
            throw fail("type", "a second header record")
        case .other:
            return nil
        }
    }

    /// Times and amounts must be finite and ≥ 0, token and queue counts within Int32 (what the
    /// writer can produce), so that no reducer downstream sees a negative latency or overflows.
    private func checkRanges() throws(InputError) {
        try time(record.t, "t"); try time(record.dt, "dt"); try time(record.simTime, "sim_time")
        try time(record.flops, "flops"); try time(record.bytes, "bytes"); try time(record.clientT, "client_t")
        try count(record.promptTokens, "prompt_tokens"); try count(record.outputTokens, "output_tokens")
        try count(record.tokens, "tokens"); try count(record.prefillTokens, "prefill_tokens")
        try count(record.decodeTokens, "decode_tokens"); try count(record.running, "running")
        try count(record.waiting, "waiting"); try count(record.kvBlocksUsed, "kv_blocks_used")
        try count(record.kvBlocksTotal, "kv_blocks_total"); try count(record.step, "step")
        try count(record.steps, "steps"); try count(record.arrived, "arrived")
        try count(record.finishedCount, "finished"); try count(record.rejected, "rejected")
        try count(record.skippedLines, "skipped_lines")
        if let p = record.priority, p < Int(Int32.min) || p > Int(Int32.max) {
            throw fail("priority", "out of range: \(p) (Int32)")
        }
    }

    @inline(__always)
    private func time(_ value: Double?, _ field: String) throws(InputError) {
        if let value, !(value.isFinite && value >= 0) { throw fail(field, "must be a finite number ≥ 0, got \(value)") }
    }

    @inline(__always)
    private func count(_ value: Int?, _ field: String) throws(InputError) {
        if let value, value < 0 || value > Int(Int32.max) {
            throw fail(field, "must be an integer in 0...\(Int32.max), got \(value)")
        }
    }

    /// Id lists are resolved while scanning (our writer puts `type` first); in a record of
    /// another type they are skipped.
    private var isStepOrUntyped: Bool { record.kind == nil || record.kind == .step }

    /// Record types, by their `type` value.
    enum RecordKind: Int {
        case step, arrival, firstToken, finished, preempted, cacheHit, rejected, end, header, timedOut, warmupEnd, route, other
        /// The row of ``successor`` before the type is known.
        static let untyped = 13
        static let names: [(String, RecordKind)] = [
            ("step", .step), ("arrival", .arrival), ("first_token", .firstToken), ("finished", .finished),
            ("preempted", .preempted), ("cache_hit", .cacheHit), ("rejected", .rejected), ("end", .end),
            ("header", .header), ("timed_out", .timedOut), ("warmup_end", .warmupEnd), ("route", .route),
        ]
    }

    /// The `type` value: the writer's names matched as bytes, anything else read as a string.
    private func readKind(_ scanner: inout JSONScanner) throws(JSONScanError) -> RecordKind {
        if scanner.takeLiteral(#""step""#) { return .step }
        if scanner.current == UInt8(ascii: "\""), let span = try scanner.readPlainString() {
            let p = scanner.bytes.baseAddress! + span.lowerBound
            for (name, kind) in RecordKind.names where name.utf8.count == span.count {
                var name = name
                if name.withUTF8({ memcmp($0.baseAddress!, p, span.count) == 0 }) { return kind }
            }
            return .other
        }
        let name = try scanner.readString()
        return RecordKind.names.first { $0.0 == name }?.1 ?? .other
    }

    /// `,"key":` for each of ``keys``, to match a predicted key in one comparison.
    private static let keyLiterals = KeyLiterals(keys)

    private mutating func readBatch(_ scanner: inout JSONScanner) throws {
        // Our writer's exact form (no spaces, no escapes) first; anything else, including
        // every error, takes the general path from the same place.
        if let p = scanner.bytes.baseAddress {
            var i = scanner.index
            if readBatchExact(p, count: scanner.bytes.count, at: &i) {
                batch.finishExact(batch: p + scanner.index + 1, length: i - scanner.index - 1)
                scanner.index = i
                return
            }
        }
        batch.begin()
        try readBatchGeneral(&scanner)
    }

    private mutating func readBatchGeneral(_ scanner: inout JSONScanner) throws {
        try scanner.beginArray()
        var first = true
        var cursor = 0
        while try scanner.nextElement(first: &first) {
            try scanner.beginArray()
            let slot: RequestSlot
            var idSpan: Range<Int>? = nil
            if let span = try scanner.readPlainString() {
                idSpan = span
                let id = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(scanner.bytes)[span])
                if let hit = batch.previousSlot(of: id, cursor: &cursor) {
                    slot = hit
                } else {
                    slot = try resolve(scanner.text(span), field: "batch")
                }
            } else {
                slot = try resolve(try scanner.readString(), field: "batch")
            }
            try scanner.expect(UInt8(ascii: ","), "','")
            let n = try scanner.readInt()
            guard n >= 0 && n <= Int(Int32.max) else { throw JSONScanError("token count out of range: \(n)") }
            if let idSpan {
                batch.appendGeneral(id: UnsafeBufferPointer(rebasing: scanner.bytes[idSpan]), slot: slot, tokens: Int32(n))
            } else {
                batch.appendUncached(slot: slot, tokens: Int32(n))
            }
            try scanner.expect(UInt8(ascii: "]"), "']' after an [id, tokens] pair")
        }
        batch.finishGeneral()
    }

    private mutating func readIDs(_ scanner: inout JSONScanner, into list: WritableKeyPath<Fields, [RequestSlot]>,
                                  field: String) throws {
        try scanner.beginArray()
        var first = true
        while try scanner.nextElement(first: &first) {
            let slot = try resolve(try scanner.readString(), field: field)
            record[keyPath: list].append(slot)
        }
    }

    @inline(__always)
    private func need<T>(_ value: T?, _ field: String) throws(InputError) -> T {
        guard let value else { throw missing(field) }
        return value
    }

    @inline(never)
    private func missing(_ field: String) -> InputError { fail(field, "missing") }

    /// The slot of request `id`: live, or finished in the last two steps (newest first).
    @inline(__always)
    func lookup(_ id: UnsafeRawBufferPointer) -> RequestSlot? {
        if let slot = live.slot(of: id) { return slot }
        var k = retiring.count
        while k > 0 {
            k -= 1
            if live.idOf(retiring[k].slot, equals: id) { return retiring[k].slot }
        }
        return nil
    }

    /// Calls `body` with the UTF-8 bytes of `id` (the form ``live`` keys requests by).
    private static func withBytes<R>(of id: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var text = id
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    private func resolve(_ id: String, field: String? = "id") throws(InputError) -> RequestSlot {
        if let slot = Self.withBytes(of: id, lookup) { return slot }
        throw fail(field, "request '\(id)' has no arrival before it")
    }

    /// In a fleet's log: that request `id`, when live, arrived on the record's replica (checked
    /// before a `finished` or `timed_out` record takes it out of ``live``).
    private func checkReplica(ofLive id: String) throws(InputError) {
        guard checksReplicas, let slot = Self.withBytes(of: id, { live.slot(of: $0) }) else { return }
        try checkReplica(of: CollectionOfOne(slot), "id")
    }

    /// ``resolve(_:field:)``, then (in a fleet's log) the check that the request is on the
    /// record's replica.
    private func resolveOnReplica(_ id: String) throws(InputError) -> RequestSlot {
        let slot = try resolve(id)
        if checksReplicas { try checkReplica(of: CollectionOfOne(slot), "id") }
        return slot
    }

    private mutating func arrival() throws(InputError) -> SimulationEvent {
        let id = try need(record.id, "id")
        let t = try need(record.t, "t")
        let prompt = try need(record.promptTokens, "prompt_tokens")
        let output = try need(record.outputTokens, "output_tokens")
        let isLive = Self.withBytes(of: id) { live.slot(of: $0) != nil }
        guard !isLive else {
            throw fail("id", "request '\(id)' arrives again while still in the system (duplicate id)")
        }
        guard freeSlots.count > 0 || slotCount < Int(Int32.max) else { throw fail("id", "too many live requests") }
        let slot = Self.withBytes(of: id) { admit($0) }
        return .arrival(ArrivalEvent(time: t, slot: slot, id: id, promptTokens: prompt, outputTokens: output,
                                     priority: record.priority ?? 0, clientTime: record.clientT))
    }

    /// Gives `id` (checked not live) a slot and makes it live.
    mutating func admit(_ id: UnsafeRawBufferPointer) -> RequestSlot {
        // An id reused right after it finished: the previous batch may list its old slot.
        for r in retiring where live.idOf(r.slot, equals: id) { batch.invalidate(r.slot) }
        let slot: RequestSlot
        if let reused = freeSlots.popLast() { slot = reused } else {
            slot = RequestSlot(slotCount)
            slotCount += 1
        }
        live.insert(id, slot: slot)
        seen.arrived += 1
        if checksReplicas {
            let s = Int(slot)
            if s >= slotReplica.count { slotReplica.append(contentsOf: repeatElement(-1, count: s + 1 - slotReplica.count)) }
            slotReplica[s] = Int32(truncatingIfNeeded: replica)
        }
        return slot
    }

    private mutating func finished() throws(InputError) -> SimulationEvent {
        let id = try need(record.id, "id")
        let t = try need(record.t, "t")
        let step = try need(record.step, "step")
        let outputs = try need(record.outputTokens, "output_tokens")
        try checkReplica(ofLive: id)
        guard let slot = Self.withBytes(of: id, { live.remove($0) }) else {
            throw fail("id", "request '\(id)' finishes without an arrival (or finishes twice)")
        }
        retire(slot)
        return .finished(time: t, step: step, slot: slot, outputTokens: outputs)
    }

    /// A request finished (already removed from ``live``).
    mutating func retire(_ slot: RequestSlot) {
        retiring.append((slot, 0, replica))
        seen.finished += 1
    }

    /// Makes `r` the current replica: its previous step time becomes ``lastStepTime``.
    mutating func setReplica(_ r: Int) {
        guard r != replica else { return }
        while replicaStepTimes.count <= max(r, replica) { replicaStepTimes.append(0) }
        replicaStepTimes[replica] = lastStepTime
        lastStepTime = replicaStepTimes[r]
        replica = r
    }

    private mutating func step() throws(InputError) -> SimulationEvent {
        let step = try need(record.step, "step")
        let t = try need(record.t, "t")
        guard t >= lastStepTime else {
            throw fail("t", "step time \(t) is earlier than the previous step's \(lastStepTime) (steps must not go back in time)")
        }
        let dt = try need(record.dt, "dt")
        guard record.hasBatch else { throw fail("batch", "missing") }
        if checksReplicas {
            try checkReplica(of: UnsafeBufferPointer(start: batch.previousSlots, count: batch.previousCount), "batch")
            try checkReplica(of: record.noToken, "no_token")
            try checkReplica(of: record.preempted, "preempted")
            try checkReplica(of: record.finished, "finished")
        }
        stepRecord.setIDLists(noToken: record.noToken, preempted: record.preempted, finished: record.finished)
        stepRecord.prefillTokens = try need(record.prefillTokens, "prefill_tokens")
        stepRecord.decodeTokens = try need(record.decodeTokens, "decode_tokens")
        stepRecord.running = try need(record.running, "running")
        stepRecord.waiting = try need(record.waiting, "waiting")
        stepRecord.kvBlocksUsed = try need(record.kvBlocksUsed, "kv_blocks_used")
        stepRecord.kvBlocksTotal = try need(record.kvBlocksTotal, "kv_blocks_total")
        stepRecord.flops = try need(record.flops, "flops")
        stepRecord.bytes = try need(record.bytes, "bytes")
        stepRecord.clientSeenTime = record.clientT ?? .nan
        return finishStep(step: step, time: t, duration: dt)
    }

    /// Completes ``stepRecord`` with the batch just read (now the cache's previous batch) and
    /// returns it; then recycles the slots of requests that finished two steps ago.
    mutating func finishStep(step: Int, time: Double, duration: Double) -> SimulationEvent {
        stepRecord.step = step
        stepRecord.time = time
        lastStepTime = time
        stepRecord.duration = duration
        let n = batch.previousCount
        Self.assign(&stepRecord.batchSlots, from: batch.previousSlots, count: n)
        Self.assign(&stepRecord.batchTokens, from: batch.previousTokens, count: n)
        // Requests that finished before this step may be listed by it (async scheduling) and
        // by no later one after the next: recycle their slots after two steps.
        var k = 0
        while k < retiring.count {
            if retiring[k].replica != replica { k += 1; continue }
            retiring[k].steps += 1
            if retiring[k].steps >= 2 {
                let slot = retiring[k].slot
                batch.invalidate(slot)
                freeSlots.append(slot)
                retiring.remove(at: k)
            } else {
                k += 1
            }
        }
        seen.steps += 1
        return .step(stepRecord)
    }

    /// Makes `array` a copy of the `n` values at `values`, resizing it by single appends and
    /// removals (consecutive batches differ in size by a few entries; `removeAll` and
    /// `append(contentsOf:)` take Array's general paths, several hundred instructions a step).
    private static func assign(_ array: inout [Int32], from values: UnsafePointer<Int32>, count n: Int) {
        while array.count > n { array.removeLast() }
        if array.count < n {
            array.reserveCapacity(n)
            while array.count < n { array.append(0) }
        }
        guard n > 0 else { return }
        array.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: values, count: n) }
    }

    private mutating func endRecord() throws(InputError) {
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
        end = EventLogEnd(status: status, counts: counts, skippedLines: record.skippedLines ?? 0,
                          skippedReasons: record.skippedReasons)
    }
}

/// The byte strings `,"key":` of a key table, in one buffer, compared with unaligned loads.
struct KeyLiterals: @unchecked Sendable {
    private let bytes: UnsafeMutablePointer<UInt8>
    private let offsets: [Int]
    private let lengths: [Int]

    init(_ keys: [StaticString]) {
        var all: [UInt8] = []
        var offsets: [Int] = [], lengths: [Int] = []
        for key in keys {
            offsets.append(all.count)
            all.append(UInt8(ascii: ","))
            all.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { all.append(contentsOf: $0) }
            all.append(UInt8(ascii: "\""))
            all.append(UInt8(ascii: ":"))
            lengths.append(all.count - offsets.last!)
        }
        bytes = .allocate(capacity: all.count + 8)  // never freed: one static table
        bytes.initialize(from: all, count: all.count)
        self.offsets = offsets
        self.lengths = lengths
    }

    /// Consumes `,"key":` for key `k` if it comes next, byte for byte.
    @inline(__always)
    func matches(_ k: Int, _ scanner: inout JSONScanner) -> Bool {
        let n = lengths[k]
        guard scanner.bytes.count - scanner.index >= n else { return false }
        let x = UnsafeRawPointer(scanner.bytes.baseAddress! + scanner.index)
        let y = UnsafeRawPointer(bytes + offsets[k])
        let equal: Bool
        if n <= 8 {
            equal = x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        } else if n <= 16 {
            equal = x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n <= 24 {
            equal = x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            equal = memcmp(x, y, n) == 0
        }
        if equal { scanner.index += n }
        return equal
    }
}
