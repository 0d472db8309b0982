#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

/// The signal that asked the run to stop (SIGINT or SIGTERM), or 0. Written only by the
/// signal handler, read by the run loop between steps.
nonisolated(unsafe) private var receivedStopSignal: sig_atomic_t = 0

/// Makes SIGINT and SIGTERM stop the simulation at the next step boundary instead of killing
/// the process, so that the event log is closed properly. SIGPIPE is ignored: a closed pipe
/// becomes a write error (exit 1) instead of a silent death.
func installStopSignalHandlers() {
    signal(SIGINT) { receivedStopSignal = $0 }
    signal(SIGTERM) { receivedStopSignal = $0 }
    signal(SIGPIPE, SIG_IGN)
    // A parent may have started us with these signals blocked (the mask is inherited).
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
}

/// The stop signal received so far, or 0.
var stopSignal: Int32 { Int32(receivedStopSignal) }
