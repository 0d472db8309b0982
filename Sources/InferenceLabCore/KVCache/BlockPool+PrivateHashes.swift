// Speed only: private hashes (the bulk of all blocks) live in a per-request array instead of
// the hash table, so registering and evicting one is an array write, not a table operation.

extension BlockPool {
    // `privateFirst[slot][index]`: the first block registered with the private hash of block
    // `index` of the request in `slot`. An entry is current only while the block still carries
    // that hash; eviction leaves it stale unless a duplicate takes its place. A request's
    // entries are written when it is preempted (``rememberPrivate(slot:blocks:count:)``):
    // until then its registered blocks are exactly its block table, which it holds, so a
    // request that is never preempted costs nothing here.

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

    /// Eviction of a block that carried the private `hash`. A stale registry entry is harmless
    /// (lookups check the block's hash); only a duplicate waiting to take the evicted block's
    /// place needs work.
    mutating func evictPrivate(_ b: Int32, hash: UInt64) {
        guard !duplicates.isEmpty, var duplicate = duplicates[hash] else { return }
        let slot = Int(duplicate.slot), index = Int(duplicate.index)
        if slot < privateFirst.count && index < privateFirst[slot].count && privateFirst[slot][index] == b {
            privateFirst[slot][index] = duplicate.later.removeFirst()
        } else if let i = duplicate.later.firstIndex(of: b) {
            duplicate.later.remove(at: i)
        }
        duplicates[hash] = duplicate.later.isEmpty ? nil : duplicate
    }
}
