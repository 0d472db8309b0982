/// vLLM's V1 scheduler (`v1/core/sched/scheduler.py`) with its KV-cache manager, for one
/// full-attention cache group, no speculative decoding and no KV connector.
///
/// A step is one ``schedule(into:)`` call followed, once the forward pass is done, by one
/// ``processOutput(of:)`` call. docs/scheduler.md describes the algorithm as implemented
/// here; comments cite its sections.
public struct Scheduler: Sendable {
    public let blockSize: Int
    public let maxNumBatchedTokens: Int
    public let maxNumSeqs: Int
    public let maxModelLen: Int
    public let policy: SchedulingPolicy
    public let chunkedPrefill: Bool
    public let longPrefillThreshold: Int
    public let prefixCaching: Bool
    public let asyncScheduling: Bool
    public let reserveFullPrompt: Bool
    public let watermarkBlocks: Int

    /// Request table indexed by slot (see ``RowTable``: every public mutating method calls
    /// `requests.makeUnique()` before it writes).
    private var requests = RowTable<Request>()
    /// External ids, by slot.
    public private(set) var ids: [String] = []
    /// Trace prefix hashes, by slot.
    private var prefixHashes: [[UInt64]] = []
    /// Chained hashes of each request's shared blocks computed so far, by slot (private
    /// blocks' keys are computed on demand: ``BlockHasher``).
    private var blockHashes: [[UInt64]] = []
    /// KV block tables (entry i holds tokens [i·bs, (i+1)·bs)), by slot.
    private var blockTables: [[Int32]] = []
    /// Running entries that finished while processing a step's output (compacted once).
    private var finishedWhileRunning = 0
    private var freeSlots: [RequestSlot] = []
    private var nextSerial: UInt64 = 0
    private var waiting: WaitingQueue
    /// Running requests in admission order.
    public private(set) var running: [RequestSlot] = []
    public private(set) var pool: BlockPool
    private let hasher: BlockHasher
    private var hitScratch: [Int32] = []

    public init(_ config: SimulatorConfig) {
        let s = config.scheduler
        blockSize = s.blockSize
        maxNumBatchedTokens = s.maxNumBatchedTokens
        maxNumSeqs = s.maxNumSeqs
        maxModelLen = config.model.maxSeqLen
        policy = s.policy
        chunkedPrefill = s.enableChunkedPrefill
        longPrefillThreshold = config.effectiveLongPrefillThreshold
        prefixCaching = s.enablePrefixCaching
        asyncScheduling = s.asyncScheduling
        reserveFullPrompt = s.reserveFullPrompt
        let blocks = config.usableKVBlocks
        // vLLM: int(watermark × num_gpu_blocks), the null block included.
        watermarkBlocks = Int((s.watermark * Double(blocks + 1)).rounded(.down))
        pool = BlockPool(count: blocks)
        hasher = BlockHasher(blockSize: s.blockSize, hashBlockSize: s.prefixHashBlockSize)
        waiting = WaitingQueue(policy: s.policy)
    }

    // MARK: Queries

    /// Requests waiting to be (re)admitted.
    public var waitingCount: Int { waiting.count }
    /// Requests holding a running slot.
    public var runningCount: Int { running.count }
    /// Whether any request is still unfinished.
    public var hasUnfinishedRequests: Bool { waitingCount > 0 || !running.isEmpty }
    /// Blocks referenced by some request.
    public var kvBlocksUsed: Int { pool.usedCount }

    /// The state of the request in `slot`.
    public func request(_ slot: RequestSlot) -> Request { requests[Int(slot)] }

    /// Why a request can never be served, or nil if it can.
    public func rejection(promptTokens: Int, outputTokens: Int) -> RejectionReason? {
        if promptTokens >= maxModelLen { return .promptTooLong }
        if promptTokens + outputTokens > maxModelLen { return .exceedsMaxSeqLen }
        // KV footprint right before finishing: prompt + output − 1 tokens.
        if (promptTokens + outputTokens - 1 + blockSize - 1) / blockSize > pool.count { return .exceedsKVCache }
        return nil
    }

