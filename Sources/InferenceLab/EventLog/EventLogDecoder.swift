#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the records after an event log's header into ``SimulationEvent``s, assigning slots.
///
/// Slots: an `arrival` takes a free slot; a finished request keeps its slot for two more
/// `step` records (an asynchronously scheduled step may still list it), then the slot is
/// recycled. Memory is bounded by the number of live requests.
///
/// Batch ids are resolved through a small cache of the previous step's batch: consecutive
/// steps list mostly the same running requests in the same order, so most entries match the
/// previous batch at a moving cursor and need neither a `String` nor a hash. A per-slot
/// generation, bumped whenever a slot changes hands, keeps cached entries honest.
struct EventLogDecoder {
    let file: String
    private var line = 0
    private(set) var end: EventLogEnd?
    private var seen = EventLogCounts()

    // Slot assignment.
    private var live: [String: RequestSlot] = [:]
    private var freeSlots: [RequestSlot] = []
    /// Requests finished recently: an asynchronously scheduled step may still list them.
    private var retiring: [(id: String, slot: RequestSlot, steps: Int)] = []

    // The previous batch's ids (bytes) and slots, the one being read, and the batch entries.
    private let batch = BatchScratch()

    // Per-line scratch, reused.
    /// Per record kind (and "untyped"), the key index that followed each key (or the start
    /// of the record, `keys.count`) last time; -1 when not seen yet.
    private var successor = [Int8](repeating: -1, count: (RecordKind.untyped + 1) * (keys.count + 1))
    private var record = Fields()
    private var stepRecord = StepRecord()

    init(file: String) { self.file = file }

    /// The keys this schema knows, most frequent (those of `step` records) first; the
    /// position is what ``decode(_:line:)`` switches on, so no key becomes a `String`.
    private static let keys: [StaticString] = [
        "type", "step", "t", "dt", "batch", "no_token", "preempted", "finished",
        "prefill_tokens", "decode_tokens", "running", "waiting", "kv_blocks_used", "kv_blocks_total",
        "flops", "bytes", "id", "prompt_tokens", "output_tokens", "priority", "tokens", "reason",
        "status", "resumed", "sim_time", "steps", "arrived", "rejected",
    ]

    private static func fieldName(_ index: Int) -> String? {
        index >= 0 && index < keys.count ? keys[index].description : nil
    }

    /// The fields of one record, as far as this schema knows them.
    private struct Fields {
        var kind: RecordKind?
        var t: Double?, dt: Double?, simTime: Double?, flops: Double?, bytes: Double?
        var step: Int?, promptTokens: Int?, outputTokens: Int?, priority: Int?, tokens: Int?
        var prefillTokens: Int?, decodeTokens: Int?, running: Int?, waiting: Int?
        var kvBlocksUsed: Int?, kvBlocksTotal: Int?
        var steps: Int?, arrived: Int?, finishedCount: Int?, rejected: Int?
        var id: String?, reason: String?, status: String?
        var resumed: Bool?
        var hasBatch = false
        var noToken: [RequestSlot] = [], preempted: [RequestSlot] = [], finished: [RequestSlot] = []

