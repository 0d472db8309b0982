/// vLLM's KV block pool: reference counts, the free queue and the prefix-cache map.
///
/// Blocks are numbered 0..<count (vLLM's reserved null block is not modelled; `count` is the
/// usable number). The free queue is an intrusive doubly linked list over block ids holding
/// every block with reference count 0, including cached blocks that can still serve a hit;
/// its head is the next block handed out, and a block handed out that still carries a hash is
/// evicted from the cache at that moment (LRU order, see `free(_:)`).
///
/// Hashes come in two kinds (``BlockHasher``): shared ones, which any request can look up, live
/// in an open-addressing table; private ones, which only their own request can look up again
/// after a preemption, live in a per-request registry indexed by block position, so that
/// registering and evicting one (the bulk of all blocks) is an array write instead of a table
/// operation. Both kinds follow vLLM's rules: lookups return the first block registered with a
/// hash, and a later duplicate takes its place when it is evicted.
///
/// Storage grows as blocks are first used, so a pool of 2³¹−1 blocks costs only what a run
/// touches. The free queue is therefore kept in three parts: the blocks freed without a hash
/// (prepended, `frontCount` of them at the head of the linked list), then the blocks never
/// used yet (ids `blocks.count..<count`, implicit, handed out in order), then the rest of the
/// list (cached blocks, appended). That is the order of vLLM's queue, which starts as every
/// block in id order.
public struct BlockPool: Sendable {
    /// Usable blocks.
    public let count: Int
    /// Per block used so far (ids `0..<blocks.count`): its free-queue links, reference count
    /// and hash, side by side so that each block operation touches one cache line.
    private var blocks: [BlockState] = []
    private var head: Int32 = -1
    private var tail: Int32 = -1
    /// Linked blocks at the head of the free queue that come before the never-used ones.
    private var frontCount = 0
    /// Blocks in the free queue (free plus cached-but-unreferenced).
    public private(set) var freeCount: Int
    /// hash → the first block registered with it.
    private var cached = BlockHashTable()
    /// hash → later blocks registered with the same hash, in registration order (rare).
    private var duplicates: [UInt64: Duplicates] = [:]
    /// Private hashes, by request slot and block index: the first block registered with the
    /// request's hash for that index. An entry is current only while the block still carries
    /// that hash; eviction leaves it stale unless a duplicate takes its place.
    /// A request's entries are written when it is preempted (``rememberPrivate(slot:blocks:count:)``):
    /// until then its registered blocks are exactly its block table, which it holds, so a
    /// request that is never preempted costs nothing here.
    private var privateFirst: [[Int32]] = []

    private struct BlockState: Sendable {
        /// Block hash, 0 for none.
        var hash: UInt64 = 0
        var prev: Int32 = -1
        var next: Int32 = -1
        var refCount: Int32 = 0
    }

    private struct Duplicates: Sendable {
        var later: [Int32]
        /// For a private hash: where its first block is registered (slot −1 for shared).
        var slot: Int32
        var index: Int32
    }
    /// Scratch list for `free(_:)`, kept to avoid an allocation per call.
    private var unhashedScratch: [Int32] = []

    /// - Precondition: `0 ≤ count ≤ 2³¹−1` (block ids are 32-bit).
    public init(count: Int) {
        precondition(count >= 0 && count <= Int(Int32.max), "BlockPool: count must be in 0...2^31-1")
        self.count = count
        blocks.reserveCapacity(min(count, 1 << 16))
        freeCount = count
    }

    /// Blocks referenced by at least one request.
    public var usedCount: Int { count - freeCount }

    // MARK: Free queue

    private mutating func appendFree(_ b: Int32) {
        blocks[Int(b)].prev = tail
        blocks[Int(b)].next = -1
        if tail >= 0 { blocks[Int(tail)].next = b } else { head = b }
        tail = b
        freeCount += 1
    }

