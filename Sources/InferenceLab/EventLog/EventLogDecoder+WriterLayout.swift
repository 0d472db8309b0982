// Speed only: reads EventLogWriter's own layout in one pass; gives exactly the general
// path's event or defers to it (EventLogFastPathTests checks both on mutated lines).
/// The fast path of ``EventLogDecoder``: records exactly as ``EventLogWriter`` writes them
/// (its key order, no spaces, plain ASCII ids, values the writer can produce), read in one
/// pass by matching the fixed bytes between the values.
///
/// It never throws and changes no decoder state until a record is complete and valid: any
/// other byte, a value out of range, an unknown id or a duplicate arrival returns nil, and the
/// general path reads the record again and reports what is wrong with it. So both paths give
/// the same events for every line, and errors come from one place.
extension EventLogDecoder {
    mutating func decodeWriterLayout(_ line: UnsafeBufferPointer<UInt8>) -> SimulationEvent? {
        guard let p = line.baseAddress else { return nil }
        var r = LayoutReader(p: p, end: line.count)
        guard r.take(#"{"type":""#), r.i < r.end else { return nil }
        switch p[r.i] {
        case UInt8(ascii: "s"): return stepRecord(&r)
        case UInt8(ascii: "a"): return arrivalRecord(&r)
        case UInt8(ascii: "f"):
            if r.take(#"first_token","t":"#) { return requestRecord(&r, kind: .firstToken) }
            return finishedRecord(&r)
        case UInt8(ascii: "p"):
            guard r.take(#"preempted","t":"#) else { return nil }
            return requestRecord(&r, kind: .preempted)
        case UInt8(ascii: "c"): return cacheHitRecord(&r)
        default: return nil
        }
    }

    /// `step","step":N,"t":T,"dt":T,"batch":[…],"no_token":[…],…,"bytes":T}`
    private mutating func stepRecord(_ r: inout LayoutReader) -> SimulationEvent? {
        guard r.take(#"step","step":"#), let step = r.count(),
              r.take(#","t":"#), let t = r.time(), t >= lastStepTime,
              r.take(#","dt":"#), let dt = r.time(),
              r.take(#","batch":"#) else { return nil }
        let batchOpen = r.i
        guard readBatchExact(r.p, count: r.end, at: &r.i) else { return nil }
        let batchEnd = r.i
        // The id lists go straight into the step record's arrays (moved out meanwhile, so
        // that looking ids up does not overlap an access to them).
        var noToken: [RequestSlot] = [], preempted: [RequestSlot] = [], finished: [RequestSlot] = []
        swap(&noToken, &stepRecord.noTokenSlots)
        swap(&preempted, &stepRecord.preemptedSlots)
        swap(&finished, &stepRecord.finishedSlots)
        let lists = r.take(#","no_token":"#) && idList(&r, into: &noToken)
            && r.take(#","preempted":"#) && idList(&r, into: &preempted)
            && r.take(#","finished":"#) && idList(&r, into: &finished)
        swap(&noToken, &stepRecord.noTokenSlots)
        swap(&preempted, &stepRecord.preemptedSlots)
        swap(&finished, &stepRecord.finishedSlots)
        guard lists,
              r.take(#","prefill_tokens":"#), let prefill = r.count(),
              r.take(#","decode_tokens":"#), let decode = r.count(),
              r.take(#","running":"#), let running = r.count(),
              r.take(#","waiting":"#), let waiting = r.count(),
              r.take(#","kv_blocks_used":"#), let used = r.count(),
              r.take(#","kv_blocks_total":"#), let total = r.count(),
              r.take(#","flops":"#), let flops = r.time(),
              r.take(#","bytes":"#), let bytes = r.time(),
              let seen = r.optionalClientTime(),
              r.take("}"), r.i == r.end else { return nil }
        batch.finishExact(batch: r.p + batchOpen + 1, length: batchEnd - batchOpen - 1)
        stepRecord.prefillTokens = prefill
        stepRecord.decodeTokens = decode
        stepRecord.running = running
        stepRecord.waiting = waiting
        stepRecord.kvBlocksUsed = used
        stepRecord.kvBlocksTotal = total
        stepRecord.flops = flops
        stepRecord.bytes = bytes
        stepRecord.clientSeenTime = seen
        return finishStep(step: step, time: t, duration: dt)
    }

    /// `arrival","t":T,"id":"…","prompt_tokens":N,"output_tokens":N,"priority":N}`
    private mutating func arrivalRecord(_ r: inout LayoutReader) -> SimulationEvent? {
        guard r.take(#"arrival","t":"#), let t = r.time(),
              r.take(#","id":""#), let id = r.id(),
              r.take(#","prompt_tokens":"#), let prompt = r.count(),
              r.take(#","output_tokens":"#), let output = r.count(),
              r.take(#","priority":"#), let priority = r.int32(),
              let sent = r.optionalClientTime(),
              r.take("}"), r.i == r.end,
              live.slot(of: id) == nil,
              freeSlots.count > 0 || slotCount < Int(Int32.max) else { return nil }
        let slot = admit(id)
        return .arrival(ArrivalEvent(time: t, slot: slot, id: String(decoding: id, as: UTF8.self),
                                     promptTokens: prompt, outputTokens: output, priority: priority,
                                     clientTime: sent.isNaN ? nil : sent))
    }

    /// `first_token` or `preempted` (already matched through `"t":`): `T,"step":N,"id":"…"}`
    private mutating func requestRecord(_ r: inout LayoutReader, kind: RecordKind) -> SimulationEvent? {
        guard let t = r.time(), r.take(#","step":"#), let step = r.count(),
              r.take(#","id":""#), let id = r.id(), r.optionalClientTime() != nil, r.take("}"), r.i == r.end,
              let slot = lookup(id) else { return nil }
        return kind == .firstToken ? .firstToken(time: t, step: step, slot: slot)
                                   : .preempted(time: t, step: step, slot: slot)
    }

    /// `finished","t":T,"step":N,"id":"…","output_tokens":N}`
    private mutating func finishedRecord(_ r: inout LayoutReader) -> SimulationEvent? {
        guard r.take(#"finished","t":"#), let t = r.time(),
              r.take(#","step":"#), let step = r.count(),
              r.take(#","id":""#), let id = r.id(),
              r.take(#","output_tokens":"#), let outputs = r.count(),
              r.optionalClientTime() != nil,
              r.take("}"), r.i == r.end,
              let slot = live.remove(id) else { return nil }
        retire(slot)
        return .finished(time: t, step: step, slot: slot, outputTokens: outputs)
    }

    /// `cache_hit","t":T,"step":N,"id":"…","tokens":N,"resumed":B}`
    private mutating func cacheHitRecord(_ r: inout LayoutReader) -> SimulationEvent? {
        guard r.take(#"cache_hit","t":"#), let t = r.time(),
              r.take(#","step":"#), let step = r.count(),
              r.take(#","id":""#), let id = r.id(),
              r.take(#","tokens":"#), let tokens = r.count(),
              r.take(#","resumed":"#) else { return nil }
        let resumed: Bool
        if r.take("true}") { resumed = true } else if r.take("false}") { resumed = false } else { return nil }
        guard r.i == r.end, let slot = lookup(id) else { return nil }
        return .cacheHit(time: t, step: step, slot: slot, tokens: tokens, resumed: resumed)
    }

    /// `[]` or `["id","id",…]` of known requests, into `list`. (Mutating only so that the
    /// decoder is passed by reference: as a value it was copied, 736 bytes, per call.)
    private mutating func idList(_ r: inout LayoutReader, into list: inout [RequestSlot]) -> Bool {
        if !list.isEmpty { list.removeAll(keepingCapacity: true) }  // usually empty already
        if r.take("[]") { return true }
        guard r.take("[\"") else { return false }
        while true {
            guard let id = r.id(), let slot = lookup(id) else { return false }
            list.append(slot)
            if r.take("]") { return true }
            guard r.take(",\"") else { return false }
        }
    }

    /// The batch `[["id",n],…]` at `index` in the writer's layout, into ``batch``'s current
    /// entries; false at the first byte that differs from it, or an id that resolves to
    /// nothing (the general path then reads the batch again).
    ///
    /// Runs of whole entries equal, byte for byte, to the previous batch's at the cursor are
    /// copied from it; other entries are read one by one, their id compared with the
    /// previous batch's next few before the id index is asked.
    mutating func readBatchExact(_ p: UnsafePointer<UInt8>, count end: Int, at index: inout Int) -> Bool {
        var i = index
        guard i < end, p[i] == UInt8(ascii: "[") else { return false }
        i += 1
        let batchStart = i
        let cache = batch
        cache.begin()
        // Every entry takes at least 7 bytes (`["",0],`).
        cache.reserve(entries: (end - i) / 7 + 1)
        if i < end && p[i] == UInt8(ascii: "]") {
            index = i + 1
            return true
        }
        let slots = cache.slots, tokens = cache.tokens
        let idStarts = cache.idStarts, idLengths = cache.idLengths
        let usable = cache.usable
        let previousCount = usable ? cache.previousCount : 0
        let runs = usable && cache.previousExact
        let previousBytes = UnsafePointer(cache.previousBytes)
        let previousStarts = UnsafePointer(cache.previousIDStarts)
        let previousLengths = UnsafePointer(cache.previousIDLengths)
        let previousSlots = UnsafePointer(cache.previousSlots)
        let previousTokens = UnsafePointer(cache.previousTokens)
        let previousLength = cache.previousLength
        var n = 0
        var cursor = 0
        while true {
            if runs && cursor < previousCount {
                // The longest run of whole entries from the cursor on that this batch repeats.
                let from = Int(previousStarts[cursor]) - 2
                let same = Self.commonPrefix(p + i, previousBytes + from, min(end - i, previousLength - from))
                var lo = cursor, hi = previousCount
                while lo < hi {
                    let mid = (lo + hi + 1) >> 1
                    if Int(previousStarts[mid]) - 2 - from <= same { lo = mid } else { hi = mid - 1 }
                }
                if lo > cursor {
                    let m = lo - cursor
                    (slots + n).update(from: previousSlots + cursor, count: m)
                    (tokens + n).update(from: previousTokens + cursor, count: m)
                    (idLengths + n).update(from: previousLengths + cursor, count: m)
                    let shift = Int32(truncatingIfNeeded: i - batchStart - from)
                    for e in 0..<m { idStarts[n &+ e] = previousStarts[cursor &+ e] &+ shift }
                    n += m
                    i += Int(previousStarts[lo]) - 2 - from
                    cursor = lo
                    // The previous batch's last entry ends with the batch's `]`.
                    if lo == previousCount { break }
                }
            }
            // One entry: `["id",n]`, then `,` or `]`.
            guard end - i >= 2, p[i] == UInt8(ascii: "["), p[i + 1] == UInt8(ascii: "\"") else { return false }
            i += 2
            let idStart = i
            while i < end {
                let c = p[i]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x7F { break }
                i += 1
            }
            guard end - i >= 2, p[i] == UInt8(ascii: "\""), p[i + 1] == UInt8(ascii: ",") else { return false }
            let idCount = i - idStart
            i += 2
            let id = UnsafeRawBufferPointer(start: p + idStart, count: idCount)
            let slot: RequestSlot
            if cursor < previousCount && Int(previousLengths[cursor]) == idCount
                && memcmp(previousBytes + Int(previousStarts[cursor]), p + idStart, idCount) == 0 {
                slot = previousSlots[cursor]
                cursor += 1
            } else if let hit = cache.previousSlot(of: id, cursor: &cursor) {
                slot = hit
            } else if let found = lookup(id) {
                slot = found
            } else {
                return false
            }
            // The token count, then `]`.
            var number = LayoutReader(p: p, end: end)
            number.i = i
            guard let value = number.count() else { return false }
            i = number.i
            guard end - i >= 2, p[i] == UInt8(ascii: "]") else { return false }
            slots[n] = slot
            tokens[n] = Int32(truncatingIfNeeded: value)
            idStarts[n] = Int32(truncatingIfNeeded: idStart - batchStart)
            idLengths[n] = Int32(truncatingIfNeeded: idCount)
            n += 1
            let c = p[i + 1]
            i += 2
            if c == UInt8(ascii: "]") { break }
            guard c == UInt8(ascii: ",") else { return false }
        }
        cache.count = n
        index = i
        return true
    }

    /// The number of equal leading bytes of `a` and `b`, comparing at most `limit`.
    @inline(__always)
    static func commonPrefix(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ limit: Int) -> Int {
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        var k = 0
        while k + 16 <= limit {
            let d0 = UInt64(littleEndian: x.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                                          ^ y.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            let d1 = UInt64(littleEndian: x.loadUnaligned(fromByteOffset: k + 8, as: UInt64.self)
                                          ^ y.loadUnaligned(fromByteOffset: k + 8, as: UInt64.self))
            if d0 | d1 != 0 {
                return k + (d0 != 0 ? d0.trailingZeroBitCount : 64 + d1.trailingZeroBitCount) >> 3
            }
            k += 16
        }
        while k < limit && a[k] == b[k] { k += 1 }
        return k
    }
}

/// A cursor over one line for the writer-layout fast path: each reader returns nil, leaving
/// the position wherever it stopped, when the bytes are not what the writer writes.
struct LayoutReader {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i = 0

    init(p: UnsafePointer<UInt8>, end: Int) {
        self.p = p
        self.end = end
    }

    /// Consumes `text` if it comes next, byte for byte.
    @inline(__always)
    mutating func take(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard end - i >= n else { return false }
        let x = UnsafeRawPointer(p + i), y = UnsafeRawPointer(text.utf8Start)
        var k = 0
        while k + 8 <= n {
            if x.loadUnaligned(fromByteOffset: k, as: UInt64.self) != y.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
            k += 8
        }
        if k < n {
            if n >= 8 {
                if x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) != y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) { return false }
            } else {
                while k < n {
                    if x.load(fromByteOffset: k, as: UInt8.self) != y.load(fromByteOffset: k, as: UInt8.self) { return false }
                    k += 1
                }
            }
        }
        i += n
        return true
    }

    /// The optional trailing `,"client_t":T` of the writer (an `[engine]` model's client
    /// time): NaN when absent, the time when present and valid, nil when malformed.
    @inline(__always)
    mutating func optionalClientTime() -> Double? {
        guard take(#","client_t":"#) else { return .nan }
        return time()
    }

    /// A count: 0…Int32.max, digits only, no leading zero.
    @inline(__always)
    mutating func count() -> Int? {
        let start = i
        let (value, digits) = DecimalDigits.read(p, at: &i, end: end, limit: 10)
        guard digits > 0, digits <= 10, digits == 1 || p[start] != UInt8(ascii: "0"), value <= Int(Int32.max) else {
            return nil
        }
        return value
    }

    /// An integer in Int32's range (a priority).
    @inline(__always)
    mutating func int32() -> Int? {
        if i < end && p[i] == UInt8(ascii: "-") {
            i += 1
            guard let magnitude = count(), magnitude > 0 else { return nil }
            return -magnitude
        }
        return count()
    }

    /// A finite number ≥ 0 (times, durations, FLOPs, bytes); `null` and anything else is nil.
    ///
    /// The writer's usual form, digits with an optional fraction and at most 19 digits in
    /// all, is read here, eight digits at a time; anything else (an exponent, more digits)
    /// by ``JSONScanner/readNumber()``.
    @inline(__always)
    mutating func time() -> Double? {
        guard i < end, p[i] &- 0x30 < 10 else { return nil }
        var k = i
        var mantissa: UInt64 = 0
        var exponent = 0
        var point = 0
        if p[k] == UInt8(ascii: "0") {
            k += 1
        } else {
            while k < end {
                let d = p[k] &- 0x30
                guard d < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                k += 1
            }
        }
        if k < end && p[k] == UInt8(ascii: ".") {
            k += 1
            point = 1
            let fraction = k
            while end - k >= 8, let eight = JSONScanner.eightDigits(p + k) {
                mantissa = mantissa &* 100_000_000 &+ eight
                exponent -= 8
                k += 8
                if k - i > 20 { break }
            }
            while k < end {
                let d = p[k] &- 0x30
                guard d < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                exponent -= 1
                k += 1
            }
            guard k > fraction else { return nil }
        }
        // At most 19 digits cannot overflow the mantissa.
        if k - i - point <= 19 && !(k < end && (p[k] | 0x20) == UInt8(ascii: "e")),
           let value = DecimalToDouble.convert(mantissa, exponent: exponent, negative: false) {
            i = k
            return value
        }
        var scanner = JSONScanner(UnsafeBufferPointer(start: p, count: end))
        scanner.index = i
        guard let value = try? scanner.readNumber(), value.isFinite else { return nil }
        i = scanner.index
        return value
    }

    /// A plain ASCII id (after its opening quote) through its closing quote.
    @inline(__always)
    mutating func id() -> UnsafeRawBufferPointer? {
        let start = i
        while i < end {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return UnsafeRawBufferPointer(start: p + start, count: i - 1 - start)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x7F { return nil }
            i += 1
        }
        return nil
    }
}
