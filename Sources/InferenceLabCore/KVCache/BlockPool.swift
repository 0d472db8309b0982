/// vLLM's KV block pool: reference counts, the free queue and the prefix-cache map.
///
/// Blocks are numbered 0..<count (vLLM's reserved null block is not modelled; `count` is the
/// usable number). The free queue is an intrusive doubly linked list over block ids holding
/// every block with reference count 0, including cached blocks that can still serve a hit;
/// its head is the next block handed out, and a block handed out that still carries a hash is
/// evicted from the cache at that moment (LRU order, see `free(_:)`).
public struct BlockPool: Sendable {
    /// Usable blocks.
    public let count: Int
    private var refCount: [Int32]
    /// Block hash, 0 for none.
    private var hashOf: [UInt64]
    private var prev: [Int32]
    private var next: [Int32]
    private var head: Int32 = -1
    private var tail: Int32 = -1
    /// Blocks in the free queue (free plus cached-but-unreferenced).
    public private(set) var freeCount: Int
    /// hash → the first block registered with it.
    private var cached = BlockHashTable()
    /// hash → later blocks registered with the same hash, in registration order (rare).
    private var duplicates: [UInt64: [Int32]] = [:]
    /// Scratch list for `free(_:)`, kept to avoid an allocation per call.
    private var unhashedScratch: [Int32] = []

    public init(count: Int) {
        self.count = count
        refCount = Array(repeating: 0, count: count)
        hashOf = Array(repeating: 0, count: count)
        prev = Array(repeating: -1, count: count)
        next = Array(repeating: -1, count: count)
        freeCount = 0
        for b in 0..<count { appendFree(Int32(b)) }
    }

    /// Blocks referenced by at least one request.
    public var usedCount: Int { count - freeCount }

    // MARK: Free queue

    private mutating func appendFree(_ b: Int32) {
        prev[Int(b)] = tail
        next[Int(b)] = -1
        if tail >= 0 { next[Int(tail)] = b } else { head = b }
        tail = b
        freeCount += 1
    }

    private mutating func prependFree(_ b: Int32) {
        next[Int(b)] = head
        prev[Int(b)] = -1
        if head >= 0 { prev[Int(head)] = b } else { tail = b }
        head = b
        freeCount += 1
    }

    private mutating func removeFree(_ b: Int32) {
        let p = prev[Int(b)], n = next[Int(b)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { prev[Int(n)] = p } else { tail = p }
        prev[Int(b)] = -1
        next[Int(b)] = -1
        freeCount -= 1
    }

    /// Takes the block at the head of the free queue, evicting its cache entry if any.
    /// - Precondition: `freeCount > 0`.
    public mutating func allocate() -> Int32 {
        let b = head
        precondition(b >= 0, "BlockPool.allocate() with no free block")
        removeFree(b)
        evict(b)
        refCount[Int(b)] = 1
        return b
    }

    private mutating func evict(_ b: Int32) {
        let h = hashOf[Int(b)]
        guard h != 0 else { return }
        hashOf[Int(b)] = 0
        if duplicates.isEmpty {
            // The common case: no hash was ever registered twice; one probe.
            _ = cached.remove(h, onlyIf: b)
            return
        }
        if cached.find(h) == b {
            if var later = duplicates[h], !later.isEmpty {
                cached.update(h, later.removeFirst())
                duplicates[h] = later.isEmpty ? nil : later
            } else {
                cached.remove(h)
            }
        } else if var later = duplicates[h], let i = later.firstIndex(of: b) {
            later.remove(at: i)
            duplicates[h] = later.isEmpty ? nil : later
        }
    }

    /// Adds a reference to a cached block found by a prefix hit; a block with no reference
    /// leaves the free queue.
    public mutating func touch(_ b: Int32) {
        if refCount[Int(b)] == 0 { removeFree(b) }
        refCount[Int(b)] += 1
    }

    /// Whether the block sits in the free queue (reference count 0).
    public func isFree(_ b: Int32) -> Bool { refCount[Int(b)] == 0 }

    /// Drops one reference from each block, walking `blocks` from last to first. Blocks that
    /// reach zero go back to the free queue: those without a hash to the head (reused first:
    /// they can never serve a hit), those with one to the tail (so the least recently freed
    /// cached block is evicted first, and within a request the deepest block of the chain).
    public mutating func free(_ blocks: [Int32]) {
        var unhashed = unhashedScratch
        unhashedScratch = []
        unhashed.removeAll(keepingCapacity: true)
        var i = blocks.count - 1
        while i >= 0 {
            let b = blocks[i]
            refCount[Int(b)] -= 1
            if refCount[Int(b)] == 0 {
                if hashOf[Int(b)] == 0 { unhashed.append(b) } else { appendFree(b) }
            }
            i -= 1
        }
        // Prepend as a group, keeping its order: the first freed ends up at the head.
        var j = unhashed.count - 1
        while j >= 0 { prependFree(unhashed[j]); j -= 1 }
        unhashedScratch = unhashed
    }

    // MARK: Prefix cache

    /// The block registered with `hash`, if any.
    public func lookup(_ hash: UInt64) -> Int32? { cached.find(hash) }

    /// Registers a full block under `hash` (duplicates are kept; lookups return the first).
    public mutating func register(_ b: Int32, hash: UInt64) {
        guard hashOf[Int(b)] == 0 else { return }
        hashOf[Int(b)] = hash
        if !cached.insert(hash, b) { duplicates[hash, default: []].append(b) }
    }

    /// Number of hashes currently in the cache (distinct).
    public var cachedHashCount: Int { cached.count }
}

#if INFERENCE_LAB_INTERNAL_CHECKS
extension BlockPool {
    /// Verifies the free queue against the reference counts.
    public func checkInvariants() {
        var n = 0, b = head, last: Int32 = -1
        while b >= 0 {
            precondition(refCount[Int(b)] == 0)
            precondition(prev[Int(b)] == last)
            last = b; b = next[Int(b)]; n += 1
        }
        precondition(n == freeCount && last == tail)
    }
}
#endif
