import Foundation
import Testing

/// Outputs whose target is not a plain file: devices, FIFOs, symbolic links, standard output
/// by name; and two outputs of one command that name the same file.
@Suite("output targets")
struct OutputTargetTests {
    /// A command that writes one output, and how its arguments name it.
    struct Writer: CustomTestStringConvertible, Sendable {
        var tool: String
        /// The arguments; `OUT` is replaced by the output, `LOG` by an event log, `CSV` by a
        /// BurstGPT trace, `REQ` by a scratch file.
        var arguments: [String]
        var testDescription: String { "\(tool) \(arguments.joined(separator: " "))" }

        func run(_ out: String, in dir: Scratch) throws -> Tool.Result {
            try Tool.run(tool, expand(out, in: dir))
        }

        func expand(_ out: String, in dir: Scratch) throws -> [String] {
            let log = dir.file("input-log.jsonl"), csv = dir.file("input.csv")
            if !FileManager.default.fileExists(atPath: log) { _ = try dir.write(tinyLog, "input-log.jsonl") }
            if !FileManager.default.fileExists(atPath: csv) {
                _ = try dir.write("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                                  + "5,ChatGPT,472,18,490,Conversation log\n7,ChatGPT,80,9,89,Conversation log\n", "input.csv")
            }
            let names = ["OUT": out, "LOG": log, "CSV": csv, "REQ": dir.file("input-requests.csv")]
            return arguments.map { names[$0] ?? $0 }
        }
    }

    /// Every command that writes a file.
    static let writers: [Writer] = [
        Writer(tool: "inference-lab", arguments: ["-q", "--max-requests", "5", "--events", "OUT"]),
        Writer(tool: "inference-lab", arguments: ["-q", "--max-requests", "5", "-o", "OUT"]),
        Writer(tool: "inference-lab", arguments: ["generate", "--max-requests", "5", "OUT"]),
        Writer(tool: "inference-lab", arguments: ["convert", "-q", "--from", "burstgpt", "CSV", "OUT"]),
        Writer(tool: "inference-lab-analyze", arguments: ["export", "-q", "LOG", "--requests", "OUT"]),
        Writer(tool: "inference-lab-analyze", arguments: ["export", "-q", "LOG", "--requests", "REQ", "--steps", "OUT"]),
        Writer(tool: "inference-lab-analyze", arguments: ["report", "LOG", "-o", "OUT"]),
    ]

    /// The bytes `writer` writes to a new regular file.
    static func reference(_ writer: Writer, in dir: Scratch) throws -> Data {
        let r = try writer.run(dir.file("reference"), in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        defer { try? FileManager.default.removeItem(atPath: dir.file("reference")) }
        return try Data(contentsOf: URL(fileURLWithPath: dir.file("reference")))
    }

    @Test("a null device is written, not replaced (as root: mknod)", .enabled(if: geteuid() == 0, "mknod needs root"),
          arguments: writers)
    func nullDevice(_ writer: Writer) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let null = dir.file("null")
        #expect(mknod(null, S_IFCHR | 0o666, deviceNumber(1, 3)) == 0)
        let r = try writer.run(null, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType(null) == S_IFCHR && deviceOf(null) == deviceNumber(1, 3))
        #expect(try dir.contents().filter { !$0.hasPrefix("input") } == ["null"])
    }

