import Testing
@testable import InferenceLabCore

// Benchmark state: client timeouts (`request_timeout`, vLLM's abort path, docs/scheduler.md
// §7.4) and a warmup replayed before the measured window (`WarmupRequestSource`).
//
// The hand-worked cases use a linear step time of exactly 0.25 s per step (a power of two, so
// every step boundary k · 0.25 is exact) and 16-token blocks.

/// Runs `source` and returns the decoded events, the summary and the simulator at its end.
private func run<S: RequestSource>(_ config: SimulatorConfig, _ source: S)
    throws -> (result: RunResult, summary: Summary, sim: Simulator<S>) {
    var sim = try Simulator(config: config, source: source)
    var sink = TeeSink(RecordingSink(), MetricsReducer(config: config))
    let status = sim.run(into: &sink)
    var result = decode(sink.a.events, status: status)
    result.kvBlocksUsedAtEnd = sim.scheduler.kvBlocksUsed
    result.waitingAtEnd = sim.scheduler.waitingCount
    result.runningAtEnd = sim.scheduler.runningCount
    return (result, sink.b.summary(), sim)
}

private func timeoutConfig(_ timeout: Double?, async: Bool = false, maxSeqs: Int = 256,
                           chunked: Bool = true, budget: Int = 8192) -> SimulatorConfig {
    var c = scenarioConfig(budget: budget, maxSeqs: maxSeqs, chunked: chunked, async: async, base: 0.25)
    c.workload.requestTimeout = timeout
    return c
}

@Suite struct RequestTimeoutTests {

    /// A: prompt 32, 100 outputs, sent at 0, timeout 1.1 s. Steps end at 0.25, 0.5, 0.75, 1.0,
    /// 1.25: step 1 prefills the 32 tokens (first token at 0.25), steps 2–5 decode one token
    /// each. The boundary at 1.0 is before the deadline 1.1; the one at 1.25 is the first at
    /// or after it, so A is aborted there with 5 tokens out and 32 + 4 = 36 tokens of KV in
    /// ⌈36/16⌉ = 3 blocks, all freed. B (prompt 40 = A's two prompt blocks + 8 tokens) arrives
    /// at 2.0 and finds A's two completed blocks in the prefix cache: 32 tokens.
    @Test func runningRequestIsAbortedAtTheFirstBoundaryAfterItsDeadline() throws {
        let out = try run(timeoutConfig(1.1), ArrayRequestSource([
            req("A", at: 0, prompt: 32, out: 100, prefix: [1, 2]),
            req("B", at: 2.0, prompt: 40, out: 2, prefix: [1, 2, 3]),
        ]))
        let r = out.result
        #expect(r.status == .complete)
        #expect(r.timedOut == ["A": 1.25])
        #expect(r.finish["A"] == nil && r.finishCount["A"] == nil)
        #expect(r.firstToken["A"] == 0.25)
        // Steps 1–5 are A's; then B: step 6 at 2.0 prefills 40 − 32 = 8 tokens, step 7 decodes.
        #expect(r.batches == ["[A:32]", "[A:1]", "[A:1]", "[A:1]", "[A:1]", "[B:8]", "[B:1] fin[B]"])
        #expect(r.steps[4].kvBlocksUsed == 3, "A holds 3 blocks before the abort")
        #expect(r.steps[5].time == 2.0)
        #expect(r.trace.firstIndex(of: "timed_out A")! < r.trace.firstIndex(of: "arrival B")!)
        #expect(r.cacheHits.map { "\($0.id):\($0.tokens)" } == ["B:32"])
        #expect(r.kvBlocksUsedAtEnd == 0 && r.runningAtEnd == 0 && r.waitingAtEnd == 0)
        #expect(out.sim.timedOutCount == 1 && out.sim.finishedCount == 1 && out.sim.arrivedCount == 2)

        let s = out.summary
        #expect(s.timedOut == 1 && s.completed == 1 && s.arrived == 2 && s.rejected == 0)
        // Latencies are B's alone: TTFT 2.25 − 2.0, E2E 2.5 − 2.0, queue 0.
        #expect(s.ttft.count == 1 && s.ttft.mean == 250)
        #expect(s.e2e.count == 1 && s.e2e.mean == 500)
        #expect(s.tpot.count == 1 && s.queue.count == 1)
        // ITL keeps A's four gaps (pooled per step) and B's one: all 0.25 s.
        #expect(s.itl.count == 5 && s.itl.mean == 250)
        #expect(s.totalOutputTokens == 2 && s.totalInputTokens == 40)
    }

