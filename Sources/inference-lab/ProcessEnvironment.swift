import ArgumentParser
import CommandLineSupport
import InferenceLab

/// Monotonic wall-clock seconds.
func wallSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Whether standard error is a terminal (progress lines go there only then).
var stderrIsTerminal: Bool { isatty(2) != 0 }

/// The stop signal received so far (SIGINT, SIGTERM or SIGHUP), or 0: the run loop looks at
/// it between steps once `simulate` chose ``SignalHandling/stopGracefully()``.
var stopSignal: Int32 { StopRequest.signal }
