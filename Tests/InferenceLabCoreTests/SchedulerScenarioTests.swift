import Testing
@testable import InferenceLabCore

// Scheduler scenarios from docs/scheduler.md (§9: corner cases and behaviours checked
// against vLLM 0.33.0). Every expected batch sequence was worked out by hand from the
// spec; the reasoning is in the comments. Steps take 10 ms (linear model, base 0.01 s), so
// step k (1-based) runs over [(k−1)·10 ms, k·10 ms). Block size 16; `blocks:` is the number
// of usable blocks (override = blocks + 1). Batches read "[id:tokens ...] pre[...] fin[...]".

@Suite struct SchedulerScenarioTests {

    // MARK: Token budget and chunked prefill

    @Test func budgetGoesToRunningFirstThenWaiting() throws {
        // Budget 100. Step 1: A (150) gets a 100 chunk, budget 0, B not considered.
        // Step 2: running A needs 50 → 50; budget 50 left → B admitted with its whole 30.
        // Both prompts end in step 2 → first tokens at 20 ms. Step 3: decodes, B has its 2.
        // Step 4: A's third token.
        let r = try simulate(scenarioConfig(budget: 100),
                             [req("A", prompt: 150, out: 3), req("B", prompt: 30, out: 2)])
        #expect(r.batches == ["[A:100]", "[A:50 B:30]", "[A:1 B:1] fin[B]", "[A:1] fin[A]"])
        #expect(r.steps[0].noToken == ["A"])
        #expect(close(r.firstToken["A"], 0.02) && close(r.firstToken["B"], 0.02))
        #expect(close(r.finish["B"], 0.03) && close(r.finish["A"], 0.04))
        #expect(r.status == .complete && r.kvBlocksUsedAtEnd == 0)
    }

    @Test func chunkedPrefillSplitsAndFirstTokenComesFromLastChunk() throws {
        // 250-token prompt, budget 100: chunks 100, 100, 50. Partial chunks sample nothing
        // (noToken); the step computing the last prompt token (step 3) yields the first token.
        let r = try simulate(scenarioConfig(budget: 100), [req("A", prompt: 250, out: 2)])
        #expect(r.batches == ["[A:100]", "[A:100]", "[A:50]", "[A:1] fin[A]"])
        #expect(r.steps[0].noToken == ["A"] && r.steps[1].noToken == ["A"] && r.steps[2].noToken.isEmpty)
        #expect(r.firstTokenStep["A"] == 3 && close(r.firstToken["A"], 0.03))
        #expect(close(r.finish["A"], 0.04))
        // §6: prompt − hit + m − 1 tokens in total.
        #expect(r.scheduledTokens("A") == 250 + 2 - 1)
    }

    @Test func chunkedPrefillOffSchedulesWholePromptsAndBreaksAtTheHead() throws {
        // Chunking off, budget 100 (= max_seq_len, vLLM's requirement).
        // Step 1: A (60) fits → budget 40; B (50) > 40 → break; C (10) is not tried although
        // it would fit (§4.4: head-of-line, no skipping).
        // Step 2: A decode 1 (its 2nd and last token); B 50; C 10 (max_tokens 1 → finishes in
        // its prefill step). Step 3: B's second token.
        let cfg = scenarioConfig(blocks: 50, budget: 100, chunked: false, maxSeqLen: 100)
        let r = try simulate(cfg, [req("A", prompt: 60, out: 2), req("B", prompt: 50, out: 2),
                                   req("C", prompt: 10, out: 1)])
        #expect(r.batches == ["[A:60]", "[A:1 B:50 C:10] fin[A C]", "[B:1] fin[B]"])
        #expect(close(r.firstToken["C"], 0.02) && close(r.finish["C"], 0.02))
    }

    @Test func longPrefillThresholdIgnoredForALoneRequest() throws {
        // §9: threshold 100, budget 512, one 1000-token request → 512 + 488 (running +
        // waiting holds one request, so the threshold is off).
        let cfg = scenarioConfig(blocks: 200, budget: 512, threshold: 100, maxSeqLen: 2048)
        let r = try simulate(cfg, [req("A", prompt: 1000, out: 1)])
        #expect(r.batches == ["[A:512]", "[A:488] fin[A]"])
    }