    /// With `max_num_seqs` = 1, A (prompt 32, 3 outputs) runs steps 1–3 and finishes at 0.75;
    /// B, sent at 0 too, waits the whole time. Both deadlines are 0.6. At the boundary 0.5 no
    /// deadline has passed; at 0.75 step 3's output is processed first (A finishes, as vLLM
    /// processes a step's output before the aborts that arrived meanwhile), then B, still
    /// waiting and never scheduled, is aborted.
    @Test func waitingRequestTimesOutWithoutEverBeingScheduled() throws {
        let out = try run(timeoutConfig(0.6, maxSeqs: 1), ArrayRequestSource([
            req("A", at: 0, prompt: 32, out: 3), req("B", at: 0, prompt: 32, out: 3),
        ]))
        let r = out.result
        #expect(r.status == .complete)
        #expect(r.batches == ["[A:32]", "[A:1]", "[A:1] fin[A]"])
        #expect(r.finish["A"] == 0.75)
        #expect(r.timedOut == ["B": 0.75])
        #expect(r.scheduledTokens("B") == 0)
        #expect(r.kvBlocksUsedAtEnd == 0 && r.waitingAtEnd == 0)
        #expect(out.summary.completed == 1 && out.summary.timedOut == 1 && out.summary.queue.count == 1)
    }

    /// The deadline queue: earliest first (ties in serial order), `popDue` only up to the
    /// given time, and entries of finished requests dropped from the front.
    @Test func deadlineQueueOrder() throws {
        var q = DeadlineQueue()
        #expect(q.earliest == nil && q.popDue(upTo: .infinity) == nil)
        q.insert(time: 2.0, slot: 0, serial: 5)
        q.insert(time: 1.0, slot: 1, serial: 7)
        q.insert(time: 1.0, slot: 2, serial: 6)
        #expect(q.earliest == 1.0)
        #expect(q.popDue(upTo: 0.5) == nil)
        #expect(q.popDue(upTo: 1.0).map { [$0.slot, RequestSlot($0.serial)] } == [2, 6])
        #expect(q.popDue(upTo: 1.0).map { [$0.slot, RequestSlot($0.serial)] } == [1, 7])
        #expect(q.popDue(upTo: 1.999) == nil)
        // Slot 0 of a scheduler that has no such request: dropped as finished.
        let scheduler = Scheduler(timeoutConfig(1))
        q.dropFinished(scheduler)
        #expect(q.earliest == nil)
    }

    /// Async scheduling: step k + 1 is in flight while step k's output is processed. A's
    /// steps 1–5 end at 0.25 … 1.25 (first token at 0.25, one token per step). Step 6
    /// (1.25–1.5) was scheduled, naming A, before step 5's output was processed at 1.25; A is
    /// aborted at that boundary, so step 6 lists A in its batch and in `no_token`, and A's slot
    /// is released only after step 6 has been processed. No step after 6.
    @Test func asyncStepInFlightProducesNoTokenForTheAbortedRequest() throws {
        let out = try run(timeoutConfig(1.1, async: true), ArrayRequestSource([
            req("A", at: 0, prompt: 32, out: 100),
        ]))
        let r = out.result
        #expect(r.status == .complete)
        #expect(r.timedOut == ["A": 1.25])
        #expect(r.batches == ["[A:32]", "[A:1]", "[A:1]", "[A:1]", "[A:1]", "[A:1]"])
        #expect(r.steps[5].noToken == ["A"] && r.steps[5].time == 1.25)
        #expect(r.trace.suffix(2) == ["timed_out A", "step 6"])
        #expect(r.kvBlocksUsedAtEnd == 0)
        let s = out.summary
        #expect(s.timedOut == 1 && s.completed == 0 && s.ttft.count == 0 && s.e2e.count == 0)
        #expect(s.itl.count == 4, "the gaps of tokens 2–5; step 6 produced none")
    }

