import InferenceLabCore

/// Freezes a synthetic workload as a trace file, so that it can be replayed, shared or edited.
///
/// The requests are exactly those ``SyntheticSource`` gives the simulator for the same config
/// and seed: the same arrival times (written in shortest round-trip form, so they read back
/// bit for bit), lengths and order. No `request_id` is written: a trace line's default id is
/// its 0-based line index, which is the id the generator gives. So simulating the config and
/// replaying its trace with the same config give the same event log and summary.
public enum TraceGenerator {
    /// Why a workload cannot be written as a trace.
    public static func refusal(for workload: WorkloadConfig) -> String? {
        switch workload.arrivalPattern {
        case .closedLoop:
            return "a closed-loop workload cannot be frozen as a trace: its arrivals depend on when earlier requests finish, which only a simulation knows"
        case .trace:
            return "the workload already is a trace (\(workload.tracePath ?? "trace_path")); copy or convert that file instead"
        default:
            if workload.numRequests == nil && workload.durationSecs == nil {
                return "the workload has no end (set workload.num_requests or workload.duration_secs)"
            }
            return nil
        }
    }

    /// Writes the requests of `workload` to `path` (gzip when it ends in `.gz`, `-` for
    /// standard output); the file appears only when complete.
    /// - Returns: the number of requests written.
    /// - Throws: ``InputError`` for a workload that cannot be frozen (see ``refusal(for:)``)
    ///   or an output that cannot be created; ``ConfigIssue`` when an arrival time is not
    ///   finite (nothing is written then); ``OutputError`` when writing fails.
    @discardableResult
    public static func write(_ workload: WorkloadConfig, to path: String) throws -> Int {
        if let reason = refusal(for: workload) {
            throw InputError(file: path, field: "workload.arrival_pattern", reason)
        }
        let writer = try TraceWriter(path: path)
        do {
            var source = SyntheticSource(workload)
            while source.peekArrivalTime() != nil {
                let spec = source.next()
                guard spec.arrivalTime.isFinite else {
                    throw ConfigIssue.nonFiniteArrival(SimulatorConfig(workload: workload), request: writer.count + 1,
                                                       time: spec.arrivalTime)
                }
                try writer.append(arrivalTime: spec.arrivalTime, promptTokens: spec.promptTokens,
                                  outputTokens: spec.outputTokens, priority: spec.priority,
                                  prefixHashes: spec.prefixHashes)
            }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        return writer.count
    }
}
