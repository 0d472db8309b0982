/// vLLM's KV-cache manager (`v1/core/kv_cache_manager.py` with its single full-attention
/// group's `single_type_kv_cache_manager.py`): the requests' block tables over the
/// ``BlockPool``, the prefix-cache lookup and the registering of full blocks
/// (docs/scheduler.md §5).
///
/// Per-request state is kept by request slot: the block table (vLLM's `req_to_blocks`), the
/// chained hashes of the request's shared blocks (vLLM's `request.block_hashes`) and the
/// trace's prefix hashes they are computed from. A request's block count and its number of
/// registered blocks live in its ``Request`` row (`numBlocks`, `numCachedBlocks`), which the
/// scheduler passes in.
public struct KVCacheManager: Sendable {
    public let blockSize: Int
    public let maxModelLen: Int
    /// vLLM's `enable_caching`: prefix caching.
    public let enableCaching: Bool
    public internal(set) var blockPool: BlockPool
    private let hasher: BlockHasher
    /// By slot: the request's KV blocks; entry i holds tokens [i·bs, (i+1)·bs).
    private var blockTables: [[Int32]] = []
    /// By slot: chained hashes of the request's shared blocks computed so far (private blocks'
    /// keys are computed on demand: ``BlockHasher``).
    private var blockHashes: [[UInt64]] = []
    /// By slot: the trace's prefix hashes of the request's prompt.
    private var prefixHashes: [[UInt64]] = []

    public init(blockCount: Int, blockSize: Int, hashBlockSize: Int, maxModelLen: Int, enableCaching: Bool) {
        self.blockSize = blockSize
        self.maxModelLen = maxModelLen
        self.enableCaching = enableCaching
        blockPool = BlockPool(count: blockCount)
        hasher = BlockHasher(blockSize: blockSize, hashBlockSize: hashBlockSize)
    }

    /// Blocks referenced by some request.
    public var usedBlockCount: Int { blockPool.usedCount }

    /// The KV blocks held by the request in `slot`.
    public func blockTable(of slot: RequestSlot) -> [Int32] {
        Int(slot) < blockTables.count ? blockTables[Int(slot)] : []
    }

    private func blocksFor(tokens: Int) -> Int { (tokens + blockSize - 1) / blockSize }

    // MARK: Requests

    /// Starts tracking the request in `slot` (new, or reused after ``removeRequest(_:)``).
    mutating func addRequest(_ slot: RequestSlot, prefixHashes hashes: [UInt64]) {
        let s = Int(slot)
        if s < prefixHashes.count {
            prefixHashes[s] = hashes
        } else {
            precondition(s == prefixHashes.count, "request slots are handed out in order")
            prefixHashes.append(hashes)
            blockHashes.append([])
            blockTables.append([])
        }
    }

    /// Forgets a finished request whose slot is about to be reused.
    mutating func removeRequest(_ slot: RequestSlot) {
        let s = Int(slot)
        // Drop the storage: a reused slot may wait a long time before it needs any.
        blockTables[s] = []
        blockHashes[s] = []
        prefixHashes[s] = []
        blockPool.releasePrivate(slot: s)
    }

    // MARK: get_computed_blocks

    /// `get_computed_blocks` (§5.1): the longest run of cached full blocks at the start of the
    /// request, capped so that at least one token is computed. Appends the hit blocks to
    /// `computedBlocks`.
    /// - Returns: the number of tokens they hold.
    mutating func getComputedBlocks(for request: Request, slot: RequestSlot,
                                    into computedBlocks: inout [Int32]) -> Int {
        let s = Int(slot)
        let maxHitBlocks = (request.numTokens - 1) / blockSize
        let sharedBlocks = hasher.sharedBlockCount(promptTokens: request.promptTokens, prefixHashes: prefixHashes[s])
        hasher.extend(&blockHashes[s], to: min(maxHitBlocks, sharedBlocks), prefixHashes: prefixHashes[s])
        let firstBlock = computedBlocks.count
        var index = 0
        while index < maxHitBlocks {
            let hash = BlockHasher.key(serial: request.serial, index: index, shared: blockHashes[s])
            let cachedBlock = BlockHasher.isPrivate(hash)
                ? blockPool.lookupPrivate(hash, slot: s, index: index)
                : blockPool.lookup(hash)
            guard let block = cachedBlock else { break }
            computedBlocks.append(block)
            index += 1
        }
        return (computedBlocks.count - firstBlock) * blockSize
    }

    // MARK: allocate_slots

    /// `allocate_slots` for a running request (§5.3): blocks for `numNewTokens` more tokens, and
    /// the registering of the blocks they complete.
    /// - Returns: false, changing nothing, if the pool has too few free blocks.
    @inline(__always)
    mutating func allocateSlots(for request: inout Request, slot: RequestSlot, numNewTokens: Int) -> Bool {
        // Most steps neither add a block nor complete one: decide that from the request's row.
        let tokensAfter = request.numComputed + numNewTokens
        if tokensAfter <= request.numBlocks * blockSize
            && (!enableCaching || min(tokensAfter, request.numTokens) < (request.numCachedBlocks + 1) * blockSize) {
            return true
        }
        return allocateNewBlocks(for: &request, slot: slot, numNewTokens: numNewTokens)
    }

