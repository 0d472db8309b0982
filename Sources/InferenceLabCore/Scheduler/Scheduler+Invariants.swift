/// The scheduler's invariants, checked at the end of every `schedule()` and
/// `update_from_output()` in builds with the `SCHEDULER_INVARIANTS` compilation condition (debug
/// builds of the package, and so its tests). docs/scheduler.md §9 lists them.
extension Scheduler {
    /// Whether this build checks the invariants after every step (`SCHEDULER_INVARIANTS`).
    public static var checksInvariants: Bool {
        #if SCHEDULER_INVARIANTS
        return true
        #else
        return false
        #endif
    }

    /// Every broken invariant of the current state, described; empty when all hold.
    ///
    /// - The step just scheduled (`lastBatch`, if given) fits `max_num_batched_tokens`, and no
    ///   request is in it twice.
    /// - At most `max_num_seqs` requests run; each running request is in the running list
    ///   once, with status `running`.
    /// - No request is both running and waiting; a waiting request is `waiting` or `preempted`
    ///   and holds no block.
    /// - A running request's block table has `numBlocks` entries, of which at most all are
    ///   registered in the prefix cache (`numCachedBlocks`).
    /// - Each block's reference count equals the number of block tables holding it, so the
    ///   blocks in use are exactly the blocks held by requests and none leaks; the pool's own
    ///   invariants hold (``BlockPool/invariantViolations()``: the free queue holds exactly
    ///   the unreferenced blocks, cached or not).
    public func invariantViolations(lastBatch batch: ScheduledBatch?) -> [String] {
        var issues: [String] = []
        var isRunning = [Bool](repeating: false, count: requests.count)
        if let batch {
            if batch.totalTokens > maxNumBatchedTokens {
                issues.append("the step schedules \(batch.totalTokens) tokens, over max_num_batched_tokens = \(maxNumBatchedTokens)")
            }
            var inBatch = [Bool](repeating: false, count: requests.count)
            for index in 0..<batch.count {
                let slot = Int(batch[index].slot)
                if inBatch[slot] { issues.append("request \(slot) is scheduled twice in one step") }
                inBatch[slot] = true
            }
        }
        if running.count > maxNumSeqs {
            issues.append("\(running.count) requests run, over max_num_seqs = \(maxNumSeqs)")
        }
        for slot in running {
            let s = Int(slot)
            if isRunning[s] { issues.append("request \(s) is in the running list twice") }
            isRunning[s] = true
            if requests[s].status != .running { issues.append("running request \(s) has status \(requests[s].status.rawValue)") }
        }
        for slot in waiting.unorderedSlots {
            let s = Int(slot)
            let request = requests[s]
            if isRunning[s] { issues.append("request \(s) is both running and waiting") }
            if request.status != .waiting && request.status != .preempted {
                issues.append("waiting request \(s) has status \(request.status.rawValue)")
            }
            if request.numBlocks != 0 || !kvCacheManager.blockTable(of: slot).isEmpty {
                issues.append("waiting request \(s) holds blocks")
            }
        }

        let pool = kvCacheManager.blockPool
        var holders = [Int](repeating: 0, count: pool.count)
        for slot in kvHeldForTransfer {
            if requests[Int(slot)].status != .finished { issues.append("request \(slot) holds KV for a transfer but is not finished") }
            for block in kvCacheManager.blockTable(of: slot) { holders[Int(block)] += 1 }
        }
        for slot in running {
            let request = requests[Int(slot)]
            let table = kvCacheManager.blockTable(of: slot)
            if table.count != request.numBlocks {
                issues.append("request \(slot) holds \(table.count) blocks, its row says \(request.numBlocks)")
            }
            if request.numCachedBlocks > table.count {
                issues.append("request \(slot) has \(request.numCachedBlocks) cached blocks of \(table.count)")
            }
            for block in table { holders[Int(block)] += 1 }
        }
        var held = 0
        for block in 0..<pool.count {
            let references = pool.referenceCount(of: Int32(block))
            if references != holders[block] {
                issues.append("block \(block) has \(references) references, held by \(holders[block]) requests")
            }
            if holders[block] > 0 { held += 1 }
        }
        if held != pool.usedCount {
            issues.append("\(pool.usedCount) blocks are in use, \(held) are held by requests")
        }
        issues.append(contentsOf: pool.invariantViolations())
        return issues
    }

    #if SCHEDULER_INVARIANTS
    /// Stops the program if an invariant is broken.
    ///
    /// A full check walks every request and every KV block, so it runs after every step while
    /// the state is small (up to 4,096 requests and blocks) and, for larger states, as often
    /// as an average of 4,096 entries per step allows: debug builds of long runs with big
    /// pools stay usable, and every run is still checked many times.
    mutating func assertInvariants(lastBatch batch: ScheduledBatch?) {
        invariantCheckBudget += 4096
        let cost = kvCacheManager.blockPool.count + requests.count
        guard invariantCheckBudget >= cost else { return }
        invariantCheckBudget = 0
        let issues = invariantViolations(lastBatch: batch)
        guard issues.isEmpty else {
            var message = "scheduler invariant broken:"
            for issue in issues { message += " " + issue + ";" }
            preconditionFailure(message)
        }
    }
    #endif
}
