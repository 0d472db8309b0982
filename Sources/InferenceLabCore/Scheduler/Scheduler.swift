/// vLLM's V1 scheduler (`v1/core/sched/scheduler.py`), for one full-attention cache group, no
/// speculative decoding and no KV connector. Its KV blocks are managed by a
/// ``KVCacheManager``.
///
/// A step is one ``schedule(into:)`` call followed, once the forward pass is done, by one
/// ``updateFromOutput(of:into:)`` call. docs/scheduler.md describes the algorithm as
/// implemented here; comments cite its sections. With the `SCHEDULER_INVARIANTS` compilation
/// condition (debug builds) both check ``invariantViolations(lastBatch:)`` when they end.
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

    /// Every live request, by slot (vLLM's `requests`). Written through
    /// `requests.mutableRows()` (``RowTable``).
    var requests = RowTable<Request>()
    #if SCHEDULER_INVARIANTS
    /// Work the invariant checker may still spend before its next full check (see
    /// `assertInvariants`).
    var invariantCheckBudget = 0
    #endif
    /// External ids, by slot.
    public private(set) var ids: [String] = []
    /// Session keys (``RequestSpec/sessionKey``), by slot: not used for scheduling, kept so
    /// that a finish can be reported to the request's source with its session.
    private var sessionKeys: [UInt64?] = []
    /// A prefill replica of a disaggregated fleet: a finished request keeps its blocks until
    /// its KV cache has been sent (vLLM's connector delays the free until the decode side has
    /// read them), ``freeTransferredKV(_:)``.
    public var holdsFinishedKV = false
    /// Finished requests whose blocks are kept for their KV transfer.
    public private(set) var kvHeldForTransfer: [RequestSlot] = []
    /// Per slot: the request's prompt KV comes from a prefill replica (``RequestSpec/doRemotePrefill``),
    /// until it is first scheduled (vLLM loads remote KV once per request).
    private var remotePrefill: [Bool] = []
    /// Slots of finished requests, free for reuse.
    private var freeSlots: [RequestSlot] = []
    private var nextSerial: UInt64 = 0
    /// Requests waiting to be admitted or resumed (§3.2).
    var waiting: WaitingQueue
    /// Running requests in admission order (§3.3).
    public internal(set) var running: [RequestSlot] = []
    /// The KV blocks of every request (§5).
    public internal(set) var kvCacheManager: KVCacheManager
    /// Prefix-cache hit blocks of the waiting request being admitted (kept for its capacity).
    private var newComputedBlocks: [Int32] = []

    public init(_ config: SimulatorConfig) {
        let settings = config.scheduler
        blockSize = settings.blockSize
        maxNumBatchedTokens = settings.maxNumBatchedTokens
        maxNumSeqs = settings.maxNumSeqs
        maxModelLen = config.model.maxSeqLen
        policy = settings.policy
        chunkedPrefill = settings.enableChunkedPrefill
        longPrefillThreshold = config.effectiveLongPrefillThreshold
        prefixCaching = settings.enablePrefixCaching
        asyncScheduling = settings.asyncScheduling
        reserveFullPrompt = settings.reserveFullPrompt
        let blocks = config.usableKVBlocks
        // vLLM: int(watermark × num_gpu_blocks), the null block included.
        watermarkBlocks = Int((settings.watermark * Double(blocks + 1)).rounded(.down))
        kvCacheManager = KVCacheManager(blockCount: blocks, blockSize: settings.blockSize,
                                        hashBlockSize: settings.prefixHashBlockSize,
                                        maxModelLen: config.model.maxSeqLen,
                                        enableCaching: settings.enablePrefixCaching)
        waiting = WaitingQueue(policy: settings.policy)
    }

    // MARK: Queries

    /// The KV block pool.
    public var pool: BlockPool { kvCacheManager.blockPool }
    /// Requests waiting to be (re)admitted.
    public var waitingCount: Int { waiting.count }
    /// Requests holding a running slot.
    public var runningCount: Int { running.count }
    /// Whether any request is still unfinished.
    public var hasUnfinishedRequests: Bool { waitingCount > 0 || !running.isEmpty }
    /// Blocks referenced by some request.
    public var kvBlocksUsed: Int { kvCacheManager.usedBlockCount }

    /// The state of the request in `slot`.
    public func request(_ slot: RequestSlot) -> Request { requests[Int(slot)] }

    /// The session of the request in `slot` (its spec's ``RequestSpec/sessionKey``).
    public func sessionKey(of slot: RequestSlot) -> UInt64? { sessionKeys[Int(slot)] }

    /// Blocks held by the request in `slot`.
    public func blockCount(of slot: RequestSlot) -> Int { requests[Int(slot)].numBlocks }

    /// Why a request can never be served, or nil if it can (§7.3).
    public func rejection(promptTokens: Int, outputTokens: Int) -> RejectionReason? {
        if promptTokens >= maxModelLen { return .promptTooLong }
        if promptTokens + outputTokens > maxModelLen { return .exceedsMaxSeqLen }
        // KV footprint right before finishing: prompt + output − 1 tokens.
        let blocksAtFinish = (promptTokens + outputTokens - 1 + blockSize - 1) / blockSize
        if blocksAtFinish > pool.count { return .exceedsKVCache }
        return nil
    }

    // MARK: Requests

    /// Adds a request to the waiting queue (vLLM's `add_request`).
    /// - Returns: the slot it occupies until ``release(_:)``.
    public mutating func add(_ spec: RequestSpec) -> RequestSlot {
        let request = Request(serial: nextSerial, arrivalTime: spec.arrivalTime,
                              promptTokens: spec.promptTokens, maxTokens: spec.outputTokens,
                              priority: spec.priority)
        nextSerial += 1
        let slot: RequestSlot
        if let reused = freeSlots.popLast() {
            slot = reused
            let rows = requests.mutableRows()
            rows[Int(slot)] = request
            ids[Int(slot)] = spec.id
            sessionKeys[Int(slot)] = spec.sessionKey
            remotePrefill[Int(slot)] = spec.doRemotePrefill
        } else {
            slot = RequestSlot(requests.count)
            requests.append(request)
            ids.append(spec.id)
            sessionKeys.append(spec.sessionKey)
            remotePrefill.append(spec.doRemotePrefill)
        }
        kvCacheManager.addRequest(slot, prefixHashes: spec.prefixHashes)
        waiting.append(slot, request, id: spec.id)
        return slot
    }

    /// Frees the blocks of finished request `slot`, kept while its KV cache was sent (vLLM's
    /// `_free_blocks` when the connector reports the send finished).
    public mutating func freeTransferredKV(_ slot: RequestSlot) {
        guard let i = kvHeldForTransfer.firstIndex(of: slot) else { return }
        kvHeldForTransfer.remove(at: i)
        let rows = requests.mutableRows()
        kvCacheManager.free(&rows[Int(slot)], slot: slot, preempted: false)
    }

    /// Returns a finished request's slot for reuse.
    public mutating func release(_ slot: RequestSlot) {
        kvCacheManager.removeRequest(slot)
        freeSlots.append(slot)
    }

    // MARK: schedule()

    /// Builds the next step (§4): running requests first, then waiting ones, within one token
    /// budget.
    public mutating func schedule(into batch: inout ScheduledBatch) {
        batch.reset()
        var tokenBudget = maxNumBatchedTokens
        // §4.1: the long-prefill threshold applies only when another request could use the
        // budget.
        let threshold = running.count + waitingCount > 1 ? longPrefillThreshold : 0
        scheduleRunningRequests(into: &batch, tokenBudget: &tokenBudget, longPrefillThreshold: threshold)
        // §4.4: no admissions in a step that preempted.
        if batch.preempted.isEmpty {
            scheduleWaitingRequests(into: &batch, tokenBudget: &tokenBudget, longPrefillThreshold: threshold)
        }
        updateAfterSchedule(&batch)
        #if SCHEDULER_INVARIANTS
        assertInvariants(lastBatch: batch)
        #endif
    }

    /// §4.2: running requests in list order, each given as many tokens as it can use, blocks
    /// allocated or requests preempted (§4.3) to make room.
    private mutating func scheduleRunningRequests(into batch: inout ScheduledBatch, tokenBudget: inout Int,
                                                  longPrefillThreshold threshold: Int) {
        let rows = requests.mutableRows()
        var index = 0
        while index < running.count && tokenBudget > 0 {
            let slot = running[index]
            let request = rows[Int(slot)]
            // Async: a request certain to finish with its in-flight output is not scheduled.
            if request.placeholders > 0
                && request.numComputed + 2 - request.placeholders >= request.promptTokens + request.maxTokens {
                index += 1
                continue
            }
            var numNewTokens = request.numTokens + request.placeholders - request.numComputed
            if threshold > 0 && threshold < numNewTokens { numNewTokens = threshold }
            numNewTokens = min(numNewTokens, tokenBudget)
            numNewTokens = min(numNewTokens, maxModelLen - request.numComputed - 1)
            if numNewTokens <= 0 {
                index += 1
                continue
            }

            var allocated = false
            while true {
                if kvCacheManager.allocateSlots(for: &rows[Int(slot)], slot: slot, numNewTokens: numNewTokens) {
                    allocated = true
                    break
                }
                let victimIndex = preemptionVictimIndex()
                let victim = running.remove(at: victimIndex)
                if policy != .fcfs {
                    if victimIndex < index { index -= 1 }
                    if let restoredTokens = batch.remove(slot: victim) { tokenBudget += restoredTokens }
                }
                preemptRequest(victim)
                batch.preempted.append(victim)
                if victim == slot { break }
            }
            if !allocated {
                // PRIORITY: the request preempted itself; the next one now sits at `index`.
                if policy != .fcfs && rows[Int(slot)].status == .preempted { continue }
                break
            }
            batch.append(slot: slot, serial: request.serial, tokens: numNewTokens, context: request.numComputed)
            tokenBudget -= numNewTokens
            index += 1
        }
    }

    /// §4.4: waiting requests in queue order while the budget, `max_num_seqs` and the KV pool
    /// allow, each with its prefix-cache hit (§5.1).
    private mutating func scheduleWaitingRequests(into batch: inout ScheduledBatch, tokenBudget: inout Int,
                                                  longPrefillThreshold threshold: Int) {
        var skippedWaiting: [RequestSlot] = []
        while tokenBudget > 0 {
            guard let slot = waiting.peek() else { break }
            if running.count >= maxNumSeqs { break }
            let request = requests[Int(slot)]
            // Async: a preempted request's stale in-flight output must drain first.
            if request.staleOutputTokens > 0 {
                waiting.pop()
                skippedWaiting.append(slot)
                continue
            }
            newComputedBlocks.removeAll(keepingCapacity: true)
            var numComputedTokens = 0
            if request.numComputed == 0 && prefixCaching {
                numComputedTokens = kvCacheManager.getComputedBlocks(for: request, slot: slot, into: &newComputedBlocks)
            }
            let numLocalComputedTokens = numComputedTokens
            if remotePrefill[Int(slot)] {
                // The prompt's KV arrived from a prefill replica: all but its last token count as
                // computed (vLLM's `_update_waiting_for_remote_kv`), the local hit first.
                numComputedTokens = max(numComputedTokens, request.promptTokens - 1)
            }
            var numNewTokens = request.numTokens - numComputedTokens
            if threshold > 0 && threshold < numNewTokens { numNewTokens = threshold }
            if !chunkedPrefill && numNewTokens > tokenBudget { break }
            numNewTokens = min(numNewTokens, tokenBudget)

            let rows = requests.mutableRows()
            let allocated = kvCacheManager.allocateSlots(
                for: &rows[Int(slot)], slot: slot, numNewTokens: numNewTokens,
                newComputedBlocks: newComputedBlocks, numNewComputedTokens: numComputedTokens,
                watermarkBlocks: running.isEmpty ? 0 : watermarkBlocks, reserveFullPrompt: reserveFullPrompt)
            if !allocated { break }
            remotePrefill[Int(slot)] = false
            waiting.pop()
            running.append(slot)
            rows[Int(slot)].status = .running
            rows[Int(slot)].numComputed = numComputedTokens
            if numLocalComputedTokens > 0 {
                batch.cacheHits.append((slot, numLocalComputedTokens, request.status == .preempted))
            }
            batch.append(slot: slot, serial: request.serial, tokens: numNewTokens, context: numComputedTokens)
            tokenBudget -= numNewTokens
        }
        // Skipped requests go back to the front, in their order.
        for slot in skippedWaiting.reversed() {
            waiting.prepend(slot, requests[Int(slot)], id: ids[Int(slot)])
        }
    }

    /// §4.5, vLLM's `_update_after_schedule`: advance each scheduled request's computed tokens
    /// and decide which entries sample a token.
    private mutating func updateAfterSchedule(_ batch: inout ScheduledBatch) {
        let rows = requests.mutableRows()
        let async = asyncScheduling
        batch.updateEntries { entry in
            let slot = Int(entry.slot)
            let numNewTokens = Int(entry.tokens)
            var request = rows[slot]
            request.numComputed += numNewTokens
            request.inFlightTokens += numNewTokens
            let isPartial = request.numComputed < request.numTokens + request.placeholders
            request.isPrefillChunk = isPartial
            if async && !isPartial { request.placeholders += 1 }
            rows[slot] = request
            entry.samples = !isPartial
            entry.isDecode = numNewTokens == 1 && Int(entry.context) >= request.promptTokens
        }
    }

    // MARK: Preemption

    /// §4.3: the running request to preempt. FCFS: the last one. PRIORITY: the first maximum of
    /// (priority, arrival). The original's policies: the last maximum of their victim key.
    private func preemptionVictimIndex() -> Int {
        switch policy {
        case .fcfs:
            return running.count - 1
        case .priority:
            var victim = 0
            var victimKey = (requests[Int(running[0])].priority, requests[Int(running[0])].arrivalTime)
            for index in 1..<running.count {
                let request = requests[Int(running[index])]
                let key = (request.priority, request.arrivalTime)
                if key > victimKey {
                    victim = index
                    victimKey = key
                }
            }
            return victim
        case .sjf, .sof, .lof, .stf, .ltf, .sif, .lif:
            var victim = 0
            var victimKey = Int.min
            for index in 0..<running.count {
                let request = requests[Int(running[index])]
                let key: Int
                switch policy {
                case .sjf, .sof, .lof: key = request.maxTokens - request.numOutput
                case .stf, .ltf: key = request.promptTokens + request.maxTokens - request.numComputed
                default: key = request.promptTokens
                }
                if key >= victimKey {
                    victimKey = key
                    victim = index
                }
            }
            return victim
        }
    }

    /// vLLM's `_preempt_request` (§4.3): free every block, recompute later, back to the front
    /// of the waiting queue. The caller has removed it from `running`.
    private mutating func preemptRequest(_ slot: RequestSlot) {
        let rows = requests.mutableRows()
        kvCacheManager.free(&rows[Int(slot)], slot: slot, preempted: true)
        var request = rows[Int(slot)]
        request.status = .preempted
        request.numComputed = 0
        request.staleOutputTokens = request.inFlightTokens
        request.placeholders = 0
        request.numPreemptions += 1
        rows[Int(slot)] = request
        waiting.prepend(slot, request, id: ids[Int(slot)])
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
    public mutating func updateFromOutput(of batch: ScheduledBatch, into effects: inout OutputEffects) {
        effects.reset()
        let rows = requests.mutableRows()
        var finishedWhileRunning = 0
        for index in 0..<batch.count {
            let entry = batch[index]
            let slot = entry.slot
            let s = Int(slot)
            // The slot may have been reused since the step was scheduled (async).
            guard s < rows.count, rows[s].serial == entry.serial, rows[s].status != .finished else {
                effects.noToken.append(slot)
                continue
            }
            var request = rows[s]
            request.inFlightTokens -= Int(entry.tokens)
            let isStale = request.staleOutputTokens > 0
            if isStale { request.staleOutputTokens -= Int(entry.tokens) }
            guard entry.samples else {
                rows[s] = request
                effects.noToken.append(slot)
                continue
            }
            let statusBefore = request.status
            let hadPlaceholders = request.placeholders > 0
            request.numOutput += 1
            if request.numOutput == 1 { effects.firstTokens.append(slot) }
            let stopped = request.numOutput >= request.maxTokens || request.numTokens >= maxModelLen
            if !isStale && hadPlaceholders { request.placeholders -= 1 }
            rows[s] = request
            // Async: the sampled token is now known, so blocks it completes can be registered.
            if !isStale && statusBefore == .running && hadPlaceholders && prefixCaching {
                kvCacheManager.cacheBlocks(for: &rows[s], slot: slot,
                                           numComputedTokens: request.numComputed - request.inFlightTokens)
            }
            if stopped {
                if statusBefore == .running { finishedWhileRunning += 1 } else { waiting.remove(slot) }
                rows[s].status = .finished
                if holdsFinishedKV {
                    kvHeldForTransfer.append(slot)
                } else {
                    kvCacheManager.free(&rows[s], slot: slot, preempted: false)
                }
                effects.finished.append(slot)
            }
        }
        // Drop finished requests from `running` in one pass, keeping the order.
        if finishedWhileRunning > 0 {
            running.removeAll { requests[Int($0)].status == .finished }
        }
        #if SCHEDULER_INVARIANTS
        assertInvariants(lastBatch: nil)
        #endif
    }
}