    // MARK: Requests

    /// Adds a request to the waiting queue (vLLM's `add_request`).
    /// - Returns: the slot it occupies until ``release(_:)``.
    public mutating func add(_ spec: RequestSpec) -> RequestSlot {
        let r = Request(serial: nextSerial, arrivalTime: spec.arrivalTime,
                        promptTokens: spec.promptTokens, maxTokens: spec.outputTokens,
                        priority: spec.priority)
        nextSerial += 1
        requests.makeUnique()
        let slot: RequestSlot
        if let reused = freeSlots.popLast() {
            slot = reused
            let s = Int(slot)
            requests[s] = r
            ids[s] = spec.id
            prefixHashes[s] = spec.prefixHashes
        } else {
            slot = RequestSlot(requests.count)
            requests.append(r)
            ids.append(spec.id)
            prefixHashes.append(spec.prefixHashes)
            blockHashes.append([])
            blockTables.append([])
        }
        waiting.append(slot, r, id: spec.id)
        return slot
    }

    /// Returns a finished request's slot for reuse.
    public mutating func release(_ slot: RequestSlot) {
        let s = Int(slot)
        // Drop the storage: a reused slot may wait a long time before it needs any.
        blockTables[s] = []
        blockHashes[s] = []
        prefixHashes[s] = []
        pool.releasePrivate(slot: s)
        freeSlots.append(slot)
    }

    /// Blocks held by the request in `slot`.
    public func blockCount(of slot: RequestSlot) -> Int { requests[Int(slot)].numBlocks }

    // MARK: schedule()

    /// Builds the next step (docs/scheduler.md §4): running requests first, then waiting ones,
    /// within one token budget.
    public mutating func schedule(into out: inout ScheduledBatch) {
        requests.makeUnique()
        out.reset()
        var budget = maxNumBatchedTokens
        let eligible = running.count + waitingCount
        let threshold = eligible > 1 ? longPrefillThreshold : 0

        // 1. Running requests, in list order.
        var i = 0
        while i < running.count && budget > 0 {
            let slot = running[i]
            let r = requests[Int(slot)]
            // Async: a request certain to finish with its in-flight output is not scheduled.
            if r.placeholders > 0 && r.numComputed + 2 - r.placeholders >= r.promptTokens + r.maxTokens {
                i += 1
                continue
            }
            var n = r.numTokens + r.placeholders - r.numComputed
            if threshold > 0 && threshold < n { n = threshold }
            n = min(n, budget)
            n = min(n, maxModelLen - r.numComputed - 1)
            if n <= 0 { i += 1; continue }

            var allocated = false
            while true {
                if allocateRunning(slot, tokens: n) { allocated = true; break }
                // Choose a victim (§4.3).
                let victimIndex = victimIndexForPreemption()
                let victim = running.remove(at: victimIndex)
                if policy != .fcfs {
                    if victimIndex < i { i -= 1 }
                    if let restored = out.remove(slot: victim) { budget += restored }
                }
                preempt(victim)
                out.preempted.append(victim)
                if victim == slot { break }
            }
            if !allocated {
                if policy != .fcfs && requests[Int(slot)].status == .preempted { continue }
                break
            }
            out.append(slot: slot, serial: r.serial, tokens: n, context: r.numComputed)
            budget -= n
            i += 1
        }

        // 2. Waiting requests, only if nobody was preempted.
        if out.preempted.isEmpty {
            var skipped: [RequestSlot] = []
            while budget > 0 {
                guard let slot = waiting.peek() else { break }
                if running.count >= maxNumSeqs { break }
                let s = Int(slot)
                let r = requests[s]
                // Async: a preempted request's stale in-flight output must drain first.
                if r.staleOutputTokens > 0 {
                    waiting.pop()
                    skipped.append(slot)
                    continue
                }
                var hitBlocks = hitScratch
                hitScratch = []
                hitBlocks.removeAll(keepingCapacity: true)
                var hit = 0
                if r.numComputed == 0 && prefixCaching {
                    hit = findCachedPrefix(s, into: &hitBlocks)
                }
                defer { hitScratch = hitBlocks }
                var n = r.numTokens - hit
                if threshold > 0 && threshold < n { n = threshold }
                if !chunkedPrefill && n > budget { break }
                n = min(n, budget)
                if !allocateWaiting(slot, tokens: n, hitBlocks: hitBlocks, hit: hit) { break }
                waiting.pop()
                let resumed = r.status == .preempted
                running.append(slot)
                requests[s].status = .running
                requests[s].numComputed = hit
                if hit > 0 { out.cacheHits.append((slot, hit, resumed)) }
                out.append(slot: slot, serial: r.serial, tokens: n, context: hit)
                budget -= n
            }
            // Skipped requests go back to the front, in their order.
            var k = skipped.count - 1
            while k >= 0 { waiting.prepend(skipped[k], requests[Int(skipped[k])], id: ids[Int(skipped[k])]); k -= 1 }
        }

        // 3. Advance num_computed_tokens (vLLM's `_update_after_schedule`).
        let async = asyncScheduling
        for e in 0..<out.count {
            let entry = out[e]
            let slot = Int(entry.slot)
            let n = Int(entry.tokens)
            var r = requests[slot]
            r.numComputed += n
            r.inFlightTokens += n
            let partial = r.numComputed < r.numTokens + r.placeholders
            r.isPrefillChunk = partial
            if async && !partial { r.placeholders += 1 }
            requests[slot] = r
            out.mark(e, samples: !partial, isDecode: n == 1 && Int(entry.context) >= r.promptTokens)
        }
    }