    /// A timeout long enough never to fire changes nothing: same events, same summary.
    @Test func unusedTimeoutChangesNothing() throws {
        let requests = (0..<20).map { i in req("r\(i)", at: Double(i) * 0.1, prompt: 20 + 7 * i, out: 1 + i % 5, prefix: [UInt64(i % 3)]) }
        let plain = try run(timeoutConfig(nil, async: true), ArrayRequestSource(requests))
        let timed = try run(timeoutConfig(1e6, async: true), ArrayRequestSource(requests))
        #expect(plain.result.trace == timed.result.trace)
        #expect(plain.result.batches == timed.result.batches)
        #expect(plain.summary == timed.summary)
        #expect(timed.summary.timedOut == 0)
    }

    /// Random configs with timeouts: every request ends exactly once (finished, rejected or
    /// timed out), blocks in use equal blocks held after every iteration and none are left at
    /// the end, event times never go back, and a timed-out request produces nothing after it.
    @Test(arguments: 0..<40)
    func invariantsHoldWithRandomTimeouts(seed: Int) throws {
        var rng = Xoshiro256(seed: UInt64(seed) &* 104_729 &+ 3)
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        func coin(_ p: Double = 0.5) -> Bool { rng.nextUnit() < p }
        let blocks = [8, 16, 40, 100][pick(0...3)]
        let maxSeqLen = min(blocks * 16, 400)
        var config = scenarioConfig(
            blocks: blocks, budget: [32, 128, 512][pick(0...2)], maxSeqs: [1, 2, 4, 16][pick(0...3)],
            policy: coin() ? .fcfs : .priority, chunked: true, threshold: [0, 16][pick(0...1)],
            caching: coin(), async: coin(), maxSeqLen: maxSeqLen, base: 0.005)
        config.compute.perTokenSeconds = coin() ? 1e-5 : 0
        config.workload.requestTimeout = [0.001, 0.02, 0.05, 0.2, 1.0][pick(0...4)]
        var t = 0.0
        let requests = (0..<pick(10...60)).map { i -> RequestSpec in
            if coin(0.7) { t += rng.nextExponential(rate: 100) }
            let prompt = pick(1...min(300, maxSeqLen + 20))
            let out = pick(1...40)
            let prefix = coin() ? Array([UInt64](arrayLiteral: 7, 8, 9, 10).prefix(prompt / 16)) : []
            return RequestSpec(id: "r\(i)", arrivalTime: t, promptTokens: prompt, outputTokens: out,
                               priority: pick(0...2), prefixHashes: prefix)
        }
        let what = "seed \(seed): \(config.scheduler.asyncScheduling ? "async" : "sync") blocks \(blocks) timeout \(config.workload.requestTimeout!)"

        var sim = try Simulator(config: config, source: ArrayRequestSource(requests))
        var sink = TeeSink(RecordingSink(), MetricsReducer(config: config))
        while sim.advance(into: &sink) {
            let issues = sim.scheduler.invariantViolations(lastBatch: nil)
            #expect(issues.isEmpty, "\(what): \(issues)")
            if !issues.isEmpty { return }
        }
        #expect(sim.status == .complete, "\(what)")
        #expect(sim.scheduler.kvBlocksUsed == 0, "\(what): blocks leaked")
        #expect(sim.finishedCount + sim.rejectedCount + sim.timedOutCount == sim.arrivedCount, "\(what)")
        #expect(sim.arrivedCount == requests.count)

        var ended: [String: String] = [:]
        var idOf: [RequestSlot: String] = [:]
        var gone = Set<String>()          // timed out; may appear in the next step only
        var graceStep: [String: Int] = [:]
        var abortStep: [String: Int] = [:]    // the last step processed when it timed out
        var lastStep = 0
        var last = -Double.infinity
        var finishes = 0
        func leave(_ id: String, _ how: String) {
            #expect(ended[id] == nil, "\(what): \(id) ends twice (\(ended[id] ?? "") and \(how))")
            ended[id] = how
        }
        for event in sink.a.events {
            let time: Double
            switch event {
            case .arrival(let a): idOf[a.slot] = a.id; time = a.time
            case .rejected(let t, _, let id, _): leave(id, "rejected"); time = t
            case .cacheHit(let t, let step, let slot, _, _), .preempted(let t, let step, let slot):
                // A step scheduled before the abort reports its preemptions and hits with its
                // output, after the abort: only that step may name a timed-out request.
                if let at = abortStep[idOf[slot]!] { #expect(step == at + 1, "\(what)") }
                time = t
            case .step(let r):
                time = r.time
                lastStep = r.step
                let noToken = Set(r.noTokenSlots.map { idOf[$0]! })
                for slot in r.batchSlots {
                    let id = idOf[slot]!
                    guard gone.contains(id) else { continue }
                    // Only the step in flight at the abort may name it, producing nothing.
                    #expect(graceStep[id] == nil && r.step == abortStep[id]! + 1 && noToken.contains(id), "\(what): \(id)")
                    graceStep[id] = r.step
                }
            case .firstToken(let t, _, let slot):
                #expect(!gone.contains(idOf[slot]!), "\(what)")
                time = t
            case .finished(let t, _, let slot, _):
                leave(idOf[slot]!, "finished"); time = t
                finishes += 1
            case .timedOut(let t, let slot):
                let id = idOf[slot]!
                leave(id, "timed out"); gone.insert(id); time = t
                abortStep[id] = lastStep
                let spec = requests.first { $0.id == id }!
                #expect(t >= spec.arrivalTime + config.workload.requestTimeout!, "\(what): \(id) aborted before its deadline")
            case .warmupEnded: Issue.record("no warmup here"); time = last
            }
            #expect(time >= last, "\(what): time went back from \(last) to \(time)")
            last = time
        }
        #expect(ended.count == requests.count, "\(what): \(requests.count - ended.count) requests never ended")
        let s = sink.b.summary()
        #expect(s.completed + s.rejected + s.timedOut == s.arrived, "\(what)")
        #expect(s.timedOut == sim.timedOutCount && s.completed == sim.finishedCount)
        #expect(s.ttft.count == s.completed && s.e2e.count == s.completed, "\(what): timed-out requests in latencies")
        #expect(finishes == s.completed)
    }
}

@Suite struct WarmupTests {

