import InferenceLabCore

/// The warmup of a benchmark run (`[workload] warmup_trace`, `simulate --warmup-trace`): a
/// trace read whole before the run and replayed first by a ``WarmupRequestSource``.
public enum WarmupTrace {
    /// Reads the trace at `path` (native JSONL, gzip or plain; `-` for standard input),
    /// rebased so that its first request arrives at t = 0, every request flagged
    /// ``RequestSpec/warmup``. An empty trace gives no requests (no warmup).
    /// - Throws: ``InputError`` naming the file (and the line and field of a bad line) when
    ///   the file cannot be opened or read, or a line is invalid.
    public static func load(path: String) throws(InputError) -> [RequestSpec] {
        var reader = try TraceReader(path: path)
        defer { reader.close() }
        var specs: [RequestSpec] = []
        while var spec = try reader.next() {
            spec.warmup = true
            specs.append(spec)
        }
        if let origin = specs.first?.arrivalTime, origin != 0 {
            for i in specs.indices { specs[i].arrivalTime -= origin }
        }
        return specs
    }
}