    private mutating func allocateNewBlocks(for request: inout Request, slot: RequestSlot, numNewTokens: Int) -> Bool {
        let s = Int(slot)
        let numComputed = request.numComputed
        let numRequiredTokens = min(numComputed + numNewTokens, maxModelLen)
        if numRequiredTokens > request.numBlocks * blockSize {
            let numNewBlocks = blocksFor(tokens: numRequiredTokens) - request.numBlocks
            if numNewBlocks > blockPool.freeCount { return false }
            for _ in 0..<numNewBlocks { blockTables[s].append(blockPool.allocate()) }
            request.numBlocks += numNewBlocks
        }
        if enableCaching {
            let tokensToCache = min(numComputed + numNewTokens, request.numTokens)
            if tokensToCache >= (request.numCachedBlocks + 1) * blockSize {
                cacheBlocks(for: &request, slot: slot, numComputedTokens: tokensToCache)
            }
        }
        return true
    }

    /// `allocate_slots` for a waiting or preempted request (§5.3), with the prefix hit found by
    /// ``getComputedBlocks(for:slot:into:)``: `newComputedBlocks` holding
    /// `numNewComputedTokens`. `watermarkBlocks` free blocks must remain; with
    /// `reserveFullPrompt` the whole prompt must fit.
    /// - Returns: false, changing nothing, if the pool has too few free blocks.
    mutating func allocateSlots(for request: inout Request, slot: RequestSlot, numNewTokens: Int,
                                newComputedBlocks: [Int32], numNewComputedTokens: Int,
                                watermarkBlocks: Int, reserveFullPrompt: Bool) -> Bool {
        let s = Int(slot)
        let numTokens = request.numTokens
        let numComputedTokens = min(numNewComputedTokens, maxModelLen)
        // Hit blocks in the free queue are taken out of it by `touch`, so they count as needed.
        var evictableHitBlocks = 0
        for block in newComputedBlocks where blockPool.isFree(block) { evictableHitBlocks += 1 }
        func blocksNeeded(tokens: Int) -> Int {
            max(blocksFor(tokens: tokens) - newComputedBlocks.count, 0) + evictableHitBlocks
        }
        if reserveFullPrompt
            && blocksNeeded(tokens: min(numTokens, maxModelLen)) + watermarkBlocks > blockPool.freeCount {
            return false
        }
        let numRequiredTokens = min(numComputedTokens + numNewTokens, maxModelLen)
        if blocksNeeded(tokens: numRequiredTokens) + watermarkBlocks > blockPool.freeCount { return false }

        for block in newComputedBlocks { blockPool.touch(block) }
        blockTables[s].removeAll(keepingCapacity: true)
        blockTables[s].append(contentsOf: newComputedBlocks)
        request.numCachedBlocks = newComputedBlocks.count
        let numNewBlocks = blocksFor(tokens: numRequiredTokens) - newComputedBlocks.count
        for _ in 0..<max(numNewBlocks, 0) { blockTables[s].append(blockPool.allocate()) }
        request.numBlocks = blockTables[s].count
        if enableCaching {
            cacheBlocks(for: &request, slot: slot, numComputedTokens: min(numComputedTokens + numNewTokens, numTokens))
        }
        return true
    }

    // MARK: cache_blocks

    /// `cache_blocks` (§5.4): registers the request's full blocks holding its first
    /// `numComputedTokens` tokens in the prefix cache. Blocks of async placeholders are not
    /// registered: only blocks of known tokens have content.
    mutating func cacheBlocks(for request: inout Request, slot: RequestSlot, numComputedTokens: Int) {
        let s = Int(slot)
        let numFullBlocks = numComputedTokens / blockSize
        guard numFullBlocks > request.numCachedBlocks else { return }
        let lastBlock = min(numFullBlocks, request.numTokens / blockSize, request.numBlocks)
        let sharedBlocks = hasher.sharedBlockCount(promptTokens: request.promptTokens, prefixHashes: prefixHashes[s])
        if sharedBlocks > blockHashes[s].count {
            hasher.extend(&blockHashes[s], to: min(lastBlock, sharedBlocks), prefixHashes: prefixHashes[s])
        }
        var index = request.numCachedBlocks
        while index < lastBlock {
            let hash = BlockHasher.key(serial: request.serial, index: index, shared: blockHashes[s])
            if BlockHasher.isPrivate(hash) {
                blockPool.registerPrivate(blockTables[s][index], hash: hash, slot: s, index: index)
            } else {
                blockPool.register(blockTables[s][index], hash: hash)
            }
            index += 1
        }
        request.numCachedBlocks = max(request.numCachedBlocks, lastBlock)
    }

    // MARK: free

    /// `free` (§5.5): returns the request's blocks to the pool, last block first. A preempted
    /// request (`preempted`) first records its private blocks, so that it can find them again
    /// when it resumes.
    mutating func free(_ request: inout Request, slot: RequestSlot, preempted: Bool) {
        let s = Int(slot)
        if preempted && enableCaching {
            blockPool.rememberPrivate(slot: s, blocks: blockTables[s], count: request.numCachedBlocks)
        }
        blockPool.free(blockTables[s])
        blockTables[s].removeAll(keepingCapacity: true)
        request.numBlocks = 0
        if preempted { request.numCachedBlocks = 0 }
    }
}