    /// Warmup W (prompt 64 = 4 blocks [1, 2, 3, 4], 2 outputs) at 0: step 1 0–0.25 prefills it,
    /// step 2 0.25–0.5 finishes it; the warmup drains at 0.5. The measured M (the same prompt,
    /// its own arrival 0) arrives at 0.5 + 0 and finds 3 blocks = 48 tokens in the cache
    /// (a hit leaves at least one token to compute: ⌊(64 − 1)/16⌋ = 3 blocks): step 3 prefills
    /// 16 tokens (first token at 0.75), step 4 finishes at 1.0. Without the warmup M misses.
    @Test func measuredRequestHitsThePrefixCacheTheWarmupFilled() throws {
        let config = timeoutConfig(nil)
        let warmup = ArrayRequestSource([req("W", at: 0, prompt: 64, out: 2, prefix: [1, 2, 3, 4])])
        let measured = ArrayRequestSource([req("M", at: 0, prompt: 64, out: 2, prefix: [1, 2, 3, 4])])
        let out = try run(config, WarmupRequestSource(warmup: warmup, measured: measured))
        let r = out.result
        #expect(r.status == .complete)
        #expect(r.batches == ["[W:64]", "[W:1] fin[W]", "[M:16]", "[M:1] fin[M]"])
        #expect(r.warmupEnd == 0.5)
        #expect(r.arrival["M"] == 0.5)
        #expect(r.trace.firstIndex(of: "warmup_end")! == r.trace.firstIndex(of: "arrival M")! - 1)
        #expect(r.cacheHits.map { "\($0.id):\($0.tokens)" } == ["M:48"])
        let s = out.summary
        // Only M counts: arrived 1, completed 1, 2 steps, TTFT 0.25 s, E2E 0.5 s, 48/64 hit.
        #expect(s.arrived == 1 && s.completed == 1 && s.steps == 2)
        #expect(s.ttft.mean == 250 && s.e2e.mean == 500 && s.duration == 0.5)
        #expect(s.prefixCacheHitTokens == 48 && s.prefixCacheHitRate == 0.75)
        #expect(s.totalInputTokens == 64 && s.totalOutputTokens == 2)

        let cold = try run(config, ArrayRequestSource([req("M", at: 0, prompt: 64, out: 2, prefix: [1, 2, 3, 4])]))
        #expect(cold.result.cacheHits.isEmpty && cold.summary.prefixCacheHitTokens == 0)
        #expect(cold.summary.ttft.mean == 250, "64 tokens in one 0.25 s step, as 16")
        #expect(cold.result.warmupEnd == nil)
    }

