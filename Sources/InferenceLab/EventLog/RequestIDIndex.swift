/// Request ids → slots for ``EventLogDecoder``, keyed by the id's bytes as they appear in the
/// log (between the quotes), so resolving an id costs neither a `String` nor a SipHash.
///
/// Each slot keeps its id's bytes until the slot is given to another request, so a finished
/// request's id can still be compared (``EventLogDecoder`` resolves the ids of requests that
/// finished a step ago). The index itself holds only live requests. Ids written as decimal
/// numbers below 2^22 (`"0"`, `"1"`, …: what generated traces use) map through an array
/// indexed by their value: consecutive requests' entries share cache lines. Other ids go to
/// an open-addressing table with linear probing and backward-shift deletion, at most half
/// full.
struct RequestIDIndex {
    /// For each numeric id below ``numericLimit``: slot + 1, or 0 when not live.
    private var numeric: [Int32] = []
    private static let numericLimit = 1 << 22

    /// Entry: hash (low 32 bits) in the high half, slot + 1 in the low half; 0 = empty.
    private var table: [UInt64] = Array(repeating: 0, count: 1024)
    private var used = 0
    /// Ids in ``table``.
    private var hashed = 0

    /// Each slot's id bytes.
    private var ids = IDTable()

    /// The number of live ids.
    var count: Int { used }

    /// The slot of live request `id`.
    @inline(__always)
    func slot(of id: UnsafeRawBufferPointer) -> RequestSlot? {
        if let v = Self.numericValue(id) {
            guard v < numeric.count else { return nil }
            let e = numeric[v]
            return e == 0 ? nil : e - 1
        }
        let h = Self.hash(id)
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        return table.withUnsafeBufferPointer { t in
            while true {
                let e = t[i]
                if e == 0 { return nil }
                if UInt32(truncatingIfNeeded: e >> 32) == UInt32(truncatingIfNeeded: h) {
                    let slot = RequestSlot(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                    if idOf(slot, equals: id) { return slot }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Whether the id last stored for `slot` is `id`.
    @inline(__always)
    func idOf(_ slot: RequestSlot, equals id: UnsafeRawBufferPointer) -> Bool {
        ids.matches(slot, id)
    }

    /// The id last stored for `slot`, as text (for messages).
    func id(of slot: RequestSlot) -> String {
        let capacity = ids.maxLength(slot)
        return String(unsafeUninitializedCapacity: max(capacity, 1)) { buffer in
            ids.write(slot, to: buffer.baseAddress!)
        }
    }

    /// Makes `id` (not live) live at `slot`, replacing the slot's stored id.
    mutating func insert(_ id: UnsafeRawBufferPointer, slot: RequestSlot) {
        ids.set(slot, UnsafeBufferPointer(start: id.baseAddress?.assumingMemoryBound(to: UInt8.self), count: id.count))
        used += 1
        if let v = Self.numericValue(id) {
            if v >= numeric.count {
                numeric.append(contentsOf: repeatElement(0, count: min(Self.numericLimit, max(v + 1, 2 * numeric.count, 1024)) - numeric.count))
            }
            numeric[v] = slot + 1
            return
        }
        if 2 * (hashed + 1) > table.count { grow() }
        hashed += 1
        let h = Self.hash(id)
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while table[i] != 0 { i = (i + 1) & mask }
        table[i] = UInt64(UInt32(truncatingIfNeeded: h)) << 32 | UInt64(UInt32(bitPattern: slot + 1))
    }

    /// Removes live request `id`; returns its slot (its bytes stay stored for the slot).
    mutating func remove(_ id: UnsafeRawBufferPointer) -> RequestSlot? {
        if let v = Self.numericValue(id) {
            guard v < numeric.count, numeric[v] != 0 else { return nil }
            let slot = numeric[v] - 1
            numeric[v] = 0
            used -= 1
            return slot
        }
        let h = Self.hash(id)
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        var found: RequestSlot = -1
        while true {
            let e = table[i]
            if e == 0 { return nil }
            if UInt32(truncatingIfNeeded: e >> 32) == UInt32(truncatingIfNeeded: h) {
                let slot = RequestSlot(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                if idOf(slot, equals: id) { found = slot; break }
            }
            i = (i + 1) & mask
        }
        // Backward-shift deletion: move later entries of the probe run into the hole when
        // their home position allows it.
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            let e = table[j]
            if e == 0 { break }
            let home = Int(e >> 32) & mask
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                table[hole] = e
                hole = j
            }
        }
        table[hole] = 0
        used -= 1
        hashed -= 1
        return found
    }

    private mutating func grow() {
        let old = table
        table = Array(repeating: 0, count: 2 * old.count)
        let mask = table.count - 1
        for e in old where e != 0 {
            var i = Int(e >> 32) & mask
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = e
        }
    }

    /// The value of an id written as a decimal number below ``numericLimit`` without leading
    /// zeros, else nil.
    @inline(__always)
    static func numericValue(_ id: UnsafeRawBufferPointer) -> Int? {
        let n = id.count
        guard n > 0 && n <= 7, let p = id.baseAddress else { return nil }
        var value = 0
        for k in 0..<n {
            let d = p.load(fromByteOffset: k, as: UInt8.self) &- 0x30
            guard d < 10 else { return nil }
            value = value &* 10 &+ Int(d)
        }
        guard n == 1 || p.load(as: UInt8.self) != UInt8(ascii: "0"), value < numericLimit else { return nil }
        return value
    }

    /// A 64-bit hash of short byte strings (multiply-xorshift over 8-byte words).
    @inline(__always)
    static func hash(_ id: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(id.count)
        var i = 0
        let n = id.count
        if let p = id.baseAddress {
            while i + 8 <= n {
                h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}