        mutating func reset() {
            kind = nil
            t = nil; dt = nil; simTime = nil; flops = nil; bytes = nil
            step = nil; promptTokens = nil; outputTokens = nil; priority = nil; tokens = nil
            prefillTokens = nil; decodeTokens = nil; running = nil; waiting = nil
            kvBlocksUsed = nil; kvBlocksTotal = nil
            steps = nil; arrived = nil; finishedCount = nil; rejected = nil
            id = nil; reason = nil; status = nil
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
        record.reset()
        batch.count = 0
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
                    key = 0
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
                switch key {
                case 0: record.kind = try readKind(&scanner)
                case 1: record.step = try scanner.readInt()
                case 2: record.t = try scanner.readDouble()
                case 3: record.dt = try scanner.readDouble()
                case 4 where isStepOrUntyped:
                    record.hasBatch = true
                    try readBatch(&scanner)
                case 5 where isStepOrUntyped:
                    try readIDs(&scanner, into: \.noToken, field: "no_token")
                case 6 where isStepOrUntyped && scanner.peek() == UInt8(ascii: "["):
                    try readIDs(&scanner, into: \.preempted, field: "preempted")
                case 7 where scanner.peek() == UInt8(ascii: "["):
                    // An id list in `step`, a count in `end`.
                    if isStepOrUntyped { try readIDs(&scanner, into: \.finished, field: "finished") } else { try scanner.skipValue() }
                case 7: record.finishedCount = try scanner.readInt()
                case 8: record.prefillTokens = try scanner.readInt()
                case 9: record.decodeTokens = try scanner.readInt()
                case 10: record.running = try scanner.readInt()
                case 11: record.waiting = try scanner.readInt()
                case 12: record.kvBlocksUsed = try scanner.readInt()
                case 13: record.kvBlocksTotal = try scanner.readInt()
                case 14: record.flops = try scanner.readDouble()
                case 15: record.bytes = try scanner.readDouble()
                case 16: record.id = try scanner.readString()
                case 17: record.promptTokens = try scanner.readInt()
                case 18: record.outputTokens = try scanner.readInt()
                case 19: record.priority = try scanner.readInt()
                case 20: record.tokens = try scanner.readInt()
                case 21: record.reason = try scanner.readString()
                case 22: record.status = try scanner.readString()
                case 23: record.resumed = try scanner.readBool()
                case 24: record.simTime = try scanner.readDouble()
                case 25: record.steps = try scanner.readInt()
                case 26: record.arrived = try scanner.readInt()
                case 27: record.rejected = try scanner.readInt()
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
        switch kind {
        case .arrival: return try arrival()
        case .step: return try step()
        case .cacheHit:
            let slot = try resolve(try need(record.id, "id"))
            return .cacheHit(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot,
                             tokens: try need(record.tokens, "tokens"), resumed: record.resumed ?? false)
        case .firstToken:
            let slot = try resolve(try need(record.id, "id"))
            return .firstToken(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot)
        case .preempted:
            let slot = try resolve(try need(record.id, "id"))
            return .preempted(time: try need(record.t, "t"), step: try need(record.step, "step"), slot: slot)
        case .finished: return try finished()
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
        try time(record.flops, "flops"); try time(record.bytes, "bytes")
        try count(record.promptTokens, "prompt_tokens"); try count(record.outputTokens, "output_tokens")
        try count(record.tokens, "tokens"); try count(record.prefillTokens, "prefill_tokens")
        try count(record.decodeTokens, "decode_tokens"); try count(record.running, "running")
        try count(record.waiting, "waiting"); try count(record.kvBlocksUsed, "kv_blocks_used")
        try count(record.kvBlocksTotal, "kv_blocks_total"); try count(record.step, "step")
        try count(record.steps, "steps"); try count(record.arrived, "arrived")
        try count(record.finishedCount, "finished"); try count(record.rejected, "rejected")
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
        case step, arrival, firstToken, finished, preempted, cacheHit, rejected, end, header, other
        /// The row of ``successor`` before the type is known.
        static let untyped = 10
        static let names: [(String, RecordKind)] = [
            ("step", .step), ("arrival", .arrival), ("first_token", .firstToken), ("finished", .finished),
            ("preempted", .preempted), ("cache_hit", .cacheHit), ("rejected", .rejected), ("end", .end),
            ("header", .header),
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
        let start = scanner.index
        if try readBatchFast(&scanner) { return }
        scanner.index = start
        batch.count = 0
        batch.beginCurrent(layoutExact: false)
        try readBatchGeneral(&scanner)
    }

    /// `[["id",n],…]` exactly as ``EventLogWriter`` writes it; false (state half-written, the
    /// caller resets it) at the first byte that differs.
    ///
    /// Each entry is first compared, as raw bytes (`["id",`), with the previous batch's entry
    /// at the cursor: consecutive steps list mostly the same requests in the same order.
    private mutating func readBatchFast(_ scanner: inout JSONScanner) throws -> Bool {
        let bytes = scanner.bytes
        let count = bytes.count
        guard let p = bytes.baseAddress else { return false }
        var i = scanner.index
        guard i < count, p[i] == UInt8(ascii: "[") else { return false }
        i += 1
        let batchStart = i
        let scratch = batch
        // Every entry takes at least 7 bytes (`["",0],`).
        scratch.reserve(entries: scratch.count + (count - i) / 7 + 1)
        scratch.beginCurrent(layoutExact: true)
        if i < count && p[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            let previousBytes = scratch.previousBytes
            let previousIDs = scratch.previousIDs
            let previousCount = scratch.previousLayoutExact ? scratch.previousCount : 0
            let currentIDs = scratch.currentIDs
            let slots = scratch.slots
            let tokens = scratch.tokens
            let generation = scratch.generations
            let previousLength = scratch.previousBytesCount
            var n = scratch.count
            var m = 0
            var cursor = 0
            while true {
                if cursor < previousCount {
                    // A run of whole entries (`["id",n],`) identical, byte for byte, to the
                    // previous batch's from the cursor on: copied without scanning them.
                    let previousStart = previousIDs[cursor].start - 2
                    let limit = min(count - i, previousLength - previousStart)
                    let x = UnsafeRawPointer(p + i), y = UnsafeRawPointer(previousBytes + previousStart)
                    var same = 0
                    while same + 8 <= limit && x.loadUnaligned(fromByteOffset: same, as: UInt64.self)
                            == y.loadUnaligned(fromByteOffset: same, as: UInt64.self) { same += 8 }
                    while same < limit && p[i + same] == previousBytes[previousStart + same] { same += 1 }
                    let shift = (i &- batchStart) &- previousStart
                    let runEnd = previousStart &+ same
                    var k = cursor
                    var matchedEnd = previousStart
                    while k < previousCount {
                        let c = previousIDs[k]
                        let entryEnd = k &+ 1 < previousCount ? previousIDs[k &+ 1].start &- 2 : previousLength
                        guard entryEnd <= runEnd, generation[Int(c.slot)] == c.generation else { break }
                        var copy = c
                        copy.start = c.start &+ shift
                        currentIDs[m] = copy
                        m &+= 1
                        slots[n] = c.slot
                        tokens[n] = c.tokens
                        n &+= 1
                        matchedEnd = entryEnd
                        k &+= 1
                    }
                    if k > cursor {
                        i += matchedEnd - previousStart
                        cursor = k
                        // The previous batch's last entry ends with the batch's `]`.
                        if matchedEnd == previousLength { break }
                    }
                }
                var slot: RequestSlot = -1
                var idStart = 0
                var idCount = 0
                if cursor < previousCount {
                    let c = previousIDs[cursor]
                    let length = c.count + 4
                    if count - i >= length && generation[Int(c.slot)] == c.generation
                        && Self.equalBytes(p + i, previousBytes + (c.start - 2), length) {
                        slot = c.slot
                        idStart = i + 2
                        idCount = c.count
                        i += length
                        cursor += 1
                    }
                }
                if slot < 0 {
                    guard i + 1 < count, p[i] == UInt8(ascii: "["), p[i + 1] == UInt8(ascii: "\"") else { return false }
                    i += 2
                    idStart = i
                    while i < count {
                        let c = p[i]
                        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 { break }
                        i += 1
                    }
                    guard i < count, p[i] == UInt8(ascii: "\"") else { return false }
                    let span = idStart..<i
                    idCount = span.count
                    i += 1
                    guard i < count, p[i] == UInt8(ascii: ",") else { return false }
                    i += 1
                    if let hit = cachedSlot(bytes, span, cursor: &cursor) {
                        slot = hit
                    } else {
                        scanner.index = idStart
                        slot = try resolve(scanner.text(span), field: "batch")
                    }
                }
                // A non-negative integer without leading zeros, at most 10 digits.
                let digitsStart = i
                var value = 0
                while i < count {
                    let d = p[i] &- 0x30
                    guard d < 10 else { break }
                    value = value &* 10 &+ Int(d)
                    i += 1
                    if i - digitsStart > 10 { return false }
                }
                let digits = i - digitsStart
                guard digits > 0, digits == 1 || p[digitsStart] != UInt8(ascii: "0"),
                      value <= Int(Int32.max) else { return false }
                guard i + 1 < count, p[i] == UInt8(ascii: "]") else { return false }
                i += 1
                // Offsets into this batch's bytes, copied in one piece at the end.
                currentIDs[m] = BatchScratch.CachedID(start: idStart - batchStart, count: idCount, slot: slot,
                                                      generation: generation[Int(slot)],
                                                      tokens: Int32(truncatingIfNeeded: value))
                m += 1
                slots[n] = slot
                tokens[n] = Int32(truncatingIfNeeded: value)
                n += 1
                let c = p[i]
                i += 1
                if c == UInt8(ascii: "]") { break }
                guard c == UInt8(ascii: ",") else { return false }
            }
            scratch.count = n
            scratch.currentCount = m
        }
        scanner.index = i
        scratch.finishCurrent(bytes: p + batchStart, count: i - batchStart)
        return true
    }

    /// Whether `n ≥ 4` bytes at `a` and `b` are equal (two overlapping loads per side up to 16).
    @inline(__always)
    private static func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        if n <= 8 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if n <= 16 {
            return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(a, b, n) == 0
    }

    private mutating func readBatchGeneral(_ scanner: inout JSONScanner) throws {
        try scanner.beginArray()
        var first = true
        var cursor = 0
        while try scanner.nextElement(first: &first) {
            try scanner.beginArray()
            let slot: RequestSlot
            if let span = try scanner.readPlainString() {
                if let hit = cachedSlot(scanner.bytes, span, cursor: &cursor) {
                    slot = hit
                } else {
                    slot = try resolve(scanner.text(span), field: "batch")
                }
                batch.appendCurrent(UnsafeBufferPointer(rebasing: scanner.bytes[span]), slot: slot,
                                    generation: batch.generations[Int(slot)])
            } else {
                slot = try resolve(try scanner.readString(), field: "batch")
            }
            try scanner.expect(UInt8(ascii: ","), "','")
            let n = try scanner.readInt()
            guard n >= 0 && n <= Int(Int32.max) else { throw JSONScanError("token count out of range: \(n)") }
            batch.append(slot: slot, tokens: Int32(n))
            try scanner.expect(UInt8(ascii: "]"), "']' after an [id, tokens] pair")
        }
        batch.finishCurrent(bytes: nil, count: 0)
    }

    /// The slot of the id at `span` if the previous batch has it at or just after `cursor`.
    ///
    /// No closure captures `self` here: that would copy the whole decoder per batch entry.
    @inline(__always)
    private func cachedSlot(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Range<Int>, cursor: inout Int) -> RequestSlot? {
        let scratch = batch
        let limit = min(cursor + 4, scratch.previousCount)
        guard cursor < limit else { return nil }
        let previousIDs = scratch.previousIDs
        let previousBytes = scratch.previousBytes
        let generation = scratch.generations
        var k = cursor
        while k < limit {
            let c = previousIDs[k]
            if c.count == span.count && generation[Int(c.slot)] == c.generation
                && memcmp(previousBytes + c.start, bytes.baseAddress! + span.lowerBound, c.count) == 0 {
                cursor = k + 1
                return c.slot
            }
            k += 1
        }
        return nil
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

    private func resolve(_ id: String, field: String? = "id") throws(InputError) -> RequestSlot {
        if let slot = live[id] { return slot }
        if let r = retiring.last(where: { $0.id == id }) { return r.slot }
        throw fail(field, "request '\(id)' has no arrival before it")
    }

    private mutating func arrival() throws(InputError) -> SimulationEvent {
        let id = try need(record.id, "id")
        let t = try need(record.t, "t")
        let prompt = try need(record.promptTokens, "prompt_tokens")
        let output = try need(record.outputTokens, "output_tokens")
        guard live[id] == nil else {
            throw fail("id", "request '\(id)' arrives again while still in the system (duplicate id)")
        }
        // An id reused right after it finished: its old slot must no longer match by id.
        for r in retiring where r.id == id { batch.generations[Int(r.slot)] &+= 1 }
        let slot: RequestSlot
        if let reused = freeSlots.popLast() { slot = reused } else {
            guard batch.slotCount < Int(Int32.max) else { throw fail("id", "too many live requests") }
            slot = batch.addSlot()
        }
        batch.generations[Int(slot)] &+= 1
        live[id] = slot
        seen.arrived += 1
        return .arrival(ArrivalEvent(time: t, slot: slot, id: id, promptTokens: prompt, outputTokens: output,
                                     priority: record.priority ?? 0))
    }

    private mutating func finished() throws(InputError) -> SimulationEvent {
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

    private mutating func step() throws(InputError) -> SimulationEvent {
        var r = stepRecord
        stepRecord = StepRecord()  // keep `r` uniquely referenced so its arrays are reused
        r.step = try need(record.step, "step")
        r.time = try need(record.t, "t")
        r.duration = try need(record.dt, "dt")
        guard record.hasBatch else { throw fail("batch", "missing") }
        r.batchSlots.removeAll(keepingCapacity: true)
        r.batchSlots.append(contentsOf: UnsafeBufferPointer(start: batch.slots, count: batch.count))
        r.batchTokens.removeAll(keepingCapacity: true)
        r.batchTokens.append(contentsOf: UnsafeBufferPointer(start: batch.tokens, count: batch.count))
        r.noTokenSlots.removeAll(keepingCapacity: true)
        r.noTokenSlots.append(contentsOf: record.noToken)
        r.preemptedSlots.removeAll(keepingCapacity: true)
        r.preemptedSlots.append(contentsOf: record.preempted)
        r.finishedSlots.removeAll(keepingCapacity: true)
        r.finishedSlots.append(contentsOf: record.finished)
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
                let slot = retiring[k].slot
                batch.generations[Int(slot)] &+= 1
                freeSlots.append(slot)
                retiring.remove(at: k)
            } else {
                k += 1
            }
        }
        seen.steps += 1
        stepRecord = r
        return .step(r)
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
        end = EventLogEnd(status: status, counts: counts)
    }
}

/// A step's batch entries and the id cache of ``EventLogDecoder``, in raw buffers so the
/// per-entry loop does no array bookkeeping (uniqueness and capacity checks per append).
final class BatchScratch {
    struct CachedID {
        /// Offset of the id's bytes in the batch's bytes.
        var start: Int
        var count: Int
        var slot: RequestSlot
        var generation: UInt32
        var tokens: Int32 = 0
    }

    /// The batch entries of the record being decoded.
    private(set) var slots: UnsafeMutablePointer<RequestSlot>
    private(set) var tokens: UnsafeMutablePointer<Int32>
    var count = 0
    private var capacity = 0

    /// The previous batch's ids, and its bytes: `["id",n],…]` as the writer wrote them when
    /// `previousLayoutExact`, else only the ids' bytes, one after the other.
    private(set) var previousIDs: UnsafeMutablePointer<CachedID>
    private(set) var previousBytes: UnsafeMutablePointer<UInt8>
    private(set) var previousCount = 0
    private(set) var previousBytesCount = 0
    private(set) var previousLayoutExact = false
    private(set) var currentIDs: UnsafeMutablePointer<CachedID>
    private var currentBytes: UnsafeMutablePointer<UInt8>
    var currentCount = 0
    private var currentBytesCount = 0
    private var currentLayoutExact = false
    private var idCapacity = 0
    private var previousBytesCapacity = 0
    private var currentBytesCapacity = 0

    /// Per slot, a number bumped whenever the slot changes hands: cached ids of an older
    /// generation no longer match.
    private(set) var generations: UnsafeMutablePointer<UInt32>
    private(set) var slotCount = 0
    private var slotCapacity = 0

    /// A new slot, generation 0.
    func addSlot() -> RequestSlot {
        if slotCount == slotCapacity {
            let c = max(2 * slotCapacity, 256)
            Self.grow(&generations, keeping: slotCount, to: c)
            slotCapacity = c
        }
        generations[slotCount] = 0
        slotCount += 1
        return RequestSlot(slotCount - 1)
    }

    init() {
        generations = .allocate(capacity: 0)
        slots = .allocate(capacity: 0)
        tokens = .allocate(capacity: 0)
        previousIDs = .allocate(capacity: 0)
        currentIDs = .allocate(capacity: 0)
        previousBytes = .allocate(capacity: 0)
        currentBytes = .allocate(capacity: 0)
    }

    deinit {
        generations.deallocate()
        slots.deallocate()
        tokens.deallocate()
        previousIDs.deallocate()
        currentIDs.deallocate()
        previousBytes.deallocate()
        currentBytes.deallocate()
    }

    private static func grow<T>(_ pointer: inout UnsafeMutablePointer<T>, keeping used: Int, to capacity: Int) {
        let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        bigger.moveInitialize(from: pointer, count: used)
        pointer.deallocate()
        pointer = bigger
    }

    /// Room for `entries` batch entries in all, and as many ids in the current batch.
    func reserve(entries: Int) {
        if entries > capacity {
            let c = max(entries, 2 * capacity, 64)
            Self.grow(&slots, keeping: count, to: c)
            Self.grow(&tokens, keeping: count, to: c)
            capacity = c
        }
        if entries > idCapacity {
            let c = max(entries, 2 * idCapacity, 64)
            Self.grow(&currentIDs, keeping: currentCount, to: c)
            Self.grow(&previousIDs, keeping: previousCount, to: c)
            idCapacity = c
        }
    }

    func append(slot: RequestSlot, tokens n: Int32) {
        reserve(entries: count + 1)
        slots[count] = slot
        tokens[count] = n
        count += 1
    }

    func beginCurrent(layoutExact: Bool) {
        currentCount = 0
        currentBytesCount = 0
        currentLayoutExact = layoutExact
    }

    /// Adds an id (its bytes) to the current batch (general path).
    func appendCurrent(_ id: UnsafeBufferPointer<UInt8>, slot: RequestSlot, generation: UInt32) {
        reserve(entries: currentCount + 1)
        if currentBytesCount + id.count > currentBytesCapacity {
            let c = max(currentBytesCount + id.count, 2 * currentBytesCapacity, 1024)
            Self.grow(&currentBytes, keeping: currentBytesCount, to: c)
            currentBytesCapacity = c
        }
        if let base = id.baseAddress { (currentBytes + currentBytesCount).update(from: base, count: id.count) }
        currentIDs[currentCount] = CachedID(start: currentBytesCount, count: id.count, slot: slot, generation: generation)
        currentBytesCount += id.count
        currentCount += 1
    }

    /// Ends the current batch (copying `count` bytes from `bytes` when given: the exact
    /// layout's offsets refer to them); it becomes the previous one.
    func finishCurrent(bytes: UnsafePointer<UInt8>?, count n: Int) {
        if let bytes {
            if n > currentBytesCapacity {
                currentBytes.deallocate()
                let c = max(n, 2 * currentBytesCapacity, 1024)
                currentBytes = .allocate(capacity: c)
                currentBytesCapacity = c
            }
            currentBytes.update(from: bytes, count: n)
            currentBytesCount = n
        }
        swap(&previousIDs, &currentIDs)
        swap(&previousBytes, &currentBytes)
        swap(&previousBytesCapacity, &currentBytesCapacity)
        previousCount = currentCount
        previousBytesCount = currentBytesCount
        previousLayoutExact = currentLayoutExact
        currentCount = 0
        currentBytesCount = 0
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
