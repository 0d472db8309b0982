#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import InferenceLabAnalysis

/// Exit statuses (the same as the simulator's).
enum ExitStatus {
    /// Bad input or usage: an event log that cannot be used, a bad option.
    static let badInput = ExitCode(2)
    /// A write failed, or (for `diff --fail-if`) a condition holds.
    static let failure = ExitCode(1)
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
    }
}

/// Warns on standard error about a log that did not end normally.
func warnIfUnfinished(name: String, end: EventLogEnd?) {
    guard let end else {
        printError("warning: \(name): no end record (incomplete log); the results cover the events read")
        return
    }
    if end.status != .complete {
        printError("warning: \(name): the run ended with status '\(end.status.rawValue)'")
    }
}

/// Options every subcommand takes.
struct LogOptions: ParsableArguments {
    @Flag(name: .customLong("allow-incomplete"), help: "Accept a log without an end record (a run that was killed).")
    var allowIncomplete = false
}

/// Ends the process with `status` (the C library's `exit`).
func terminate(_ status: Int32) -> Never { exit(status) }