    @Test("a full device: exit 1 naming it, the node kept (as root: mknod)", .enabled(if: geteuid() == 0, "mknod needs root"),
          arguments: writers)
    func fullDevice(_ writer: Writer) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let full = dir.file("full")
        #expect(mknod(full, S_IFCHR | 0o666, deviceNumber(1, 7)) == 0)
        let r = try writer.run(full, in: dir)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("error: \(full): write failed: No space left on device"), "\(r.stderr)")
        #expect(fileType(full) == S_IFCHR && deviceOf(full) == deviceNumber(1, 7))
        #expect(try dir.contents().filter { !$0.hasPrefix("input") } == ["full"])
    }

    @Test("/dev/null is still the null device after writing to it", arguments: writers)
    func devNull(_ writer: Writer) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        #expect(fileType("/dev/null") == S_IFCHR && deviceOf("/dev/null") == deviceNumber(1, 3))
        let r = try writer.run("/dev/null", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileType("/dev/null") == S_IFCHR && deviceOf("/dev/null") == deviceNumber(1, 3))
    }

    @Test("a FIFO: a reader gets the whole output, the FIFO stays", arguments: writers)
    func fifo(_ writer: Writer) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let expected = try Self.reference(writer, in: dir)
        let fifo = dir.file("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = dir.file("received")
        #expect(FileManager.default.createFile(atPath: received, contents: nil))
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo]
        reader.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: received))
        try reader.run()
        let r = try writer.run(fifo, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // A writer that replaced the FIFO leaves the reader waiting: stop it after a while.
        let deadline = Date().addingTimeInterval(20)
        while reader.isRunning && Date() < deadline { usleep(10_000) }
        let finished = !reader.isRunning
        // SIGKILL: the child inherits a signal mask that may block SIGTERM.
        if !finished { kill(reader.processIdentifier, SIGKILL) }
        reader.waitUntilExit()
        #expect(finished, "the reader got no end of file")
        #expect(try Data(contentsOf: URL(fileURLWithPath: received)) == expected)
        #expect(fileType(fifo) == S_IFIFO)
        #expect(try dir.contents().filter { !$0.hasPrefix("input") }.sorted() == ["fifo", "received"])
        if writer.arguments.contains("--events") {
            let s = try Tool.analyze(["summary", received])
            #expect(s.status == 0, "\(s.stderr)")
        }
    }

    @Test("a symbolic link stays a link; the file it names is replaced whole, keeping its mode", arguments: writers)
    func symbolicLink(_ writer: Writer) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let expected = try Self.reference(writer, in: dir)
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: false)
        let target = try dir.write("stale\n", "real/out")
        #expect(chmod(target, 0o640) == 0)
        #expect(symlink("real/out", dir.file("link")) == 0)
        let r = try writer.run(dir.file("link"), in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("link")) == "real/out")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == expected)
        #expect(permissions(target) == 0o640)
        #expect(try dir.contents().filter { !$0.hasPrefix("input") }.sorted() == ["link", "real"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("real")) == ["out"])
    }

    @Test("/dev/stdout is standard output, written in place", arguments: writers)
    func devStdout(_ writer: Writer) throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let expected = try Self.reference(writer, in: dir)
        let r = try writer.run("/dev/stdout", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Data(r.stdout.utf8) == expected)
        #expect(fileType("/dev/stdout") == S_IFLNK)
    }

    @Test("a new output file's mode follows the umask")
    func umask() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let tool = Tool.binDirectory.appendingPathComponent("inference-lab").path
        let r = try Tool.runProgram(URL(fileURLWithPath: "/bin/sh"),
                                    ["-c", "umask 002 && exec \"$0\" \"$@\"", tool, "-q", "--max-requests", "5",
                                     "--events", dir.file("e.jsonl.gz"), "-o", dir.file("s.json")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(permissions(dir.file("e.jsonl.gz")) == 0o664 && permissions(dir.file("s.json")) == 0o664)
    }

    /// Two outputs of one command on one file, and what the refusal says.
    static let clashes: [(tool: String, arguments: [String], message: String)] = [
        ("inference-lab", ["--events", "%/s.jsonl", "-o", "%/s.jsonl"], "--events %/s.jsonl and -o %/s.jsonl name the same file"),
        ("inference-lab", ["--events", "-", "--json"], "--events - and --json both write to standard output"),
        ("inference-lab", ["--events", "-", "-o", "-"], "--events - and -o - both write to standard output"),
        ("inference-lab", ["-o", "-", "--json"], "-o - and --json both write to standard output"),
        ("inference-lab", ["--events", "/dev/stdout", "--json"], "--events /dev/stdout and --json name the same file"),
        ("inference-lab", ["--events", "%/link", "-o", "%/kept.json"], "--events %/link and -o %/kept.json name the same file"),
        ("inference-lab", ["--events", "%/sub/../s.jsonl", "-o", "%/s.jsonl"], "--events %/sub/../s.jsonl and -o %/s.jsonl name the same file"),
        ("inference-lab-analyze", ["export", "LOG", "--requests", "%/r.csv", "--steps", "%/r.csv"],
         "--requests %/r.csv and --steps %/r.csv name the same file"),
        ("inference-lab-analyze", ["export", "LOG", "--requests", "-", "--steps", "-"], "--requests - and --steps - both write to standard output"),
        ("inference-lab-analyze", ["export", "LOG", "--requests", "/dev/fd/1", "--steps", "-"], "--requests /dev/fd/1 and --steps - name the same file"),
        ("inference-lab-analyze", ["export", "LOG", "--requests", "%/kept.json", "--steps", "%/link"],
         "--requests %/kept.json and --steps %/link name the same file"),
    ]

    @Test("two outputs on one file: exit 2 before running, nothing written")
    func twoOutputsOnePath() throws {
        for c in Self.clashes {
            let dir = try Scratch()
            defer { dir.remove() }
            let kept = try dir.write("{}\n", "kept.json")
            #expect(symlink(kept, dir.file("link")) == 0)
            try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: false)
            let log = try dir.write(tinyLog, "log.jsonl")
            let args = c.arguments.map { $0 == "LOG" ? log : $0.replacingOccurrences(of: "%", with: dir.path) }
            let r = try Tool.run(c.tool, args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            let message = "error: " + c.message.replacingOccurrences(of: "%", with: dir.path) + ": give each output its own file\n"
            #expect(r.stderr == message, "\(args)")
            #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
            #expect(try dir.contents().sorted() == ["kept.json", "link", "log.jsonl", "sub"], "\(args)")
            #expect(try dir.read("kept.json") == "{}\n")
        }
    }
}

/// Linux's `makedev` (a C macro) for major < 4096 and minor < 256.
private func deviceNumber(_ major: UInt64, _ minor: UInt64) -> dev_t {
    dev_t((major << 8) | minor)
}

/// The type bits of `path` itself (a link is not followed), or 0 when it does not exist.
private func fileType(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
}

/// The device number of the node at `path`.
private func deviceOf(_ path: String) -> dev_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_rdev : 0
}

/// The permission bits of `path`, or a value no file has when it does not exist.
private func permissions(_ path: String) -> mode_t {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o170000
}