    private mutating func prependFree(_ b: Int32) {
        blocks[Int(b)].next = head
        blocks[Int(b)].prev = -1
        if head >= 0 { blocks[Int(head)].prev = b } else { tail = b }
        head = b
        freeCount += 1
        frontCount += 1
    }

    private mutating func removeFree(_ b: Int32) {
        let p = blocks[Int(b)].prev, n = blocks[Int(b)].next
        if p >= 0 { blocks[Int(p)].next = n } else { head = n }
        if n >= 0 { blocks[Int(n)].prev = p } else { tail = p }
        blocks[Int(b)].prev = -1
        blocks[Int(b)].next = -1
        freeCount -= 1
    }

    /// Takes the block at the head of the free queue, evicting its cache entry if any.
    /// - Precondition: `freeCount > 0`.
    public mutating func allocate() -> Int32 {
        if frontCount == 0 && blocks.count < count {
            // The first never-used block.
            let b = Int32(blocks.count)
            blocks.append(BlockState(refCount: 1))
            freeCount -= 1
            return b
        }
        let b = head
        precondition(b >= 0, "BlockPool.allocate() with no free block")
        if frontCount > 0 { frontCount -= 1 }
        removeFree(b)
        evict(b)
        blocks[Int(b)].refCount = 1
        return b
    }

    private mutating func evict(_ b: Int32) {
        let h = blocks[Int(b)].hash
        guard h != 0 else { return }
        blocks[Int(b)].hash = 0
        if BlockHasher.isPrivate(h) {
            // A stale registry entry is harmless (lookups check the block's hash); only a duplicate
            // waiting to take the evicted block's place needs work.
            guard !duplicates.isEmpty, var d = duplicates[h] else { return }
            let slot = Int(d.slot), index = Int(d.index)
            if slot < privateFirst.count && index < privateFirst[slot].count && privateFirst[slot][index] == b {
                privateFirst[slot][index] = d.later.removeFirst()
            } else if let i = d.later.firstIndex(of: b) {
                d.later.remove(at: i)
            }
            duplicates[h] = d.later.isEmpty ? nil : d
            return
        }
        if duplicates.isEmpty {
            // The common case: no hash was ever registered twice; one probe.
            _ = cached.remove(h, onlyIf: b)
            return
        }
        if cached.find(h) == b {
            if var d = duplicates[h], !d.later.isEmpty {
                cached.update(h, d.later.removeFirst())
                duplicates[h] = d.later.isEmpty ? nil : d
            } else {
                cached.remove(h)
            }
        } else if var d = duplicates[h], let i = d.later.firstIndex(of: b) {
            d.later.remove(at: i)
            duplicates[h] = d.later.isEmpty ? nil : d
        }
    }

    /// Adds a reference to a cached block found by a prefix hit; a block with no reference
    /// leaves the free queue.
    public mutating func touch(_ b: Int32) {
        if blocks[Int(b)].refCount == 0 { removeFree(b) }
        blocks[Int(b)].refCount += 1
    }

    /// Whether the block sits in the free queue (reference count 0).
    public func isFree(_ b: Int32) -> Bool { Int(b) >= blocks.count || blocks[Int(b)].refCount == 0 }

    /// Drops one reference from each block, walking `blocks` from last to first. Blocks that
    /// reach zero go back to the free queue: those without a hash to the head (reused first:
    /// they can never serve a hit), those with one to the tail (so the least recently freed
    /// cached block is evicted first, and within a request the deepest block of the chain).
    public mutating func free(_ table: [Int32]) {
        var unhashed = unhashedScratch
        unhashedScratch = []
        unhashed.removeAll(keepingCapacity: true)
        var i = table.count - 1
        while i >= 0 {
            let b = table[i]
            blocks[Int(b)].refCount -= 1
            if blocks[Int(b)].refCount == 0 {
                if blocks[Int(b)].hash == 0 { unhashed.append(b) } else { appendFree(b) }
            }
            i -= 1
        }
        // Prepend as a group, keeping its order: the first freed ends up at the head.
        var j = unhashed.count - 1
        while j >= 0 { prependFree(unhashed[j]); j -= 1 }
        unhashedScratch = unhashed
    }

