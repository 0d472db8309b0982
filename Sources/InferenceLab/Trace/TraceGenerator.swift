import InferenceLabCore

/// Freezes a synthetic workload as a trace file, so that it can be replayed, shared or edited.
///
/// The requests are exactly those ``SyntheticSource`` gives the simulator for the same config
/// and seed: the same arrival times (written in shortest round-trip form, so they read back
/// bit for bit), lengths and order. No `request_id` is written: a trace line's default id is
/// its 0-based line index, which is the id the generator gives. So simulating the config and
/// replaying its trace with the same config give the same event log and summary.
///
/// Sessions (`arrival_pattern = "sessions"`) send a turn only after the previous one finished,
/// so the generator simulates the config to learn when: each line holds the time the turn was
/// sent in that run (its predecessor's finish as the client saw it, plus the think time),
/// with its `session_id`, `turn` and `prefix_hashes`. A replay under the same config
/// reproduces the run; under another config the turns keep those send times (open loop),
/// whatever the new config's finish times are.
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

    /// Writes the requests of `workload` under an otherwise default config (see
    /// ``write(config:to:)``).
    @discardableResult
    public static func write(_ workload: WorkloadConfig, to path: String) throws -> Int {
        var config = SimulatorConfig.default
        config.workload = workload
        return try write(config: config, to: path)
    }

    /// Writes the requests of `config`'s workload to `path` (gzip when it ends in `.gz`, `-`
    /// for standard output); the file appears only when complete. Sessions are simulated
    /// under `config` to learn their turns' send times.
    /// - Returns: the number of requests written.
    /// - Throws: ``InputError`` for a workload that cannot be frozen (see ``refusal(for:)``)
    ///   or an output that cannot be created; ``ConfigIssue`` for an invalid config, or when an
    ///   arrival time or a step's end is not finite (nothing is written then);
    ///   ``OutputError`` when writing fails.
    @discardableResult
    public static func write(config: SimulatorConfig, to path: String) throws -> Int {
        let workload = config.workload
        if let reason = refusal(for: workload) {
            throw InputError(file: path, field: "workload.arrival_pattern", reason)
        }
        let writer = try TraceWriter(path: path)
        do {
            if workload.arrivalPattern == .sessions {
                try writeSimulated(config, to: writer)
            } else {
                var source = SyntheticSource(config)
                while source.peekArrivalTime() != nil {
                    try append(source.next(), to: writer, config)
                }
            }
            try writer.commit()
        } catch {
            writer.abort()
            throw error
        }
        return writer.count
    }

    /// Runs `config` and writes every request the run sends, in the order it sends them.
    private static func writeSimulated(_ config: SimulatorConfig, to writer: TraceWriter) throws {
        let sent = SentRequests(writer: writer, config: config)
        var sim = try Simulator(config: config, source: ObservedRequestSource(SyntheticSource(config), observer: sent))
        var sink = NullSink()
        while sim.advance(into: &sink) {
            if sent.error != nil { break }
        }
        if let error = sent.error { throw error }
        if let error = sim.error { throw error }
    }

    fileprivate static func append(_ spec: RequestSpec, to writer: TraceWriter, _ config: SimulatorConfig) throws {
        guard spec.arrivalTime.isFinite else {
            throw ConfigIssue.nonFiniteArrival(config, request: writer.count + 1, time: spec.arrivalTime)
        }
        try writer.append(arrivalTime: spec.arrivalTime, promptTokens: spec.promptTokens,
                          outputTokens: spec.outputTokens, priority: spec.priority,
                          prefixHashes: spec.prefixHashes,
                          sessionID: spec.sessionKey.map { Int(truncatingIfNeeded: $0) }, turn: spec.turn)
    }
}

/// Where the run's requests are written (an ``ObservedRequestSource``'s observer): the trace,
/// and the first error (the core's sources have no error channel).
private final class SentRequests: RequestObserver {
    let writer: TraceWriter
    let config: SimulatorConfig
    var error: (any Error)?

    init(writer: TraceWriter, config: SimulatorConfig) {
        self.writer = writer
        self.config = config
    }

    func observe(_ spec: RequestSpec) {
        guard error == nil else { return }
        do { try TraceGenerator.append(spec, to: writer, config) } catch { self.error = error }
    }
}
