/// Replays a warmup before the measured requests, as benchmark runs against a server that
/// earlier runs have already warmed (docs/fidelity.md, "Benchmark state").
///
/// The warmup's requests come first, at their own arrival times, flagged
/// ``RequestSpec/warmup``. Once every one of them has left (finished, rejected or timed out:
/// the server has drained) at time D, the measured source's requests follow at their own
/// times plus D; completions of measured requests reach the measured source at their time
/// less D, so a closed-loop source runs in its own time line. The server's state (prefix
/// cache, free-block order) carries over from the warmup: that is the point. The simulator
/// marks the boundary with a `warmupEnded` event, where the metrics start afresh.
///
/// An empty warmup leaves the measured source unchanged (D = 0, no event).
public struct WarmupRequestSource<Warmup: RequestSource, Measured: RequestSource>: RequestSource {
    /// The warmup's requests (yielded first).
    public private(set) var warmup: Warmup
    /// The measured requests.
    public private(set) var measured: Measured
    /// Warmup requests handed out and not yet completed.
    public private(set) var outstanding = 0
    /// When the warmup drained (the measured requests' time origin); nil before.
    public private(set) var drainTime: Double?
    private var lastWarmupCompletion = 0.0
    /// The latest measured completion, in run time and in the measured source's time.
    private var lastCompletion = -Double.infinity
    private var lastCompletionLocal = -Double.infinity

    public init(warmup: Warmup, measured: Measured) {
        self.warmup = warmup
        self.measured = measured
    }

    /// Whether the measured window has started (the warmup is exhausted and has drained).
    private mutating func measuring() -> Bool {
        if drainTime != nil { return true }
        guard warmup.isExhausted && outstanding == 0 else { return false }
        drainTime = lastWarmupCompletion
        return true
    }

    public mutating func peekArrivalTime() -> Double? {
        if let next = warmup.peekArrivalTime() { return next }
        guard measuring(), let origin = drainTime, let next = measured.peekArrivalTime() else { return nil }
        return runTime(next, origin: origin)
    }

    /// A measured time `local` in run time: `local + origin`, but never before a completion
    /// that came at or before it in the measured source's time line (a closed-loop user's next
    /// request must not precede, by a rounding error, the finish that released it).
    private func runTime(_ local: Double, origin: Double) -> Double {
        let t = local + origin
        return local >= lastCompletionLocal && t < lastCompletion ? lastCompletion : t
    }

    public mutating func next() -> RequestSpec {
        if warmup.peekArrivalTime() != nil {
            var spec = warmup.next()
            spec.warmup = true
            outstanding += 1
            return spec
        }
        guard measuring(), let origin = drainTime else { preconditionFailure("next() called when no request is pending") }
        var spec = measured.next()
        spec.arrivalTime = runTime(spec.arrivalTime, origin: origin)
        return spec
    }

    public mutating func requestCompleted(sessionKey: UInt64?, finished: Bool, at t: Double) {
        if let origin = drainTime {
            lastCompletion = t
            lastCompletionLocal = t - origin
            measured.requestCompleted(sessionKey: sessionKey, finished: finished, at: t - origin)
        } else {
            outstanding -= 1
            if t > lastWarmupCompletion { lastWarmupCompletion = t }
        }
    }

    public var isExhausted: Bool { warmup.isExhausted && outstanding == 0 && measured.isExhausted }
}
