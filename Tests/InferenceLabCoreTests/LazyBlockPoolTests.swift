import Testing
@testable import InferenceLabCore

/// The block pool's storage grows as blocks are first used: a pool of 2³¹−1 blocks (which
/// used to take 51 GB up front and abort) costs what a run touches, and hands blocks out in
/// vLLM's queue order all the same.
@Suite struct LazyBlockPoolTests {
    @Test func hugePoolCostsOnlyWhatIsUsed() {
        var pool = BlockPool(count: Int(Int32.max))
        #expect(pool.freeCount == Int(Int32.max) && pool.usedCount == 0)
        let a = (0..<4).map { _ in pool.allocate() }
        #expect(a == [0, 1, 2, 3])
        #expect(pool.usedCount == 4)
        #expect(pool.isFree(1_000_000) && !pool.isFree(2))
    }

    @Test func freedBlocksKeepTheirPlaceAroundTheNeverUsedOnes() {
        // Unhashed frees go before the never-used blocks, hashed ones after them: the queue
        // of vLLM, which starts as every block in id order.
        var pool = BlockPool(count: 8)
        let blocks = [pool.allocate(), pool.allocate(), pool.allocate()]   // 0, 1, 2
        pool.register(1, hash: 11)
        pool.free(blocks)   // head: 2, 0 … never used: 3–7 … tail: 1
        #expect(pool.freeCount == 8)
        #expect(pool.allocate() == 2)
        pool.touch(1)   // a prefix hit takes the cached block out of the queue
        #expect(pool.freeCount == 6)
        var order: [Int32] = []
        while pool.freeCount > 0 { order.append(pool.allocate()) }
        #expect(order == [0, 3, 4, 5, 6, 7])
        pool.free([1])
        #expect(pool.allocate() == 1 && pool.lookup(11) == nil)
        #expect(pool.invariantViolations().isEmpty)
    }

    @Test("a block count beyond 32-bit ids is refused by validation")
    func overrideBeyondInt32() {
        var c = SimulatorConfig.default
        c.scheduler.numGPUBlocksOverride = Int(Int32.max) + 1
        #expect(c.validate().contains { $0.severity == .error && $0.key == "scheduler.num_gpu_blocks_override" })
        c.scheduler.numGPUBlocksOverride = Int(Int32.max)
        #expect(!c.validate().contains { $0.severity == .error })
    }
}
