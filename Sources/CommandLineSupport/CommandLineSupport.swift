// What both command-line tools share: exit statuses, unbuffered output, and turning the
// library's typed errors into a message and an exit status.
import ArgumentParser
import InferenceLab

/// Exit statuses shared by `inference-lab` and `inference-lab-analyze` (docs/errors.md).
public enum ExitStatus {
    /// Bad input or usage: a config, trace or event log that cannot be used.
    public static let badInput = ExitCode(2)
    /// A write failed (disk full, broken pipe); `diff --fail-if`: a condition held.
    public static let failure = ExitCode(1)
    /// The run could not finish: a request that can never be scheduled.
    public static let deadlock = ExitCode(3)
}

/// Writes text to a file descriptor without buffering (2 = stderr; a command's output goes
/// through ``writeOutput(_:)``, which checks it).
/// - Returns: 0, or the `errno` of a write that failed (the rest of the text is dropped).
@discardableResult
public func writeText(_ text: String, fd: Int32) -> Int32 {
    var text = text
    return text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return n < 0 ? errno : EIO }
            offset += n
        }
        return 0
    }
}

/// Writes a command's output text to standard output.
/// - Throws: ``ExitStatus/failure``, after a message on standard error, when the write fails
///   (a full disk, a closed pipe): the output is incomplete.
public func writeOutput(_ text: String) throws {
    let code = writeText(text, fd: 1)
    guard code == 0 else {
        printError("error: <stdout>: write failed: \(String(cString: strerror(code)))")
        throw ExitStatus.failure
    }
}

/// Writes a line to standard error.
public func printError(_ text: String) {
    writeText(text.hasSuffix("\n") ? text : text + "\n", fd: 2)
}

/// Runs `body`, turning the library's typed errors into a message and an exit status.
public func reportingErrors<T>(_ body: () throws -> T) throws -> T {
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

extension ParsableCommand {
    /// Like ArgumentParser's `main()`, but a usage error exits with status 2 (as bad input
    /// does), not 64, and with the tools' ``SignalHandling``. Both tools' `main()` call this.
    /// So are a missing subcommand (a tool without a default one) and `help` with a name that
    /// is not a subcommand: ArgumentParser would print the help and exit with status 0.
    public static func mainReportingUsageErrorsAsBadInput() {
        SignalHandling.install()
        if let message = usageProblem(root: Self.self, Array(CommandLine.arguments.dropFirst())) {
            printError(message)
            exitWithUsageError()
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = fullMessage(for: error)
                printError(negativeValueProblem(Array(CommandLine.arguments.dropFirst()), parserMessage: message) ?? message)
                exitProcess(ExitStatus.badInput.rawValue)
            }
            exit(withError: error)
        }
    }

    private static func exitWithUsageError() -> Never {
        exitProcess(ExitStatus.badInput.rawValue)
    }
}

/// What ArgumentParser would answer with its help and status 0 but is a usage error: no
/// arguments for a tool without a default subcommand, or `help NAME` where NAME is not a
/// subcommand. Returns the message, or nil.
func usageProblem(root: ParsableCommand.Type, _ arguments: [String]) -> String? {
    let configuration = root.configuration
    let names = configuration.subcommands.map { $0._commandName }
    if arguments.isEmpty && configuration.defaultSubcommand == nil && !names.isEmpty {
        return root.helpMessage() + "\nerror: missing subcommand (one of: \(names.joined(separator: ", ")))"
    }
    guard arguments.first == "help" else { return nil }
    var current = root
    for name in arguments.dropFirst() where !name.hasPrefix("-") {
        let subcommands = current.configuration.subcommands
        guard let next = subcommands.first(where: { $0._commandName == name }) else {
            let known = subcommands.map { $0._commandName }.joined(separator: ", ")
            return "error: unknown subcommand '\(name)'" + (known.isEmpty ? "" : " (known: \(known))")
        }
        current = next
    }
    return nil
}

/// A negative number given to an option that takes a list (`steptime --batch -3`):
/// ArgumentParser reads `-3` as an option and answers "Missing value for '--batch <batch>'" or
/// "Unknown option '-3'", which hides the real mistake. Returns a message naming the option and
/// the value when `parserMessage` is one of those two about such an argument, else nil.
func negativeValueProblem(_ arguments: [String], parserMessage: String) -> String? {
    var option: String?
    for argument in arguments {
        if argument.hasPrefix("-"), argument.count > 1, Double(argument) != nil {
            guard let option else { return nil }
            let name = option.split(separator: "=").first.map(String.init) ?? option
            let missing = parserMessage.hasPrefix("Error: Missing value for '\(name) ")
            let unknown = parserMessage.hasPrefix("Error: Unknown option '\(argument)'")
            guard missing || unknown else { continue }
            return "error: \(name): expected a positive number, got \(argument)"
        }
        if argument.hasPrefix("--") { option = argument }
    }
    return nil
}