    /// FCFS: the last running request. PRIORITY: the first maximum of (priority, arrival).
    /// The original's policies: the last maximum of their victim key.
    private func victimIndexForPreemption() -> Int {
        switch policy {
        case .fcfs:
            return running.count - 1
        case .priority:
            var best = 0
            var bestPriority = requests[Int(running[0])].priority
            var bestArrival = requests[Int(running[0])].arrivalTime
            for j in 1..<running.count {
                let p = requests[Int(running[j])].priority, a = requests[Int(running[j])].arrivalTime
                if (p, a) > (bestPriority, bestArrival) { best = j; bestPriority = p; bestArrival = a }
            }
            return best
        case .sjf, .sof, .lof, .stf, .ltf, .sif, .lif:
            var best = 0
            var bestKey = Int.min
            for j in 0..<running.count {
                let r = requests[Int(running[j])]
                let key: Int
                switch policy {
                case .sjf, .sof, .lof: key = r.maxTokens - r.numOutput
                case .stf, .ltf: key = r.promptTokens + r.maxTokens - r.numComputed
                default: key = r.promptTokens
                }
                if key >= bestKey { bestKey = key; best = j }
            }
            return best
        }
    }

    /// vLLM's `_preempt_request`: free everything, recompute later, back to the front.
    private mutating func preempt(_ slot: RequestSlot) {
        let s = Int(slot)
        if prefixCaching { pool.rememberPrivate(slot: s, blocks: blockTables[s], count: requests[s].numCachedBlocks) }
        pool.free(blockTables[s])
        blockTables[s].removeAll(keepingCapacity: true)
        requests[s].numBlocks = 0
        requests[s].numCachedBlocks = 0
        requests[s].status = .preempted
        requests[s].numComputed = 0
        requests[s].staleOutputTokens = requests[s].inFlightTokens
        requests[s].placeholders = 0
        requests[s].numPreemptions += 1
        waiting.prepend(slot, requests[s], id: ids[s])
    }

    // MARK: KV cache manager

