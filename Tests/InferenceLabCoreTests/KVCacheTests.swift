import Testing
@testable import InferenceLabCore

// BlockPool against docs/scheduler.md §3.4, §5.3 and §5.5.

/// Allocates every free block and returns the ids in the order the free queue handed them out.
private func drain(_ pool: inout BlockPool) -> [Int32] {
    var order: [Int32] = []
    while pool.freeCount > 0 { order.append(pool.allocate()) }
    return order
}

@Suite struct KVCacheTests {

    @Test func initialQueueIsInIdOrder() {
        var pool = BlockPool(count: 5)
        #expect(pool.freeCount == 5 && pool.usedCount == 0)
        #expect(drain(&pool) == [0, 1, 2, 3, 4])
        #expect(pool.usedCount == 5)
    }

    @Test func freeSendsUnhashedToTheHeadAndHashedToTheTailInReverseOrder() {
        // Blocks 0–3 of one request; 1 and 2 are full and hashed, 0 and 3 are not.
        // free() walks 3, 2, 1, 0: unhashed {3, 0} are prepended as a group in that order,
        // hashed 2 then 1 are appended. Block 4 was already free.
        // Queue: [3, 0, 4, 2, 1].
        var pool = BlockPool(count: 5)
        let blocks = [pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()]
        #expect(blocks == [0, 1, 2, 3])
        pool.register(1, hash: 11)
        pool.register(2, hash: 12)
        pool.free(blocks)
        #expect(pool.freeCount == 5)
        #expect(pool.lookup(11) == 1 && pool.lookup(12) == 2)
        #expect(drain(&pool) == [3, 0, 4, 2, 1])
    }

    @Test func laterFreesGoBehindEarlierOnes() {
        // Two requests' hashed blocks: the one freed first is evicted first (LRU).
        var pool = BlockPool(count: 4)
        let a = [pool.allocate(), pool.allocate()]   // 0, 1
        let b = [pool.allocate(), pool.allocate()]   // 2, 3
        for (i, blk) in (a + b).enumerated() { pool.register(blk, hash: UInt64(100 + i)) }
        pool.free(b)   // tail: 3, 2
        pool.free(a)   // tail: 1, 0
        #expect(drain(&pool) == [3, 2, 1, 0])
    }

    @Test func allocatingAHashedBlockEvictsIt() {
        var pool = BlockPool(count: 2)
        let b0 = pool.allocate(), b1 = pool.allocate()
        pool.register(b0, hash: 7)
        pool.register(b1, hash: 8)
        pool.free([b0, b1])          // tail: b1, b0
        #expect(pool.cachedHashCount == 2)
        let x = pool.allocate()      // b1 → its hash leaves the map
        #expect(x == b1)
        #expect(pool.lookup(8) == nil && pool.lookup(7) == b0)
        #expect(pool.cachedHashCount == 1)
        _ = pool.allocate()
        #expect(pool.lookup(7) == nil && pool.cachedHashCount == 0)
    }

    @Test func touchRemovesACachedBlockFromTheFreeQueue() {
        // Pool 5: 0 (hashed) and 1 (unhashed) freed → queue [1, 2, 3, 4, 0].
        var pool = BlockPool(count: 5)
        let b0 = pool.allocate(), b1 = pool.allocate()
        pool.register(b0, hash: 5)
        pool.free([b0, b1])
        #expect(pool.freeCount == 5 && pool.isFree(b0))
        pool.touch(b0)                 // a prefix hit: ref 1, out of the queue, still cached
        #expect(pool.freeCount == 4 && !pool.isFree(b0) && pool.lookup(5) == b0)
        pool.touch(b0)                 // a second sharer: ref 2
        #expect(pool.freeCount == 4)
        #expect(drain(&pool) == [1, 2, 3, 4])
        #expect(pool.lookup(5) == b0)  // never handed out, never evicted
        pool.free([b0])
        #expect(pool.freeCount == 0)   // ref 1 left
        pool.free([b0])
        #expect(pool.freeCount == 1 && pool.isFree(b0) && pool.lookup(5) == b0)
    }

    @Test func duplicateHashesLookupTheFirstThenTheNext() {
        // §5.4: two requests computed the same block concurrently; both carry the hash,
        // lookups return the first registered; after its eviction, the next.
        var pool = BlockPool(count: 3)
        let first = pool.allocate(), second = pool.allocate()
        pool.register(first, hash: 42)
        pool.register(second, hash: 42)
        #expect(pool.lookup(42) == first)
        #expect(pool.cachedHashCount == 1)
        pool.free([first])            // queue: [2, first]
        #expect(pool.allocate() == 2)
        #expect(pool.allocate() == first)   // evicts the first copy
        #expect(pool.lookup(42) == second)
        pool.free([second])
        _ = pool.allocate()                 // evicts the second copy
        #expect(pool.lookup(42) == nil)
    }

    @Test func evictingTheLaterDuplicateKeepsTheFirst() {
        var pool = BlockPool(count: 2)
        let first = pool.allocate(), second = pool.allocate()
        pool.register(first, hash: 9)
        pool.register(second, hash: 9)
        pool.free([second])
        #expect(pool.allocate() == second)
        #expect(pool.lookup(9) == first)
        pool.free([first])
        _ = pool.allocate()
        #expect(pool.lookup(9) == nil)
    }

    @Test func registeringAnAlreadyHashedBlockIsIgnored() {
        var pool = BlockPool(count: 1)
        let b = pool.allocate()
        pool.register(b, hash: 1)
        pool.register(b, hash: 2)
        #expect(pool.lookup(1) == b && pool.lookup(2) == nil)
    }

    @Test func usableBlocksCountTheNullBlockOut() {
        // num_gpu_blocks_override = 21 → 20 usable, as vLLM reports.
        let cfg = scenarioConfig(blocks: 20, maxSeqLen: 320)
        #expect(cfg.usableKVBlocks == 20)
        #expect(Scheduler(cfg).pool.count == 20)
    }
}