    // MARK: Prefix cache

    /// The block registered with the shared `hash`, if any.
    public func lookup(_ hash: UInt64) -> Int32? { cached.find(hash) }

    /// Registers a full block under the shared `hash` (duplicates are kept; lookups return the
    /// first).
    public mutating func register(_ b: Int32, hash: UInt64) {
        guard blocks[Int(b)].hash == 0 else { return }
        blocks[Int(b)].hash = hash
        if !cached.insert(hash, b) { duplicates[hash, default: Duplicates(later: [], slot: -1, index: -1)].later.append(b) }
    }

    /// The block registered with the private `hash` of block `index` of the request in `slot`.
    public func lookupPrivate(_ hash: UInt64, slot: Int, index: Int) -> Int32? {
        guard slot < privateFirst.count, index < privateFirst[slot].count else { return nil }
        let b = privateFirst[slot][index]
        return b >= 0 && blocks[Int(b)].hash == hash ? b : nil
    }

    /// Registers a full block under the private `hash` of block `index` of the request in
    /// `slot` (duplicates are kept; lookups return the first).
    public mutating func registerPrivate(_ b: Int32, hash: UInt64, slot: Int, index: Int) {
        guard blocks[Int(b)].hash == 0 else { return }
        blocks[Int(b)].hash = hash
        // A block from an earlier incarnation that still carries the hash stays first; this
        // one waits behind it. Otherwise this block is first, recorded at preemption.
        guard slot < privateFirst.count, index < privateFirst[slot].count else { return }
        let first = privateFirst[slot][index]
        if first >= 0 && blocks[Int(first)].hash == hash {
            duplicates[hash, default: Duplicates(later: [], slot: Int32(slot), index: Int32(index))].later.append(b)
        }
    }

    /// Records the request's registered blocks (the first `count` entries of its block table)
    /// as the first holders of their private hashes, where no earlier block still holds one.
    /// Call when the request is preempted, before its blocks are freed.
    public mutating func rememberPrivate(slot: Int, blocks table: [Int32], count: Int) {
        while privateFirst.count <= slot { privateFirst.append([]) }
        var entries = privateFirst[slot]
        privateFirst[slot] = []
        if entries.count < count { entries.append(contentsOf: repeatElement(-1, count: count - entries.count)) }
        for i in 0..<count {
            let b = table[i]
            let h = blocks[Int(b)].hash
            guard BlockHasher.isPrivate(h) else { continue }
            let first = entries[i]
            if first >= 0 && blocks[Int(first)].hash == h { continue }
            entries[i] = b
        }
        privateFirst[slot] = entries
    }

    /// Forgets the private registrations of a finished request whose slot is reused; its
    /// blocks keep their place in the free queue, and their hashes can never be looked up.
    public mutating func releasePrivate(slot: Int) {
        if slot < privateFirst.count { privateFirst[slot] = [] }
    }

    /// Number of shared hashes currently in the cache (distinct).
    public var cachedHashCount: Int { cached.count }
}

#if INFERENCE_LAB_INTERNAL_CHECKS
extension BlockPool {
    /// Verifies the free queue against the reference counts.
    public func checkInvariants() {
        var n = 0, b = head, last: Int32 = -1
        while b >= 0 {
            precondition(blocks[Int(b)].refCount == 0)
            precondition(blocks[Int(b)].prev == last)
            if n < frontCount { precondition(blocks[Int(b)].hash == 0) }
            last = b; b = blocks[Int(b)].next; n += 1
        }
        precondition(frontCount <= n && n + (count - blocks.count) == freeCount && last == tail)
    }
}
#endif
