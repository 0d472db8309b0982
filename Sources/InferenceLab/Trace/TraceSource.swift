import InferenceLabCore

/// Replays a trace file as the simulator's ``RequestSource``, streaming it with a
/// ``TraceReader`` one request ahead.
///
/// - A trace whose first arrival is at or after ``rebaseThreshold`` (2²⁴ s, 194 days: Unix
///   timestamps, say) is rebased to start at t = 0: the first arrival is subtracted from every
///   arrival time, so that times keep their precision (a clock at 1e308 s leaves no digits
///   for the steps' milliseconds). Event-log times and `duration_secs` then count from the
///   first arrival. An earlier start is kept as it is, so that a generated trace (whose first
///   arrival is one sampled gap) replays exactly as the synthetic workload runs.
/// - `timeScale` multiplies every arrival time, hence every inter-arrival gap: 2 stretches the
///   trace to twice its length (half the request rate), 0.5 replays it at twice the rate. The
///   lengths, ids and prefix hashes are unchanged.
/// - `maxRequests` stops after that many requests (skipped lines do not count).
/// - `durationSecs` stops before the first request arriving after that (scaled) time.
///
/// The core has no error channel: when the reader fails (a bad line without
/// `skipInvalid`, a truncated gzip stream), the source stops yielding requests, as if the
/// trace ended there, and keeps the error in ``error``. Check it after the run, and treat the
/// run as failed (the command-line tool aborts the event log and exits with status 2). A trace
/// without any request is such an error too. A read ended by a stop signal (``StopRequest``)
/// ends the source without an error.
public struct TraceSource: RequestSource {
    /// The multiplier applied to arrival times.
    public let timeScale: Double
    /// The most requests to replay (nil: all).
    public let maxRequests: Int?
    /// No arrivals after this many (scaled) seconds (nil: no limit).
    public let durationSecs: Double?
    /// The first error the reader hit; the source stopped there.
    public private(set) var error: InputError?
    /// Requests handed to the simulator so far.
    public private(set) var yielded = 0

    private var reader: TraceReader
    private var pending: RequestSpec?
    /// What is subtracted from every arrival time: the first one when it is at or after
    /// ``rebaseThreshold``, else 0; nil before the first request.
    private var origin: Double?

    /// First arrivals at or after this many seconds are rebased to 0 (2²⁴ s: below it a
    /// double still resolves 4 ns).
    public static let rebaseThreshold = 16_777_216.0
    private var done = false

    /// Replays the requests of `reader`.
    /// - Precondition: `timeScale` is finite and positive.
    public init(reader: TraceReader, timeScale: Double = 1, maxRequests: Int? = nil, durationSecs: Double? = nil) {
        precondition(timeScale > 0 && timeScale.isFinite, "timeScale must be finite and positive")
        self.reader = reader
        self.timeScale = timeScale
        self.maxRequests = maxRequests
        self.durationSecs = durationSecs
    }

    /// Opens the trace at `path` (`-` for standard input).
    /// - Throws: ``InputError`` when the file cannot be opened, or for a `timeScale` that is
    ///   not a positive finite number.
    public init(path: String, timeScale: Double = 1, maxRequests: Int? = nil, durationSecs: Double? = nil,
                skipInvalid: Bool = false) throws(InputError) {
        guard timeScale > 0 && timeScale.isFinite else {
            throw InputError(file: path, field: "time_scale", "must be a positive number, got \(timeScale)")
        }
        let reader = try TraceReader(path: path, skipInvalid: skipInvalid)
        self.init(reader: reader, timeScale: timeScale, maxRequests: maxRequests, durationSecs: durationSecs)
    }

    /// The trace's name for messages.
    public var name: String { reader.name }
    /// Lines skipped as invalid so far.
    public var skipped: SkippedLines { reader.skipped }

    public mutating func peekArrivalTime() -> Double? {
        if pending == nil && !done { fetch() }
        return pending?.arrivalTime
    }

    public mutating func next() -> RequestSpec {
        if pending == nil && !done { fetch() }
        guard let spec = pending else { preconditionFailure("next() called when no request is pending") }
        pending = nil
        yielded += 1
        return spec
    }

    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {}

    public var isExhausted: Bool { done && pending == nil }

    private mutating func fetch() {
        if let maxRequests, yielded >= maxRequests { return finish() }
        do {
            guard var spec = try reader.next() else {
                // Replaying nothing would report an empty run as if it were a result.
                if yielded == 0 { error = Self.noRequests(reader) }
                return finish()
            }
            let first = origin ?? (spec.arrivalTime >= Self.rebaseThreshold ? spec.arrivalTime : 0)
            origin = first
            spec.arrivalTime -= first
            if timeScale != 1 {
                spec.arrivalTime *= timeScale
                guard spec.arrivalTime.isFinite else {
                    error = InputError(file: reader.name, field: "arrival_time",
                                       "request \"\(spec.id)\": arrival time × time scale \(timeScale) is not finite")
                    return finish()
                }
            }
            if let durationSecs, spec.arrivalTime > durationSecs { return finish() }
            pending = spec
        } catch {
            // A stop signal ended the read: no error, the run stops as interrupted.
            if !error.isInterruption { self.error = error }
            finish()
        }
    }

    /// The error for a trace without a single request.
    public static func noRequests(_ reader: TraceReader) -> InputError {
        let skipped = reader.skipped.count
        return InputError(file: reader.name, skipped > 0
            ? "no valid requests (all \(skipped) non-blank lines were skipped as invalid)"
            : "no requests (the trace is empty or has only blank lines)")
    }

    private mutating func finish() {
        done = true
        reader.close()
    }
}
