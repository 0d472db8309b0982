import Testing
@testable import InferenceLabCore

// The scheduler's invariants (docs/scheduler.md §9): the checker finds nothing in states the
// scheduler reaches, and names each invariant broken on purpose.

@Suite struct SchedulerInvariantTests {
    /// A scheduler after one step with two running requests (A, B) and one waiting (C), which
    /// the pool of 8 blocks cannot take.
    private func twoRunningOneWaiting() -> (Scheduler, ScheduledBatch) {
        var scheduler = Scheduler(scenarioConfig(blocks: 8, budget: 200))
        _ = scheduler.add(req("A", prompt: 40, out: 4, prefix: [1, 2]))
        _ = scheduler.add(req("B", prompt: 40, out: 4, prefix: [1, 2]))
        _ = scheduler.add(req("C", prompt: 100, out: 4))
        var batch = ScheduledBatch()
        scheduler.schedule(into: &batch)
        return (scheduler, batch)
    }

    @Test func debugBuildsCheckEveryStep() {
        #if DEBUG
        #expect(Scheduler.checksInvariants)
        #endif
    }

    @Test func statesTheSchedulerReachesAreClean() throws {
        var (scheduler, batch) = twoRunningOneWaiting()
        #expect(scheduler.runningCount == 2 && scheduler.waitingCount == 1)
        #expect(scheduler.invariantViolations(lastBatch: batch).isEmpty)
        var effects = Scheduler.OutputEffects()
        for _ in 0..<20 where scheduler.hasUnfinishedRequests {
            scheduler.updateFromOutput(of: batch, into: &effects)
            #expect(scheduler.invariantViolations(lastBatch: nil).isEmpty)
            for slot in effects.finished { scheduler.release(slot) }
            scheduler.schedule(into: &batch)
            #expect(scheduler.invariantViolations(lastBatch: batch).isEmpty)
        }
        #expect(!scheduler.hasUnfinishedRequests && scheduler.kvBlocksUsed == 0)
    }

    @Test func aLeakedBlockIsReported() {
        var (scheduler, batch) = twoRunningOneWaiting()
        _ = scheduler.kvCacheManager.blockPool.allocate()
        let issues = scheduler.invariantViolations(lastBatch: batch)
        #expect(issues.contains { $0.contains("held by 0 requests") })
        #expect(issues.contains { $0.contains("blocks are in use") })
    }

    @Test func aRequestBothRunningAndWaitingIsReported() {
        var (scheduler, batch) = twoRunningOneWaiting()
        let runningSlot = scheduler.running[0]
        scheduler.waiting.append(runningSlot, scheduler.request(runningSlot), id: "A")
        #expect(scheduler.invariantViolations(lastBatch: batch).contains { $0.contains("both running and waiting") })
    }

    @Test func anOverBudgetBatchIsReported() {
        let (scheduler, _) = twoRunningOneWaiting()
        var batch = ScheduledBatch()
        batch.append(slot: 0, serial: 0, tokens: scheduler.maxNumBatchedTokens + 1, context: 0)
        #expect(scheduler.invariantViolations(lastBatch: batch).contains { $0.contains("max_num_batched_tokens") })
    }

    @Test func tooManyRunningRequestsAreReported() {
        var scheduler = Scheduler(scenarioConfig(blocks: 8, maxSeqs: 1))
        _ = scheduler.add(req("A", prompt: 20, out: 2))
        _ = scheduler.add(req("B", prompt: 20, out: 2))
        var batch = ScheduledBatch()
        scheduler.schedule(into: &batch)
        #expect(scheduler.runningCount == 1)
        scheduler.running.append(1)
        let issues = scheduler.invariantViolations(lastBatch: batch)
        #expect(issues.contains { $0.contains("over max_num_seqs") })
        #expect(issues.contains { $0.contains("both running and waiting") })
    }

    @Test func aBrokenFreeQueueIsReported() {
        var pool = BlockPool(count: 4)
        let block = pool.allocate()
        #expect(pool.invariantViolations().isEmpty)
        pool.free([block])
        pool.free([block])  // one reference too many
        #expect(!pool.invariantViolations().isEmpty)
    }
}