    private func cdiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }

    /// `get_computed_blocks`: the longest run of cached full blocks, capped so that at least
    /// one token is computed. Appends the hit blocks to `blocks`; returns the hit tokens.
    private mutating func findCachedPrefix(_ s: Int, into blocks: inout [Int32]) -> Int {
        let r = requests[s]
        let maxBlocks = (r.numTokens - 1) / blockSize
        let shared = hasher.sharedBlockCount(promptTokens: r.promptTokens, prefixHashes: prefixHashes[s])
        hasher.extend(&blockHashes[s], to: min(maxBlocks, shared), prefixHashes: prefixHashes[s])
        var i = 0
        while i < maxBlocks {
            let h = BlockHasher.key(serial: r.serial, index: i, shared: blockHashes[s])
            let found = BlockHasher.isPrivate(h) ? pool.lookupPrivate(h, slot: s, index: i) : pool.lookup(h)
            guard let b = found else { break }
            blocks.append(b)
            i += 1
        }
        return blocks.count * blockSize
    }

    /// `allocate_slots` for a running request (it already has a block table). Most steps
    /// neither add a block nor complete one; that check is inlined into the step loop.
    @inline(__always)
    private mutating func allocateRunning(_ slot: RequestSlot, tokens n: Int) -> Bool {
        let r = requests[Int(slot)]
        let upTo = r.numComputed + n
        if upTo <= r.numBlocks * blockSize
            && (!prefixCaching || min(upTo, r.numTokens) < (r.numCachedBlocks + 1) * blockSize) {
            return true
        }
        return allocateRunningBlocks(slot, tokens: n)
    }

    private mutating func allocateRunningBlocks(_ slot: RequestSlot, tokens n: Int) -> Bool {
        let s = Int(slot)
        let r = requests[s]
        let computed = r.numComputed
        let needTokens = min(computed + n, maxModelLen)
        // Most steps stay within the blocks held (a multiply, no division, no table access).
        if needTokens > r.numBlocks * blockSize {
            let newBlocks = cdiv(needTokens, blockSize) - r.numBlocks
            if newBlocks > pool.freeCount { return false }
            for _ in 0..<newBlocks { blockTables[s].append(pool.allocate()) }
            requests[s].numBlocks = r.numBlocks + newBlocks
        }
        // Most decode steps complete no block: skip the call (cacheBlocks would return at once).
        if prefixCaching {
            let upTo = min(computed + n, r.numTokens)
            if upTo >= (r.numCachedBlocks + 1) * blockSize { cacheBlocks(s, upTo: upTo) }
        }
        return true
    }

    /// `allocate_slots` for a waiting or preempted request, with its prefix hit.
    private mutating func allocateWaiting(_ slot: RequestSlot, tokens n: Int, hitBlocks: [Int32], hit: Int) -> Bool {
        let s = Int(slot)
        let numTokens = requests[s].numTokens
        let total = min(hit, maxModelLen)
        let wm = running.isEmpty ? 0 : watermarkBlocks
        var evictableHits = 0
        for b in hitBlocks where pool.isFree(b) { evictableHits += 1 }
        func needed(_ tokens: Int) -> Int { max(cdiv(tokens, blockSize) - hitBlocks.count, 0) + evictableHits }
        if reserveFullPrompt && needed(min(numTokens, maxModelLen)) + wm > pool.freeCount { return false }
        let needTokens = min(total + n, maxModelLen)
        if needed(needTokens) + wm > pool.freeCount { return false }
        for b in hitBlocks { pool.touch(b) }
        blockTables[s].removeAll(keepingCapacity: true)
        blockTables[s].append(contentsOf: hitBlocks)
        requests[s].numCachedBlocks = hitBlocks.count
        let k = cdiv(needTokens, blockSize) - hitBlocks.count
        if k > 0 { for _ in 0..<k { blockTables[s].append(pool.allocate()) } }
        requests[s].numBlocks = blockTables[s].count
        if prefixCaching { cacheBlocks(s, upTo: min(total + n, numTokens)) }
        return true
    }

    /// `cache_blocks`: registers the request's full blocks up to `tokens` in the prefix cache.
    private mutating func cacheBlocks(_ s: Int, upTo tokens: Int) {
        let r = requests[s]
        let full = tokens / blockSize
        guard full > r.numCachedBlocks else { return }
        // Only blocks of known tokens have content (async placeholders do not).
        let upto = min(full, r.numTokens / blockSize, r.numBlocks)
        let shared = hasher.sharedBlockCount(promptTokens: r.promptTokens, prefixHashes: prefixHashes[s])
        if shared > blockHashes[s].count {
            hasher.extend(&blockHashes[s], to: min(upto, shared), prefixHashes: prefixHashes[s])
        }
        var i = r.numCachedBlocks
        while i < upto {
            let h = BlockHasher.key(serial: r.serial, index: i, shared: blockHashes[s])
            if BlockHasher.isPrivate(h) {
                pool.registerPrivate(blockTables[s][i], hash: h, slot: s, index: i)
            } else {
                pool.register(blockTables[s][i], hash: h)
            }
            i += 1
        }
        requests[s].numCachedBlocks = max(r.numCachedBlocks, upto)
    }

    // MARK: update_from_output()

    /// What processing a step's output did.
    public struct OutputEffects: Sendable {
        /// Requests that produced their first output token.
        public var firstTokens: [RequestSlot] = []
        /// Requests that finished (their blocks are already freed).
        public var finished: [RequestSlot] = []
        /// Batch entries that produced no token.
        public var noToken: [RequestSlot] = []
        public init() {}
        mutating func reset() {
            firstTokens.removeAll(keepingCapacity: true)
            finished.removeAll(keepingCapacity: true)
            noToken.removeAll(keepingCapacity: true)
        }
    }

    /// vLLM's `update_from_output` (§6): one sampled token per entry that reached the end of
    /// its known tokens; stop at `max_tokens` or `max_model_len`; free finished requests.
    public mutating func processOutput(of batch: ScheduledBatch, into effects: inout OutputEffects) {
        requests.makeUnique()
        effects.reset()
        for e in 0..<batch.count {
            let entry = batch[e]
            let slot = entry.slot
            let s = Int(slot)
            guard s < requests.count, requests[s].serial == entry.serial,
                  requests[s].status != .finished else {
                effects.noToken.append(slot)
                continue
            }
            // One read and one write of the request instead of one access per field.
            var r = requests[s]
            let n = Int(entry.tokens)
            r.inFlightTokens -= n
            var stale = false
            if r.staleOutputTokens > 0 {
                stale = true
                r.staleOutputTokens -= n
            }
            guard entry.samples else {
                requests[s] = r
                effects.noToken.append(slot)
                continue
            }
            let statusBefore = r.status
            let hadPlaceholders = r.placeholders > 0
            r.numOutput += 1
            if r.numOutput == 1 { effects.firstTokens.append(slot) }
            let stopped = r.numOutput >= r.maxTokens || r.numTokens >= maxModelLen
            if !stale && hadPlaceholders { r.placeholders -= 1 }
            requests[s] = r
            if !stale && statusBefore == .running && hadPlaceholders && prefixCaching {
                cacheBlocks(s, upTo: r.numComputed - r.inFlightTokens)
            }
            if stopped {
                if statusBefore == .running { finishedWhileRunning += 1 } else { waiting.remove(slot) }
                requests[s].status = .finished
                pool.free(blockTables[s])
                blockTables[s].removeAll(keepingCapacity: true)
                requests[s].numBlocks = 0
                effects.finished.append(slot)
            }
        }
        // Drop finished requests from `running` in one pass, keeping the order.
        if finishedWhileRunning > 0 {
            running.removeAll { requests[Int($0)].status == .finished }
            finishedWhileRunning = 0
        }
    }
}
