#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import InferenceLab

/// Exit statuses shared by the command-line tools (README, "Errors and exit codes").
enum ExitStatus {
    /// Bad input or usage: a config, trace or event log that cannot be used.
    static let badInput = ExitCode(2)
    /// A write failed (disk full, broken pipe) or the run could not finish.
    static let failure = ExitCode(1)
    /// The run could not finish: a request that can never be scheduled.
    static let deadlock = ExitCode(3)
}

/// Writes text to a file descriptor without buffering (1 = stdout, 2 = stderr).
func writeText(_ text: String, fd: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    writeText(text.hasSuffix("\n") ? text : text + "\n", fd: 2)
}

/// Runs `body`, turning the library's typed errors into a message and an exit status.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as InputError {
        printError("error: \(error)")
        throw ExitStatus.badInput
    } catch let error as OutputError {
        printError("error: \(error)")
        throw ExitStatus.failure
    } catch let error as ConfigIssue {
        printError("error: \(error)")
        throw ExitStatus.badInput
    }
}

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
