import Foundation
import Testing

/// Stop signals reach a command that waits for input on a stalled FIFO, and every command
/// leaves no temporary output behind: `simulate` closes its event log with an `interrupted`
/// end record (exit status 128 + the signal), the others remove their unfinished outputs and
/// exit with the same status.
@Suite struct InputStallSignalTests {
    /// The write end of a FIFO, opened once the tool under test has opened the read end.
    final class FIFOWriter {
        let fd: Int32

        init(path: String) throws {
            let deadline = Date().addingTimeInterval(30)
            var fd: Int32 = -1
            // Non-blocking: fails (ENXIO) until a reader has the FIFO open, instead of hanging
            // the test when the tool never opens it.
            while fd < 0 && Date() < deadline {
                fd = open(path, O_WRONLY | O_NONBLOCK)
                if fd < 0 { Thread.sleep(forTimeInterval: 0.02) }
            }
            guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
            self.fd = fd
        }

        func write(_ bytes: [UInt8]) {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            #expect(n == bytes.count)
        }

        func write(_ text: String) { write(Array(text.utf8)) }

        deinit { close(fd) }
    }

    static func start(_ tool: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = Tool.binDirectory.appendingPathComponent(tool)
        process.arguments = arguments
        process.currentDirectoryURL = Tool.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits up to `seconds` for `condition`; returns whether it held.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    /// Sends `signal`, then waits up to `seconds` for the process to end (killing it after).
    /// Returns whether it ended in time.
    static func stop(_ process: Process, signal: Int32, within seconds: Double = 5) -> Bool {
        kill(process.processIdentifier, signal)
        let ended = waitUntil(seconds: seconds) { !process.isRunning }
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return ended
    }

    /// Whether a temporary file for `name` (`.NAME.tmp-PID`) exists in `directory`.
    static func temporaryExists(_ name: String, in directory: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.contains { $0.hasPrefix(".\(name).tmp-") }
    }

    /// Checks that `log` is a closed event log of an interrupted run; returns its arrival count.
    @discardableResult
    static func expectInterruptedLog(_ log: String) throws -> Int {
        let text = try String(contentsOfFile: log, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let last = lines.last.map(String.init) ?? ""
        #expect(last.hasPrefix(#"{"type":"end","status":"interrupted""#), "\(last)")
        let summary = try Tool.analyze(["summary", log, "--json"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stderr.contains("interrupted"))
        return lines.filter { $0.hasPrefix(#"{"type":"arrival""#) }.count
    }

    static let traceLines = """
        {"arrival_time":0.0,"prompt_tokens":100,"output_tokens":5}
        {"arrival_time":0.0,"prompt_tokens":200,"output_tokens":7}
        {"arrival_time":0.0,"prompt_tokens":300,"output_tokens":9}

        """

    /// A plain trace that stalls after three requests: SIGTERM ends the wait at once.
    @Test func sigtermStopsAStalledTrace() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fifo = scratch.file("trace.fifo"), log = scratch.file("run.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = try Self.start("inference-lab", ["--trace", fifo, "--events", log, "-q"])
        let writer = try FIFOWriter(path: fifo)
        writer.write(Self.traceLines)
        #expect(Self.waitUntil(seconds: 30) { Self.temporaryExists("run.jsonl", in: scratch.path) })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(Self.stop(process, signal: SIGTERM), "still running 5 s after SIGTERM")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        #expect(try Self.expectInterruptedLog(log) == 3)
        #expect(!Self.temporaryExists("run.jsonl", in: scratch.path))
    }

    /// A gzip trace stalls in the middle of its second member: the inflating thread waits for
    /// the bytes, and SIGINT still stops the run.
    @Test func sigintStopsAStalledGzipTrace() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let plain = try scratch.write(Self.traceLines, "t.jsonl")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-c", plain]
        let pipe = Pipe()
        gzip.standardOutput = pipe
        try gzip.run()
        let member = [UInt8](pipe.fileHandleForReading.readDataToEndOfFile())
        gzip.waitUntilExit()
        let fifo = scratch.file("trace.fifo"), log = scratch.file("run.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = try Self.start("inference-lab", ["--trace", fifo, "--events", log, "-q"])
        let writer = try FIFOWriter(path: fifo)
        writer.write(member + member.prefix(member.count / 2))
        #expect(Self.waitUntil(seconds: 30) { Self.temporaryExists("run.jsonl", in: scratch.path) })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(Self.stop(process, signal: SIGINT), "still running 5 s after SIGINT")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        try Self.expectInterruptedLog(log)
    }

    /// The writer opened the FIFO but wrote nothing yet: the log still ends `interrupted`.
    @Test func sigtermBeforeTheFirstRequest() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fifo = scratch.file("trace.fifo"), log = scratch.file("run.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = try Self.start("inference-lab", ["--trace", fifo, "--events", log, "-q"])
        let writer = try FIFOWriter(path: fifo)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(Self.stop(process, signal: SIGTERM), "still running 5 s after SIGTERM")
        withExtendedLifetime(writer) {}
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        #expect(try Self.expectInterruptedLog(log) == 0)
    }

    /// No writer opened the FIFO yet (opening it waits): SIGHUP ends the wait, and the log
    /// ends `interrupted`.
    @Test func sighupWhileOpeningTheTrace() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fifo = scratch.file("trace.fifo"), log = scratch.file("run.jsonl")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = try Self.start("inference-lab", ["--trace", fifo, "--events", log, "-q"])
        // Until it waits in open() (a kernel that does not say where a process waits: 10 s).
        _ = Self.waitUntil(seconds: 10) {
            (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/wchan", encoding: .utf8)) == "wait_for_partner"
        }
        #expect(Self.stop(process, signal: SIGHUP), "still running 5 s after SIGHUP")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 129)
        #expect(try Self.expectInterruptedLog(log) == 0)
    }

    @Test func sighupClosesTheLog() throws {
        try SignalTests.interruptedRun(signal: SIGHUP, expectedStatus: 129)
    }

    /// A SIGHUP ignored when the run started (`nohup`) stays ignored; SIGTERM still stops it.
    @Test func sighupIgnoredUnderNohup() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = try scratch.config("long.toml", requests: 20_000, rate: 50)
        let log = scratch.file("run.jsonl")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nohup")
        process.arguments = [Tool.binDirectory.appendingPathComponent("inference-lab").path,
                             "--config", config, "--events", log, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        #expect(Self.waitUntil(seconds: 30) { Self.temporaryExists("run.jsonl", in: scratch.path) })
        kill(process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(process.isRunning)
        #expect(Self.stop(process, signal: SIGTERM), "still running 5 s after SIGTERM")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        try Self.expectInterruptedLog(log)
    }

    /// A run blocked writing its event log to a pipe nobody reads cannot get to its next step:
    /// the first SIGTERM waits for it, a second one ends it at once and removes the summary's
    /// temporary file.
    @Test func secondSigtermEndsABlockedRun() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = try scratch.config("long.toml", requests: 20_000, rate: 50)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let readEnd = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true)
        let writeEnd = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        defer { try? readEnd.close() }
        let process = Process()
        process.executableURL = Tool.binDirectory.appendingPathComponent("inference-lab")
        process.arguments = ["--config", config, "--events", "-", "-o", scratch.file("summary.json"), "--quiet"]
        process.standardOutput = writeEnd
        process.standardError = FileHandle.nullDevice
        try process.run()
        try writeEnd.close()
        let blocked = Self.waitUntil(seconds: 30) {
            ((try? String(contentsOfFile: "/proc/\(process.processIdentifier)/wchan", encoding: .utf8)) ?? "").contains("pipe_write")
        }
        #expect(blocked, "the run never blocked writing to the pipe")
        kill(process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(process.isRunning, "the run was expected to be blocked on the full pipe")
        #expect(Self.stop(process, signal: SIGTERM), "still running 5 s after a second SIGTERM")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["long.toml"])
    }

    /// Starts `tool` on a FIFO input holding `text`, waits for its temporary output `name`,
    /// sends SIGTERM and checks that it exits with 143 leaving only the FIFO.
    static func expectCleanStop(_ tool: String, _ arguments: (String, String) -> [String], input text: String, output name: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fifo = scratch.file("input.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = try start(tool, arguments(fifo, scratch.file(name)))
        let writer = try FIFOWriter(path: fifo)
        writer.write(text)
        #expect(waitUntil(seconds: 30) { temporaryExists(name, in: scratch.path) }, "\(tool) \(arguments("IN", "OUT"))")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(stop(process, signal: SIGTERM), "\(tool) still running 5 s after SIGTERM")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        #expect(names == ["input.fifo"], "\(tool): \(names)")
    }

    @Test func exportRemovesItsOutputs() throws {
        let head = tinyLog.split(separator: "\n").prefix(5).joined(separator: "\n") + "\n"
        try Self.expectCleanStop("inference-lab-analyze", { ["export", $0, "--requests", $1, "--steps", $1 + ".steps.csv"] },
                                 input: head, output: "out.csv")
    }

    @Test func reportRemovesItsOutput() throws {
        let head = tinyLog.split(separator: "\n").prefix(5).joined(separator: "\n") + "\n"
        try Self.expectCleanStop("inference-lab-analyze", { ["report", $0, "-o", $1] }, input: head, output: "report.html")
    }

    @Test func convertRemovesItsOutput() throws {
        try Self.expectCleanStop("inference-lab", { ["convert", "--from", "vidur", $0, $1] },
                                 input: "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,2\n0.5,20,3\n",
                                 output: "out.jsonl.gz")
    }

    /// A command without outputs to remove exits the same way: 128 + the signal.
    @Test func summaryExitsOnAStalledLog() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fifo = scratch.file("input.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = try Self.start("inference-lab-analyze", ["summary", fifo])
        let writer = try FIFOWriter(path: fifo)
        writer.write(tinyLog.split(separator: "\n").prefix(5).joined(separator: "\n") + "\n")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(Self.stop(process, signal: SIGINT), "still running 5 s after SIGINT")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
    }

    /// `generate` reads no input: a long run is stopped while it writes.
    @Test func generateRemovesItsOutput() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let process = try Self.start("inference-lab", ["generate", "--max-requests", "50000000", scratch.file("big.jsonl")])
        #expect(Self.waitUntil(seconds: 30) { Self.temporaryExists("big.jsonl", in: scratch.path) })
        Thread.sleep(forTimeInterval: 0.3)
        #expect(Self.stop(process, signal: SIGTERM), "still running 5 s after SIGTERM")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
    }
}
