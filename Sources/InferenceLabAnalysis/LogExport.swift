/// `export`: an event log as CSV tables, streamed in one pass.
///
/// - requests: one row per request, in the order requests leave the log (finished or
///   rejected; then, for an incomplete log, those still live, as `unfinished`):
///   `id, arrival, first_token, finish, ttft_ms, tpot_ms, e2e_ms, queue_ms, prompt_tokens,
///   output_tokens, preemptions, cached_tokens, status, reason`. Times are simulated seconds
///   in full precision; an empty cell is a time never reached or a TPOT a one-token request
///   does not have.
/// - steps: one row per step record: `step, t, dt, batch_size, prefill_tokens,
///   decode_tokens, running, waiting, kv_blocks_used, kv_blocks_total, flops, bytes,
///   preempted, finished` (the last two are counts of ids).
///
/// A fleet's log (schema 2) puts a `replica` column first in both tables: the replica the
/// request ran on (per phase in a disaggregated fleet) and the replica that ran the step.
public enum LogExport {
    public static let requestColumns = [
        "id", "arrival", "first_token", "finish", "ttft_ms", "tpot_ms", "e2e_ms", "queue_ms", "prompt_tokens",
        "output_tokens", "preemptions", "cached_tokens", "status", "reason",
    ]
    public static let stepColumns = [
        "step", "t", "dt", "batch_size", "prefill_tokens", "decode_tokens", "running", "waiting", "kv_blocks_used",
        "kv_blocks_total", "flops", "bytes", "preempted", "finished",
    ]

    /// Row counts of an export.
    public struct Counts: Sendable, Equatable {
        public var requests = 0
        public var steps = 0
        /// The log's end record (nil for an incomplete log read with `allowIncomplete`).
        public var end: EventLogEnd?
    }

    /// Reads the log at `path` and writes the CSV files (atomically: nothing appears under
    /// their names unless the whole log was read and written).
    /// - Throws: ``InputError`` for a bad log or an output that cannot be created;
    ///   ``OutputError`` for a failed write.
    @discardableResult
    public static func run(path: String, requestsPath: String, stepsPath: String?,
                           allowIncomplete: Bool = false) throws -> Counts {
        let reader = try EventLogReader(path: path, allowIncomplete: allowIncomplete)
        let fleet = reader.isFleet
        let replicaColumn = fleet ? ["replica"] : []
        let requests = try CSVWriter(output: try OutputFile(path: requestsPath), header: replicaColumn + requestColumns)
        var steps: CSVWriter?
        do {
            if let stepsPath {
                steps = try CSVWriter(output: try OutputFile(path: stepsPath), header: replicaColumn + stepColumns)
            }
            var tracker = RequestTracker()
            var counts = Counts()
            while let event = try reader.next() {
                if let outcome = tracker.consume(event) {
                    if fleet { requests.int(reader.replica) }
                    try row(outcome, requests)
                    counts.requests += 1
                }
                if let steps, case .step(let r) = event {
                    if fleet { steps.int(reader.replica) }
                    try row(r, steps)
                    counts.steps += 1
                }
            }
            for (outcome, slot) in zip(tracker.unfinished(), tracker.unfinishedSlots()) {
                if fleet { requests.int(reader.replica(of: slot)) }
                try row(outcome, requests)
                counts.requests += 1
            }
            counts.end = reader.end
            try requests.commit()
            try steps?.commit()
            return counts
        } catch {
            requests.abort()
            steps?.abort()
            throw error
        }
    }

    static func row(_ r: RequestOutcome, _ csv: CSVWriter) throws(OutputError) {
        csv.text(r.id)
        csv.number(r.arrival)
        csv.number(r.firstToken)
        csv.number(r.finish)
        csv.number(r.ttft * 1000)
        csv.number(r.tpot * 1000)
        csv.number(r.e2e * 1000)
        csv.number(r.queue * 1000)
        csv.int(r.promptTokens)
        csv.int(r.outputTokens)
        csv.int(r.preemptions)
        csv.int(r.cachedTokens)
        csv.text(r.status.name)
        if case .rejected(let reason) = r.status { csv.text(reason.rawValue) } else { csv.empty() }
        try csv.endRow()
    }

    static func row(_ r: StepRecord, _ csv: CSVWriter) throws(OutputError) {
        csv.int(r.step)
        csv.number(r.time)
        csv.number(r.duration)
        csv.int(r.batchSlots.count)
        csv.int(r.prefillTokens)
        csv.int(r.decodeTokens)
        csv.int(r.running)
        csv.int(r.waiting)
        csv.int(r.kvBlocksUsed)
        csv.int(r.kvBlocksTotal)
        csv.number(r.flops)
        csv.number(r.bytes)
        csv.int(r.preemptedSlots.count)
        csv.int(r.finishedSlots.count)
        try csv.endRow()
    }
}