    @Test func longPrefillThresholdCapsTwoConcurrentPrefills() throws {
        // §9: two 1000-token requests → 100 + 100 per step, ten steps, both finish in step 10.
        let cfg = scenarioConfig(blocks: 200, budget: 512, threshold: 100, maxSeqLen: 2048)
        let r = try simulate(cfg, [req("A", prompt: 1000, out: 1), req("B", prompt: 1000, out: 1)])
        #expect(r.batches == repeated("[A:100 B:100]", 9) + ["[A:100 B:100] fin[A B]"])
    }

    @Test func longPrefillThresholdCountsRequestsAtTheStartOfTheStep() throws {
        // A (300) and B (1000): steps 1–3 give 100 + 100; A's last chunk is step 3 and it
        // finishes there (max_tokens 1). Step 4 starts with only B → threshold off → 512,
        // then the remaining 188.
        let cfg = scenarioConfig(blocks: 200, budget: 512, threshold: 100, maxSeqLen: 2048)
        let r = try simulate(cfg, [req("A", prompt: 300, out: 1), req("B", prompt: 1000, out: 1)])
        #expect(r.batches == ["[A:100 B:100]", "[A:100 B:100]", "[A:100 B:100] fin[A]",
                              "[B:512]", "[B:188] fin[B]"])
    }

    // MARK: Admission

    @Test func maxNumSeqsCountsRunningRequestsThatAreNotScheduled() throws {
        // Async, max_num_seqs 2. A (16, 2 out) and C (16, 10 out) admitted in step 1; step 2
        // (scheduled at t = 0) decodes both. B (16, 1 out) arrives at 5 ms and is added when
        // step 1's output is processed (10 ms). Step 3 is scheduled then: A is certain to
        // finish with its in-flight token (guard 17 + 2 − 1 ≥ 16 + 2) so it is skipped, but it
        // still counts: running = 2 → B not admitted. Step 2's output finishes A; step 4 then
        // admits B. C decodes every step until its guard (step 11) stops it.
        let cfg = scenarioConfig(maxSeqs: 2, async: true)
        let r = try simulate(cfg, [req("A", prompt: 16, out: 2), req("C", prompt: 16, out: 10),
                                   req("B", at: 0.005, prompt: 16, out: 1)])
        #expect(r.batches == ["[A:16 C:16]", "[A:1 C:1] fin[A]", "[C:1]", "[C:1 B:16] fin[B]"]
                + repeated("[C:1]", 5) + ["[C:1] fin[C]"])
        #expect(close(r.finish["A"], 0.02) && close(r.finish["B"], 0.04) && close(r.finish["C"], 0.10))
    }

    @Test func headOfLineBlockingWithTwentyBlockPool() throws {
        // §9: 20 usable blocks. A (200 prompt = 13 blocks, 100 out) runs alone from step 1;
        // B (200 → needs 13 blocks, 7 free) and C (16 → 1 block) arrive at 5 ms. B fails the
        // admission check, which stops admissions, so C waits behind it although it fits.
        // A never needs more than cdiv(299, 16) = 19 blocks, so no preemption. A finishes in
        // step 100 (1 prefill + 99 decodes) at 1.00 s; step 101 admits B and C together.
        let cfg = scenarioConfig(blocks: 20, maxSeqLen: 320)
        let r = try simulate(cfg, [req("A", prompt: 200, out: 100), req("B", at: 0.005, prompt: 200, out: 1),
                                   req("C", at: 0.005, prompt: 16, out: 1)])
        #expect(r.batches == ["[A:200]"] + repeated("[A:1]", 98) + ["[A:1] fin[A]", "[B:200 C:16] fin[B C]"])
        #expect(close(r.finish["A"], 1.00, tol: 1e-9))
        #expect(close(r.firstToken["C"], 1.01, tol: 1e-9))
        #expect(r.steps[0].kvBlocksUsed == 13)
    }

    @Test func reserveFullPromptAdmissionCheck() throws {
        // 10 usable blocks, budget 64. A (96 = 6 blocks, 1 out), B (80 = 5 blocks, 1 out).
        // Step 1: A gets 64 (4 blocks allocated, 6 free), budget gone.
        // Step 2: A's last 32 (2 more blocks, 4 free); 32 budget left. B's whole prompt
        // needs 5 blocks > 4 → not admitted (only 2 would be allocated for a 32 chunk).
        // A finishes in step 2; step 3: B 64, step 4: B 16.
        let cfg = scenarioConfig(blocks: 10, budget: 64, maxSeqLen: 160)
        let reqs = [req("A", prompt: 96, out: 1), req("B", prompt: 80, out: 1)]
        let on = try simulate(cfg, reqs)
        #expect(on.batches == ["[A:64]", "[A:32] fin[A]", "[B:64]", "[B:16] fin[B]"])

        // Reserve off (vLLM ≤ 0.11 behaviour): B's first chunk of 32 needs 2 blocks ≤ 4, so B
        // joins step 2 and finishes its remaining 48 in step 3.
        var off = cfg
        off.scheduler.reserveFullPrompt = false
        let r = try simulate(off, reqs)
        #expect(r.batches == ["[A:64]", "[A:32 B:32] fin[A]", "[B:48] fin[B]"])
    }

    @Test func watermarkOnlyWhileSomethingRuns() throws {
        // watermark 0.1, override 21 → int(0.1 · 21) = 2 blocks. A (16, 3 out) is admitted into
        // an idle engine. B (304 = 19 blocks, 1 out): 19 + 2 > 19 free while A runs → waits.
        // A finishes in step 3; step 4 has an empty running list, so no watermark: 19 ≤ 20.
        let cfg = scenarioConfig(blocks: 20, watermark: 0.1, maxSeqLen: 320)
        let r = try simulate(cfg, [req("A", prompt: 16, out: 3), req("B", prompt: 304, out: 1)])
        #expect(r.batches == ["[A:16]", "[A:1]", "[A:1] fin[A]", "[B:304] fin[B]"])

        // Without the watermark B fits next to A in step 1 (19 ≤ 19).
        var none = cfg
        none.scheduler.watermark = 0
        let r0 = try simulate(none, [req("A", prompt: 16, out: 3), req("B", prompt: 304, out: 1)])
        #expect(r0.batches.first == "[A:16 B:304] fin[B]")
    }

    // MARK: Preemption

    @Test func fcfsVictimIsLastRunningAndGoesBackToTheFront() throws {
        // 4 usable blocks, caching off. A and B (16 prompt, 20 out) run from step 1 (1 block
        // each); C (8, 1 out) arrives at 5 ms. Step 2: both cross into block 2 (free 0); C
        // cannot be admitted. Both decode until step 18, where A (16 + 16 computed) needs a
        // third block: victim = last of running = B (17 outputs so far). B goes to the FRONT
        // of waiting, ahead of C. No admissions in step 18. Step 19: B (front) needs
        // cdiv(33, 16) = 3 blocks > 1 free → break; C behind it is not tried.
        // A finishes in step 20 (1 + 19 decodes). Step 21: B recomputes prompt + its 17
        // outputs = 33 tokens (sampling its 18th), C 8 (finishes). Steps 22–23: B's last two.
        let cfg = scenarioConfig(blocks: 4, caching: false, maxSeqLen: 64)
        let r = try simulate(cfg, [req("A", prompt: 16, out: 20), req("B", prompt: 16, out: 20),
                                   req("C", at: 0.005, prompt: 8, out: 1)])
        #expect(r.batches == ["[A:16 B:16]"] + repeated("[A:1 B:1]", 16) + ["[A:1] pre[B]", "[A:1]", "[A:1] fin[A]",
                              "[B:33 C:8] fin[C]", "[B:1]", "[B:1] fin[B]"])
        #expect(r.preemptions.map(\.id) == ["B"] && r.preemptions[0].step == 18)
        #expect(r.outputTokensAtFinish["B"] == 20 && r.finishCount["B"] == 1)
        // 16 + 19 + recompute of the 32 tokens B had computed.
        #expect(r.scheduledTokens("B") == 16 + 20 - 1 + 32)
        #expect(close(r.finish["B"], 0.23))
    }

    @Test func noAdmissionsInAStepThatPreempted() throws {
        // PRIORITY, same pool as above. A (prio 0) and B (prio 1) run; C (prio −1, 8 tokens)
        // arrives at 5 ms and is blocked (0 free) until step 18, when A's new block preempts
        // B (max priority value). That leaves 1 free block, enough for C, and C is the heap
        // minimum, but a step that preempted admits nobody. Step 19 admits C (then B needs 3
        // blocks > 0 → break). A finishes in step 20; B recomputes 33 in step 21.
        let cfg = scenarioConfig(blocks: 4, policy: .priority, caching: false, maxSeqLen: 64)
        let r = try simulate(cfg, [req("A", prompt: 16, out: 20, priority: 0),
                                   req("B", prompt: 16, out: 20, priority: 1),
                                   req("C", at: 0.005, prompt: 8, out: 1, priority: -1)])
        #expect(r.batches == ["[A:16 B:16]"] + repeated("[A:1 B:1]", 16) + ["[A:1] pre[B]", "[A:1 C:8] fin[C]",
                              "[A:1] fin[A]", "[B:33]", "[B:1]", "[B:1] fin[B]"])
    }

    @Test func fcfsSelfVictimEndsTheRunningLoop() throws {
        // 4 usable blocks, caching off, budget 17. A (16, 30 out), B (48, 1 out).
        // Step 1: A 16 (1 block), B gets the 1 token left (its whole prompt, 3 blocks, passes
        // the reserve check; 1 block allocated). Step 2: A crosses into block 2, B 16 more
        // (block 2) → 0 free. Step 3: A decode fits; B needs a third block, 0 free → victim =
        // last running = B itself → B preempted, loop ends. B then needs 3 blocks; A takes
        // one more in step 18 and finishes in step 30; B restarts from scratch: 17, 17, 14.
        let cfg = scenarioConfig(blocks: 4, budget: 17, caching: false, maxSeqLen: 64)
        let r = try simulate(cfg, [req("A", prompt: 16, out: 30), req("B", prompt: 48, out: 1)])
        #expect(r.batches == ["[A:16 B:1]", "[A:1 B:16]", "[A:1] pre[B]"] + repeated("[A:1]", 26)
                + ["[A:1] fin[A]", "[B:17]", "[B:17]", "[B:14] fin[B]"])
        #expect(r.scheduledTokens("B") == 48 + 1 - 1 + 17)
    }

    @Test func priorityVictimAlreadyScheduledLeavesTheBatch() throws {
        // PRIORITY, 4 blocks, caching off. X (prio 5, 8 prompt, 20 out) arrives first and runs
        // alone in step 1; Y (prio 0, 17 prompt = 2 blocks, 20 out) joins in step 2 (free 1).
        // X takes its second block in step 10 (free 0). Step 18: X's decode fits and X is
        // scheduled; then Y (comp 32) needs a third block → victim = max (priority, arrival)
        // = X, already in the batch: it leaves the batch and its token returns to the budget.
        // Batch: [Y:1], preempted X. X (8 + 17 outputs = 25 tokens, 2 blocks) cannot return
        // until Y finishes in step 21 (1 prefill + 19 decodes); then it recomputes 25.
        let cfg = scenarioConfig(blocks: 4, policy: .priority, caching: false, maxSeqLen: 64)
        let r = try simulate(cfg, [req("X", prompt: 8, out: 20, priority: 5),
                                   req("Y", at: 0.005, prompt: 17, out: 20, priority: 0)])
        #expect(r.batches == ["[X:8]"] + repeated("[X:1 Y:17]", 1) + repeated("[X:1 Y:1]", 15)
                + ["[Y:1] pre[X]", "[Y:1]", "[Y:1]", "[Y:1] fin[Y]", "[X:25]", "[X:1]", "[X:1] fin[X]"])
        #expect(r.steps[17].batch.count == 1)
    }

    @Test func priorityBudgetRestoreLetsALaterChunkGrow() throws {
        // PRIORITY, budget 48, 13 usable blocks, caching off, reserve-full-prompt off (with it
        // on, Z's whole prompt would be reserved and the pool could not run dry in time).
        // X (prio 5, 48 prompt = 3 blocks, 30 out) runs alone in step 1.
        // Y (prio 0, 30 prompt, 30 out) and Z (prio 1, 160 prompt, 1 out) arrive at 5 ms.
        // Step 2: X 1 (comp 49 → block 4; free 9), Y 30 (2 blocks; free 7), Z gets the 17 left
        //   (2 blocks; free 5).
        // Step 3: X 1, Y 1 (comp 31), Z 46 (comp 63 → 4 blocks; free 3).
        // Step 4: X 1, Y 1 (comp 32, still 2 blocks), Z 46 (comp 109 → 7 blocks; free 0).
        // Step 5: X 1 is scheduled (budget 47); Y (comp 32 → 33) needs a third block, 0 free →
        //   victim = max (priority, arrival) = X, already in the batch: it leaves the batch,
        //   its token returns (budget 48), its 4 blocks are freed. Y 1 (budget 47); Z gets
        //   min(160 − 109, 47) = 47 (comp 156, 3 more blocks), not 46. No admissions.
        // (A victim found while allocating for Z itself would not grow Z's chunk: n is fixed
        // before the allocation loop, as in vLLM.)
        let cfg = scenarioConfig(blocks: 13, budget: 48, policy: .priority, caching: false,
                                 reserve: false, maxSeqLen: 192)
        let r = try simulate(cfg, [req("X", prompt: 48, out: 30, priority: 5),
                                   req("Y", at: 0.005, prompt: 30, out: 30, priority: 0),
                                   req("Z", at: 0.005, prompt: 160, out: 1, priority: 1)])
        #expect(Array(r.batches.prefix(5)) == ["[X:48]", "[X:1 Y:30 Z:17]", "[X:1 Y:1 Z:46]",
                                                "[X:1 Y:1 Z:46]", "[Y:1 Z:47] pre[X]"])
        #expect(r.status == .complete)
        #expect(r.finishCount == ["X": 1, "Y": 1, "Z": 1])
        #expect(r.outputTokensAtFinish == ["X": 30, "Y": 30, "Z": 1])
    }

    @Test func prioritySelfVictimContinuesWithLaterRequests() throws {
        // PRIORITY, 2 usable blocks, caching off. Y (prio 5, 15 prompt, 3 out) runs from step 1;
        // X (prio 0, 15 prompt, 3 out) joins in step 2 (both fit one block: free 0).
        // Step 3: Y's decode (comp 16 → 17) needs a block → victim = max priority = Y itself:
        // under PRIORITY the loop continues (§4.3) and X (comp 16, no new block) decodes.
        // Step 4: X crosses into its second block (the one Y freed) and finishes. Step 5: Y
        // recomputes 15 + 2 outputs = 17 and samples its third token.
        let cfg = scenarioConfig(blocks: 2, policy: .priority, caching: false, maxSeqLen: 32)
        let r = try simulate(cfg, [req("Y", prompt: 15, out: 3, priority: 5),
                                   req("X", at: 0.005, prompt: 15, out: 3, priority: 0)])
        #expect(r.batches == ["[Y:15]", "[Y:1 X:15]", "[X:1] pre[Y]", "[X:1] fin[X]", "[Y:17] fin[Y]"])
    }

    @Test func decodeOnABlockBoundaryNeedsAFreeBlock() throws {
        // 2 usable blocks, caching on. A (15 prompt) and B (16 prompt), 2 outputs each, take one
        // block each in step 1. Step 2: A's decode writes token 16 (position 15): still block
        // 1, no allocation. B's decode writes position 16: a new block, 0 free → victim = last
        // = B itself. A finishes in step 2. B's prompt block was hashed (and A allocated
        // nothing), so step 3's lookup for B (17 tokens, max hit 16) hits 16: it computes 1.
        let cfg = scenarioConfig(blocks: 2, maxSeqLen: 32)
        let r = try simulate(cfg, [req("A", prompt: 15, out: 2), req("B", prompt: 16, out: 2)])
        #expect(r.batches == ["[A:15 B:16]", "[A:1] pre[B] fin[A]", "[B:1] fin[B]"])
        #expect(r.cacheHits.count == 1 && r.cacheHits[0].id == "B" && r.cacheHits[0].tokens == 16
                && r.cacheHits[0].resumed && r.cacheHits[0].step == 3)
    }

    @Test func resumedRequestHitsItsOwnStillCachedBlocks() throws {
        // 5 usable blocks, FCFS, caching on. A (16, 30 out), B (24, 20 out) from step 1
        // (1 + 2 blocks). A takes block 2 in step 2, B block 3 in step 10 (free 0). Step 18:
        // A needs a third block → victim B (comp 40: b0, b1 hashed, b2 partial). Free order:
        // b2 (unhashed) at the head, then b1, b0 at the tail; A pops b2, so b0 and b1 stay
        // cached. B (41 tokens) hits 32 but needs 3 blocks (1 new + 2 evictable hits) > 2
        // free until A finishes in step 30. Step 31: B resumes with a 32-token hit and
        // computes 9, sampling output 18; 19 and 20 follow.
        let cfg = scenarioConfig(blocks: 5, maxSeqLen: 80)
        let r = try simulate(cfg, [req("A", prompt: 16, out: 30), req("B", prompt: 24, out: 20)])
        #expect(r.batches == ["[A:16 B:24]"] + repeated("[A:1 B:1]", 16) + ["[A:1] pre[B]"]
                + repeated("[A:1]", 11) + ["[A:1] fin[A]", "[B:9]", "[B:1]", "[B:1] fin[B]"])
        #expect(r.cacheHits.count == 1)
        #expect(r.cacheHits.first?.id == "B" && r.cacheHits.first?.tokens == 32 && r.cacheHits.first?.resumed == true)
        // 24 + 19 + (40 computed before preemption − 32 hit).
        #expect(r.scheduledTokens("B") == 24 + 20 - 1 + 8)
    }

    // MARK: Prefix caching

    @Test func prefixHitIsCappedAtPromptMinusOne() throws {
        // §9: R0 (32 tokens = 2 full blocks) is computed and finishes in step 1; its blocks
        // stay cached. R1 (the same 32 tokens) may hit at most (32 − 1) / 16 = 1 block → hit
        // 16, compute 16. R2 (40 tokens sharing those 32) hits both blocks → 32, computes 8.
        // Both in step 2.
        let cfg = scenarioConfig(blocks: 10, maxSeqLen: 160)
        let r = try simulate(cfg, [req("R0", prompt: 32, out: 1, prefix: [1, 2]),
                                   req("R1", at: 0.005, prompt: 32, out: 1, prefix: [1, 2]),
                                   req("R2", at: 0.005, prompt: 40, out: 1, prefix: [1, 2])])
        #expect(r.batches == ["[R0:32] fin[R0]", "[R1:16 R2:8] fin[R1 R2]"])
        #expect(r.cacheHits.map { "\($0.id):\($0.tokens):\($0.step)" } == ["R1:16:2", "R2:32:2"])
        #expect(r.cacheHits.allSatisfy { !$0.resumed })
    }

    @Test func prefixHitOnBlocksRegisteredEarlierInTheSameStep() throws {
        // §5.4: blocks are registered at schedule time. R1 (32 tokens) is admitted first
        // and registers its 2 blocks; R2 (48 tokens, same first 32) admitted right after in
        // the same schedule() hits 32 and computes 16.
        let cfg = scenarioConfig(blocks: 10, maxSeqLen: 160)
        let r = try simulate(cfg, [req("R1", prompt: 32, out: 1, prefix: [1, 2]),
                                   req("R2", prompt: 48, out: 1, prefix: [1, 2, 3])])
        #expect(r.batches == ["[R1:32 R2:16] fin[R1 R2]"])
        #expect(r.cacheHits.count == 1 && r.cacheHits[0].tokens == 32 && r.cacheHits[0].step == 1)
    }

    @Test func freedBlocksGoHashedToTailInReverseAndUnhashedToHead() throws {
        // 4 usable blocks (ids 0–3). R1 (40 tokens, prefix [1, 2]) takes 0, 1, 2 and finishes:
        // free(): walk 2, 1, 0: block 2 (partial, unhashed) → head; 1 then 0 (hashed) → tail.
        // Queue: [2, 3, 1, 0]. R2 (40 unique tokens) pops 2, 3, 1 → evicts R1's second block
        // hash only. R3 (R1's tokens) then hits block 0 only: 16 tokens, computes 24.
        // (With vLLM ≤ 0.11's all-to-tail order R2 would pop 3, 1, 0 and R3 would hit 0; with
        // hashed blocks freed in forward order R2 would pop 2, 3, 0 and R3 would hit 0 too.)
        let cfg = scenarioConfig(blocks: 4, maxSeqLen: 64)
        let r = try simulate(cfg, [req("R1", prompt: 40, out: 1, prefix: [1, 2]),
                                   req("R2", at: 0.005, prompt: 40, out: 1),
                                   req("R3", at: 0.015, prompt: 40, out: 1, prefix: [1, 2])])
        #expect(r.batches == ["[R1:40] fin[R1]", "[R2:40] fin[R2]", "[R3:24] fin[R3]"])
        #expect(r.cacheHits.map { "\($0.id):\($0.tokens)" } == ["R3:16"])
    }

    // MARK: Finishing

    @Test func maxTokensOneFinishesInThePrefillStep() throws {
        // 100-token prompt, budget 64: chunk 64 (no token), chunk 36 samples the first and
        // only token → finished in step 2; first token time = finish time = 20 ms.
        let r = try simulate(scenarioConfig(budget: 64), [req("A", prompt: 100, out: 1)])
        #expect(r.batches == ["[A:64]", "[A:36] fin[A]"])
        #expect(close(r.firstToken["A"], 0.02) && close(r.finish["A"], 0.02))
        #expect(r.outputTokensAtFinish["A"] == 1)
    }

    @Test func blocksAreFreedInTheFinishingStep() throws {
        // 4 usable blocks. A (63 tokens = 4 blocks, 1 out) fills the pool in step 1 and finishes
        // there; B (64) fails the reserve check in step 1 but sees A's blocks free in step 2
        // (the original freed them one step late).
        let cfg = scenarioConfig(blocks: 4, maxSeqLen: 64)
        let r = try simulate(cfg, [req("A", prompt: 63, out: 1), req("B", prompt: 63, out: 1)])
        #expect(r.batches == ["[A:63] fin[A]", "[B:63] fin[B]"])
        #expect(r.steps[0].kvBlocksUsed == 0)
        #expect(r.steps[0].waiting == 1)
    }

    // MARK: Queue ordering

    @Test func priorityTiesCompareIdsAsStrings() throws {
        // Same priority and arrival → request_id as a string: "10" < "100" < "9".
        // Budget 100 lets exactly one 100-token prompt in per step.
        let cfg = scenarioConfig(budget: 100, policy: .priority)
        let r = try simulate(cfg, [req("9", prompt: 100, out: 1), req("10", prompt: 100, out: 1),
                                   req("100", prompt: 100, out: 1)])
        #expect(r.batches == ["[10:100] fin[10]", "[100:100] fin[100]", "[9:100] fin[9]"])
    }

    @Test(arguments: [
        (SchedulingPolicy.fcfs, ["a", "b", "c", "d"]),
        (.priority, ["a", "b", "c", "d"]),
        (.sif, ["b", "c", "a", "d"]),   // prompt 10 < 20 < 30 < 40
        (.lif, ["d", "a", "c", "b"]),
        (.sjf, ["c", "a", "d", "b"]),   // output 2 < 4 < 6 < 8
        (.sof, ["c", "a", "d", "b"]),
        (.lof, ["b", "d", "a", "c"]),
        (.stf, ["b", "c", "a", "d"]),   // total 18 < 22 < 34 < 46
        (.ltf, ["d", "a", "c", "b"]),
    ])
    func waitingOrderOfEachPolicy(policy: SchedulingPolicy, order: [String]) throws {
        // max_num_seqs 1: one request at a time, so the admission order is the waiting order.
        let cfg = scenarioConfig(maxSeqs: 1, policy: policy)
        let r = try simulate(cfg, [req("a", prompt: 30, out: 4), req("b", prompt: 10, out: 8),
                                   req("c", prompt: 20, out: 2), req("d", prompt: 40, out: 6)])
        var seen: [String] = []
        for s in r.steps { for e in s.batch where !seen.contains(e.id) { seen.append(e.id) } }
        #expect(seen == order)
        #expect(r.steps.allSatisfy { $0.batch.count == 1 })
    }

    // MARK: Async scheduling

    @Test(arguments: [false, true])
    func asyncAndSyncFinishALoneRequestAtTheSameTime(async: Bool) throws {
        // §9: 40-token prompt, 3 outputs, 10 ms steps: prefill + 2 decodes → 30 ms in both
        // modes. Async: step 4 (scheduled at 20 ms) would see 42 + 2 − 1 ≥ 43 and skips it.
        let r = try simulate(scenarioConfig(async: async), [req("A", prompt: 40, out: 3)])
        #expect(r.batches == ["[A:40]", "[A:1]", "[A:1] fin[A]"])
        #expect(close(r.firstToken["A"], 0.01) && close(r.finish["A"], 0.03))
        #expect(r.steps.map(\.time).enumerated().allSatisfy { close($0.element, Double($0.offset) * 0.01) })
    }

    @Test func asyncArrivalsJoinOneStepLater() throws {
        // §9: B arrives at 5 ms. Sync: added after step 1 (ends 10 ms), joins step 2.
        // Async: step 2 was scheduled at t = 0 (while step 1 ran), so B joins step 3
        // (scheduled at 10 ms, runs at 20 ms). B's guard then skips it in step 5.
        let reqs = [req("A", prompt: 40, out: 3), req("B", at: 0.005, prompt: 16, out: 2)]
        let sync = try simulate(scenarioConfig(), reqs)
        #expect(sync.batches == ["[A:40]", "[A:1 B:16]", "[A:1 B:1] fin[A B]"])
        let async = try simulate(scenarioConfig(async: true), reqs)
        #expect(async.batches == ["[A:40]", "[A:1]", "[A:1 B:16] fin[A]", "[B:1] fin[B]"])
        #expect(close(async.finish["A"], 0.03) && close(async.finish["B"], 0.04))
        #expect(close(async.firstToken["B"], 0.03) && close(sync.firstToken["B"], 0.02))
    }

    // MARK: Rejection

    @Test func overlongRequestsAreRejectedNotHung() throws {
        // max_seq_len 160. P (160 prompt) leaves no room for a token; Q (100 + 61 > 160)
        // exceeds max_seq_len; R is fine and still runs.
        let cfg = scenarioConfig(blocks: 10, maxSeqLen: 160)
        // S (100 + 60 = 160) is exactly at the limit and runs: its last decode computes
        // position 158 = max_seq_len − 2, and its 60th token brings it to 160.
        let r = try simulate(cfg, [req("P", prompt: 160, out: 1), req("Q", prompt: 100, out: 61),
                                   req("R", prompt: 16, out: 2)])
        #expect(r.status == .complete)
        #expect(r.rejected == ["P": .promptTooLong, "Q": .exceedsMaxSeqLen])
        #expect(r.batches == ["[R:16]", "[R:1] fin[R]"])
        let s = try simulate(cfg, [req("S", prompt: 100, out: 60)])
        #expect(s.rejected.isEmpty && s.outputTokensAtFinish["S"] == 60)
        #expect(s.batches == ["[S:100]"] + repeated("[S:1]", 58) + ["[S:1] fin[S]"])
    }

    @Test func requestLargerThanThePoolIsRejected() {
        // Validation keeps max_seq_len within the pool, so through `Simulator` the KV check can
        // only trip for configs built by hand: check the rule itself on a scheduler with
        // 4 usable blocks and max_seq_len 1000. 64 + 1 − 1 = 64 tokens fit 4 blocks;
        // 64 + 2 − 1 = 65 need 5.
        var cfg = scenarioConfig(blocks: 4)
        cfg.model.maxSeqLen = 1000
        let s = Scheduler(cfg)
        #expect(s.rejection(promptTokens: 64, outputTokens: 1) == nil)
        #expect(s.rejection(promptTokens: 64, outputTokens: 2) == .exceedsKVCache)
        #expect(s.rejection(promptTokens: 1000, outputTokens: 1) == .promptTooLong)
    }
}
