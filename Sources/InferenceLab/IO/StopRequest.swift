import Synchronization

/// The signal (SIGINT, SIGTERM, SIGHUP) that asked a run to stop at its own pace, or 0.
private let requestedSignal = Atomic<Int32>(0)

/// A request to stop, made by a signal handler and seen by the input readers and the run loop.
///
/// The command-line tool's handler calls ``record(_:)``. From then on every read of an input
/// (``InputReader``, hence the trace and event-log readers) stops with an ``InputError`` whose
/// ``InputError/isInterruption`` is true instead of reading or waiting on: a stalled pipe or
/// FIFO no longer keeps the process from stopping. Reads wait for input in slices of
/// ``pollMilliseconds``, so that a request made while one is blocked, from any thread, is seen
/// within that time.
public enum StopRequest {
    /// How long a read waits for input before it looks at the request again.
    static let pollMilliseconds: Int32 = 100

    /// The signal recorded, or 0 when none was.
    public static var signal: Int32 { requestedSignal.load(ordering: .acquiring) }

    /// Whether a stop was requested.
    public static var isRequested: Bool { signal != 0 }

    /// Records a request to stop; the first signal recorded is kept. Async-signal-safe once
    /// ``prepare()`` has run.
    public static func record(_ signal: Int32) {
        _ = requestedSignal.compareExchange(expected: 0, desired: signal, ordering: .acquiringAndReleasing)
    }

    /// Initialises the flag, so that a signal handler does not do it (call before installing
    /// one).
    public static func prepare() { _ = signal }

    /// The error a read of `file` throws once a stop was requested.
    static func error(file: String) -> InputError {
        var error = InputError(file: file, "reading stopped by a signal")
        error.isInterruption = true
        return error
    }
}