    /// The measured window opens only when every warmup request has left: W1 (0–0.5) and W2
    /// (sent at 0.3, prompt 32 and 4 outputs: steps 0.5–0.75 … 1.25–1.5 with max_num_seqs 1)
    /// drain at 1.5; the measured requests, at their own times 0 and 0.1, arrive at 1.5 and
    /// 1.6. Metrics: 2 completed of 2 arrived.
    @Test func measuredRequestsStartWhenTheWarmupHasDrained() throws {
        let config = timeoutConfig(nil, maxSeqs: 1)
        let warmup = ArrayRequestSource([req("W1", at: 0, prompt: 32, out: 2), req("W2", at: 0.3, prompt: 32, out: 4)])
        let measured = ArrayRequestSource([req("M1", at: 0, prompt: 16, out: 1), req("M2", at: 0.1, prompt: 16, out: 1)])
        let out = try run(config, WarmupRequestSource(warmup: warmup, measured: measured))
        #expect(out.result.finish["W2"] == 1.5)
        #expect(out.result.warmupEnd == 1.5)
        #expect(out.result.arrival["M1"] == 1.5 && out.result.arrival["M2"] == 1.6)
        #expect(out.summary.arrived == 2 && out.summary.completed == 2)
        #expect(out.sim.arrivedCount == 4, "the simulator itself counts every request")
    }

    /// A closed-loop measured workload runs in its own time line after the drain: 2 users, no
    /// think time, 6 requests: measured completions reach it shifted back by the drain time,
    /// and no event goes back in time.
    @Test func closedLoopMeasuredWorkloadAfterWarmup() throws {
        var config = timeoutConfig(nil)
        config.workload = WorkloadConfig(arrivalPattern: .closedLoop, numRequests: 6, numConcurrentUsers: 2,
                                         inputLengths: .fixed(20), outputLengths: .fixed(3))
        let warmup = ArrayRequestSource([req("W", at: 0, prompt: 32, out: 2)])
        let out = try run(config, WarmupRequestSource(warmup: warmup, measured: SyntheticSource(config.workload)))
        #expect(out.result.status == .complete)
        #expect(out.summary.completed == 6 && out.summary.arrived == 6)
        #expect(out.result.warmupEnd == 0.5)
        let firstMeasured = out.result.arrival.filter { $0.key != "W" }.values.min()
        #expect(firstMeasured == 0.5)
    }

    /// An empty warmup is no warmup: the same events and summary as the measured source alone.
    @Test func emptyWarmupChangesNothing() throws {
        let config = timeoutConfig(nil)
        let requests = [req("A", at: 0.2, prompt: 40, out: 3), req("B", at: 0.3, prompt: 20, out: 2)]
        let plain = try run(config, ArrayRequestSource(requests))
        let wrapped = try run(config, WarmupRequestSource(warmup: ArrayRequestSource([]), measured: ArrayRequestSource(requests)))
        #expect(plain.result.trace == wrapped.result.trace && plain.result.batches == wrapped.result.batches)
        #expect(plain.summary == wrapped.summary)
    }

    /// A warmup request that times out still drains the warmup (it has left).
    @Test func warmupDrainsThroughTimeouts() throws {
        let config = timeoutConfig(0.6)
        let warmup = ArrayRequestSource([req("W", at: 0, prompt: 32, out: 100)])
        let measured = ArrayRequestSource([req("M", at: 0, prompt: 32, out: 2)])
        let out = try run(config, WarmupRequestSource(warmup: warmup, measured: measured))
        // W is aborted at the boundary 0.75 (the first at or after 0.6); M arrives then.
        #expect(out.result.timedOut == ["W": 0.75])
        #expect(out.result.warmupEnd == 0.75 && out.result.arrival["M"] == 0.75)
        #expect(out.summary.timedOut == 0 && out.summary.completed == 1, "the warmup's timeout is not counted")
    }
}
