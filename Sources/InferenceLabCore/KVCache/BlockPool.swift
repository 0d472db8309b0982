/// vLLM's KV block pool: reference counts, the free queue and the prefix-cache map.
///
/// Blocks are numbered 0..<count (vLLM's reserved null block is not modelled; `count` is the
/// usable number). The free queue is an intrusive doubly linked list over block ids holding
/// every block with reference count 0, including cached blocks that can still serve a hit;
/// its head is the next block handed out, and a block handed out that still carries a hash is
/// evicted from the cache at that moment (LRU order, see `free(_:)`).
///
/// Hashes come in two kinds (``BlockHasher``): shared ones, which any request can look up, live
/// in an open-addressing table (``BlockHashTable``); private ones, which only their own request
/// can look up again after a preemption, live in a per-request registry indexed by block
/// position (`BlockPool+PrivateHashes.swift`), so that registering and evicting one (the bulk of
/// all blocks) is an array write instead of a table operation. Both kinds follow vLLM's rules:
/// lookups return the first block registered with a hash, and a later duplicate takes its place
/// when it is evicted (docs/scheduler.md §3.4, §5.5).
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
    var blocks: [BlockState] = []
    private var head: Int32 = -1
    private var tail: Int32 = -1
    /// Linked blocks at the head of the free queue that come before the never-used ones.
    private var frontCount = 0
    /// Blocks in the free queue (free plus cached-but-unreferenced).
    public private(set) var freeCount: Int
    /// hash → the first block registered with it.
    private var cached = BlockHashTable()
    /// hash → later blocks registered with the same hash, in registration order (rare).
    var duplicates: [UInt64: Duplicates] = [:]
    /// The private-hash registry, by request slot and block index (see
    /// `BlockPool+PrivateHashes.swift`).
    var privateFirst: [[Int32]] = []

    struct BlockState: Sendable {
        /// Block hash, 0 for none.
        var hash: UInt64 = 0
        var prev: Int32 = -1
        var next: Int32 = -1
        var refCount: Int32 = 0
    }

    struct Duplicates: Sendable {
        var later: [Int32]
        /// For a private hash: where its first block is registered (slot −1 for shared).
        var slot: Int32
        var index: Int32
    }
    /// The blocks of one `free(_:)` call that go to the head of the free queue (kept between
    /// calls for its capacity).
    private var freedUnhashed: [Int32] = []

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

    /// Removes block `b`'s hash from the prefix cache; a later duplicate of the hash, if any,
    /// takes its place.
    private mutating func evict(_ b: Int32) {
        let hash = blocks[Int(b)].hash
        guard hash != 0 else { return }
        blocks[Int(b)].hash = 0
        if BlockHasher.isPrivate(hash) {
            evictPrivate(b, hash: hash)
        } else if duplicates.isEmpty {
            // No hash was ever registered twice: one probe.
            _ = cached.remove(hash, onlyIf: b)
        } else if cached.find(hash) == b {
            if var duplicate = duplicates[hash], !duplicate.later.isEmpty {
                cached.update(hash, duplicate.later.removeFirst())
                duplicates[hash] = duplicate.later.isEmpty ? nil : duplicate
            } else {
                cached.remove(hash)
            }
        } else if var duplicate = duplicates[hash], let i = duplicate.later.firstIndex(of: b) {
            duplicate.later.remove(at: i)
            duplicates[hash] = duplicate.later.isEmpty ? nil : duplicate
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
        freedUnhashed.removeAll(keepingCapacity: true)
        var index = table.count - 1
        while index >= 0 {
            let b = table[index]
            blocks[Int(b)].refCount -= 1
            if blocks[Int(b)].refCount == 0 {
                if blocks[Int(b)].hash == 0 { freedUnhashed.append(b) } else { appendFree(b) }
            }
            index -= 1
        }
        // Prepend as a group, keeping its order: the first freed ends up at the head.
        index = freedUnhashed.count - 1
        while index >= 0 {
            prependFree(freedUnhashed[index])
            index -= 1
        }
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

    /// Number of shared hashes currently in the cache (distinct).
    public var cachedHashCount: Int { cached.count }
}

// MARK: Invariants

extension BlockPool {
    /// The number of references to block `b` (requests holding it); 0 for a block never used.
    public func referenceCount(of b: Int32) -> Int {
        Int(b) < blocks.count ? Int(blocks[Int(b)].refCount) : 0
    }

    /// Violations of the pool's own invariants (docs/scheduler.md §3.4): no negative reference
    /// count; the free queue, linked both ways, starts with `frontCount` blocks without a hash
    /// and, with the blocks never used yet, holds exactly the `freeCount` blocks whose
    /// reference count is 0.
    public func invariantViolations() -> [String] {
        var issues: [String] = []
        let neverUsed = count - blocks.count
        var unreferenced = neverUsed
        for b in 0..<blocks.count {
            let references = blocks[b].refCount
            if references < 0 { issues.append("block \(b) has reference count \(references)") }
            if references == 0 { unreferenced += 1 }
        }
        var queued = 0, block = head, previous: Int32 = -1
        while block >= 0 && queued <= blocks.count {
            if blocks[Int(block)].refCount != 0 { issues.append("block \(block) is in the free queue with references") }
            if blocks[Int(block)].prev != previous { issues.append("free queue broken at block \(block)") }
            if queued < frontCount && blocks[Int(block)].hash != 0 {
                issues.append("block \(block) has a hash among the blocks freed without one")
            }
            previous = block
            block = blocks[Int(block)].next
            queued += 1
        }
        if previous != tail { issues.append("free queue's tail is \(tail), its last block \(previous)") }
        if frontCount > queued { issues.append("\(frontCount) blocks said to head the queue, \(queued) linked") }
        if queued + neverUsed != freeCount || unreferenced != freeCount {
            issues.append("free queue holds \(queued) linked and \(neverUsed) unused blocks, \(unreferenced) are unreferenced, freeCount is \(freeCount)")
        }
        return issues
    }
}
