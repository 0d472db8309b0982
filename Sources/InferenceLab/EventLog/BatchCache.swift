/// The batch of the step record being decoded and the previous step's batch, for
/// ``EventLogDecoder``.
///
/// Consecutive steps list mostly the same running requests in the same order, so most of a
/// batch's bytes repeat the previous batch's. The decoder compares the two byte strings and
/// copies each run of identical whole entries (slots and token counts) without reading ids;
/// an id that differs is looked up a few entries ahead in the previous batch before the id
/// index is asked.
///
/// The previous batch's slots are right only while each of its ids still resolves to the same
/// slot. ``invalidate(_:)`` is called whenever a slot changes hands (recycled, or its id
/// arrives again); if the previous batch lists that slot, the cache is not used for the next
/// batch.
///
/// Entries live in raw buffers (no per-entry uniqueness or capacity checks), and the
/// properties skip Swift's dynamic exclusivity checks (a runtime call per access, several per
/// record): only the decoder that owns the cache touches it, one call at a time. In the writer's
/// layout (`["id",n],…]`, no spaces) the bytes kept are the batch's own, from after its `[`
/// to its `]`; entry `e` starts at `idStarts[e] - 2` and ends (separator included) where the
/// next one starts, and `idStarts[count]` is a sentinel (the length + 2). In any other layout
/// only the ids' bytes are kept, one after the other, and runs are not compared.
final class BatchCache {
    /// The batch being decoded.
    @exclusivity(unchecked) private(set) var slots: UnsafeMutablePointer<RequestSlot>
    @exclusivity(unchecked) private(set) var tokens: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var idStarts: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var idLengths: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) var count = 0
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var bytesCount = 0
    @exclusivity(unchecked) private var bytesCapacity = 0

    /// The previous batch.
    @exclusivity(unchecked) private(set) var previousSlots: UnsafeMutablePointer<RequestSlot>
    @exclusivity(unchecked) private(set) var previousTokens: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var previousIDStarts: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var previousIDLengths: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private(set) var previousCount = 0
    @exclusivity(unchecked) private(set) var previousBytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var previousLength = 0
    @exclusivity(unchecked) private var previousBytesCapacity = 0
    /// Whether the previous batch was in the writer's layout (its runs can be compared).
    @exclusivity(unchecked) private(set) var previousExact = false
    /// Whether some slot of the previous batch changed hands since: its ids are not used.
    @exclusivity(unchecked) private(set) var tainted = false

    @exclusivity(unchecked) private var capacity = 0

    init() {
        slots = .allocate(capacity: 1)
        tokens = .allocate(capacity: 1)
        idStarts = .allocate(capacity: 1)
        idLengths = .allocate(capacity: 1)
        previousSlots = .allocate(capacity: 1)
        previousTokens = .allocate(capacity: 1)
        previousIDStarts = .allocate(capacity: 1)
        previousIDLengths = .allocate(capacity: 1)
        bytes = .allocate(capacity: 1)
        previousBytes = .allocate(capacity: 1)
        previousIDStarts[0] = 2
    }

    deinit {
        for p in [slots, tokens, idStarts, idLengths, previousSlots, previousTokens, previousIDStarts, previousIDLengths] {
            p.deallocate()
        }
        bytes.deallocate()
        previousBytes.deallocate()
    }

    /// Whether the cache may be used for the batch being decoded.
    var usable: Bool { previousCount > 0 && !tainted }

    /// Room for `entries` entries in the batch being decoded (and its sentinel).
    @inline(__always)
    func reserve(entries: Int) {
        if entries + 1 > capacity { grow(to: entries + 1) }
    }

    @inline(never)
    private func grow(to needed: Int) {
        let c = max(needed, 2 * capacity, 256)
        func move(_ p: inout UnsafeMutablePointer<Int32>, keeping n: Int) {
            let q = UnsafeMutablePointer<Int32>.allocate(capacity: c)
            q.update(from: p, count: n)
            p.deallocate()
            p = q
        }
        move(&slots, keeping: count)
        move(&tokens, keeping: count)
        move(&idStarts, keeping: count)
        move(&idLengths, keeping: count)
        move(&previousSlots, keeping: previousCount)
        move(&previousTokens, keeping: previousCount)
        move(&previousIDStarts, keeping: previousCount + 1)
        move(&previousIDLengths, keeping: previousCount)
        capacity = c
    }

    /// Starts a batch.
    func begin() {
        count = 0
        bytesCount = 0
    }

    /// Appends an entry decoded outside the writer's layout; `id` is kept for the next batch.
    func appendGeneral(id: UnsafeBufferPointer<UInt8>, slot: RequestSlot, tokens n: Int32) {
        reserve(entries: count + 1)
        if bytesCount + id.count > bytesCapacity {
            let c = max(bytesCount + id.count, 2 * bytesCapacity, 1024)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            bigger.update(from: bytes, count: bytesCount)
            bytes.deallocate()
            bytes = bigger
            bytesCapacity = c
        }
        if let base = id.baseAddress { (bytes + bytesCount).update(from: base, count: id.count) }
        slots[count] = slot
        tokens[count] = n
        idStarts[count] = Int32(truncatingIfNeeded: bytesCount)
        idLengths[count] = Int32(truncatingIfNeeded: id.count)
        bytesCount += id.count
        count += 1
    }

    /// Appends an entry whose id is not kept (an escaped id: the next batch cannot match it).
    func appendUncached(slot: RequestSlot, tokens n: Int32) {
        reserve(entries: count + 1)
        slots[count] = slot
        tokens[count] = n
        idStarts[count] = 0
        idLengths[count] = -1
        count += 1
    }

    /// Ends a batch read in the writer's layout: its `length` bytes at `batch` (after the
    /// `[`, through the `]`) are kept, and it becomes the previous batch.
    func finishExact(batch: UnsafePointer<UInt8>, length: Int) {
        if length > bytesCapacity {
            bytes.deallocate()
            bytesCapacity = max(length, 2 * bytesCapacity, 4096)
            bytes = .allocate(capacity: bytesCapacity)
        }
        bytes.update(from: batch, count: length)
        idStarts[count] = Int32(truncatingIfNeeded: length + 2)
        bytesCount = length
        swapIn(exact: true)
    }

    /// Ends a batch read outside the writer's layout; it becomes the previous batch.
    func finishGeneral() {
        idStarts[count] = Int32(truncatingIfNeeded: bytesCount + 2)
        swapIn(exact: false)
    }

    private func swapIn(exact: Bool) {
        swap(&slots, &previousSlots)
        swap(&tokens, &previousTokens)
        swap(&idStarts, &previousIDStarts)
        swap(&idLengths, &previousIDLengths)
        swap(&bytes, &previousBytes)
        swap(&bytesCapacity, &previousBytesCapacity)
        previousCount = count
        previousLength = bytesCount
        previousExact = exact
        tainted = false
        count = 0
        bytesCount = 0
    }

    /// Called when `slot` changes hands: the previous batch's ids stop being trusted if it
    /// lists that slot.
    func invalidate(_ slot: RequestSlot) {
        guard !tainted else { return }
        for e in 0..<previousCount where previousSlots[e] == slot {
            tainted = true
            return
        }
    }

    /// The slot of the id `id` if the previous batch lists it at `cursor` or within the
    /// next three entries; moves `cursor` past it.
    @inline(__always)
    func previousSlot(of id: UnsafeRawBufferPointer, cursor: inout Int) -> RequestSlot? {
        guard !tainted else { return nil }
        let limit = min(cursor + 4, previousCount)
        var k = cursor
        while k < limit {
            if Int(previousIDLengths[k]) == id.count
                && (id.count == 0 || memcmp(previousBytes + Int(previousIDStarts[k]), id.baseAddress!, id.count) == 0) {
                cursor = k + 1
                return previousSlots[k]
            }
            k += 1
        }
        return nil
    }
}
