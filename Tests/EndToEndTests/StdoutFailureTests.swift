import Foundation
import Testing

/// Every command's own output on stdout is checked: a full disk (`/dev/full`) or a closed pipe
/// exits with status 1 and a message naming `<stdout>`, instead of status 0 after losing the
/// output. SIGPIPE is ignored, so a closed pipe is reported (status 1), not a silent death (141).
@Suite struct StdoutFailureTests {
    /// Runs `executable` with standard output on `stdout`; returns its status and stderr.
    static func run(_ executable: String, _ arguments: [String], stdout: FileHandle) throws -> (status: Int32, stderr: String, reason: Process.TerminationReason) {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let err = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let process = Process()
        process.executableURL = Tool.binDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.currentDirectoryURL = Tool.packageRoot
        process.standardOutput = stdout
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try errHandle.close()
        return (process.terminationStatus, try String(contentsOfFile: err, encoding: .utf8), process.terminationReason)
    }

    /// Standard output on `/dev/full`.
    static func runIntoFullDisk(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stderr: String, reason: Process.TerminationReason) {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        return try run(executable, arguments, stdout: full)
    }

    /// Standard output on a pipe whose read end is closed before the command starts.
    static func runIntoClosedPipe(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stderr: String, reason: Process.TerminationReason) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let writeEnd = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        defer { try? writeEnd.close() }
        return try run(executable, arguments, stdout: writeEnd)
    }

    /// A small event log and trace for the commands that read them.
    struct Inputs {
        let scratch: Scratch
        let log: String
        let trace: String
        init() throws {
            scratch = try Scratch()
            log = try scratch.write(tinyLog, "tiny.jsonl")
            trace = try scratch.write("""
                {"arrival_time":0.0,"prompt_tokens":100,"output_tokens":5}
                {"arrival_time":0.5,"prompt_tokens":200,"output_tokens":7}

                """, "t.jsonl")
        }
    }

    /// Each command of both tools whose output goes to stdout.
    static func commands(_ inputs: Inputs) -> [(String, [String])] {
        [
            ("inference-lab", ["-q", "--json", "--max-requests", "20"]),
            ("inference-lab", ["--max-requests", "20"]),
            ("inference-lab", ["--trace", inputs.trace]),
            ("inference-lab", ["--trace", inputs.trace, "--events", "-", "-q"]),
            ("inference-lab", ["check-trace", inputs.trace]),
            ("inference-lab", ["catalog"]),
            ("inference-lab", ["steptime", "--batch", "1"]),
            ("inference-lab", ["calibrate", "configs/calibration/h100-llama31-70b-fp8.jsonl", "--bytes-per-param", "1", "--evaluate"]),
            ("inference-lab", ["generate", "--max-requests", "20", "-"]),
            ("inference-lab", ["convert", "--from", "vidur", inputs.scratch.file("vidur.csv"), "-"]),
            ("inference-lab-analyze", ["summary", inputs.log]),
            ("inference-lab-analyze", ["summary", inputs.log, "--json"]),
            ("inference-lab-analyze", ["summary", inputs.log, "--csv"]),
            ("inference-lab-analyze", ["diff", inputs.log, inputs.log]),
            ("inference-lab-analyze", ["diff", inputs.log, inputs.log, "--json"]),
            ("inference-lab-analyze", ["export", inputs.log, "--requests", "-", "-q"]),
            ("inference-lab-analyze", ["report", inputs.log, "-o", "-"]),
        ]
    }

    @Test func aFullDiskFailsEveryCommand() throws {
        let inputs = try Inputs()
        defer { inputs.scratch.remove() }
        _ = try inputs.scratch.write("arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,2\n", "vidur.csv")
        for (tool, arguments) in Self.commands(inputs) {
            let r = try Self.runIntoFullDisk(tool, arguments)
            #expect(r.status == 1, "\(tool) \(arguments): status \(r.status), \(r.stderr)")
            #expect(r.stderr.contains("error: <stdout>: write failed: No space left on device"), "\(tool) \(arguments): \(r.stderr)")
        }
    }

    @Test func aClosedPipeFailsEveryCommand() throws {
        let inputs = try Inputs()
        defer { inputs.scratch.remove() }
        _ = try inputs.scratch.write("arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,2\n", "vidur.csv")
        for (tool, arguments) in Self.commands(inputs) {
            let r = try Self.runIntoClosedPipe(tool, arguments)
            #expect(r.reason == .exit, "\(tool) \(arguments): killed by signal \(r.status)")
            #expect(r.status == 1, "\(tool) \(arguments): status \(r.status), \(r.stderr)")
            #expect(r.stderr.contains("error: <stdout>: write failed: Broken pipe"), "\(tool) \(arguments): \(r.stderr)")
        }
    }

    /// The header goes to stderr when stdout carries the JSON summary: nothing is lost, nothing
    /// fails; a command with nothing to print does not fail on a full stdout either.
    @Test func noOutputNoFailure() throws {
        let r = try Self.runIntoFullDisk("inference-lab", ["-q", "--max-requests", "5"])
        #expect(r.status == 0, "\(r.stderr)")
    }
}
