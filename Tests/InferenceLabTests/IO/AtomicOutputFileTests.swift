import Foundation
import Testing
@testable import InferenceLab

@Suite("atomic output files")
struct AtomicOutputFileTests {
    @Test("nothing under the final name until commit")
    func commitRenames() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.jsonl.gz")
        let out = try OutputFile(path: path)
        var b = ByteBuffer()
        b.append(ascii: "hello\n")
        try out.write(b)
        #expect(try dir.contents() == [".out.jsonl.gz.tmp-\(getpid())"])
        try out.commit()
        #expect(try dir.contents() == ["out.jsonl.gz"])
        #expect(try readLines(path) == ["hello"])
    }

    @Test("commit replaces an existing file")
    func replaces() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.txt")
        try writeOutput("old\n", to: path)
        let out = try OutputFile(path: path)
        #expect(try readLines(path) == ["old"])
        try out.write(ByteBuffer())
        try out.commit()
        #expect(try readLines(path) == [])
    }

    @Test("abort, or dropping an uncommitted file, leaves nothing")
    func abortLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = try OutputFile(path: dir.file("a.gz"))
        var b = ByteBuffer()
        b.append(ascii: "data\n")
        try out.write(b)
        out.abort()
        #expect(try dir.contents() == [])
        do {
            let dropped = try AtomicOutputFile(path: dir.file("b.txt"))
            #expect(try dir.contents() == [".b.txt.tmp-\(getpid())"])
            _ = dropped
        }
        #expect(try dir.contents() == [])
    }

    @Test("a missing directory is an input error naming the path")
    func missingDirectory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("no/such/dir/out.jsonl.gz")
        let error = inputError { _ = try OutputFile(path: path) }
        #expect(error?.file == path)
        #expect(error?.message.contains("directory '\(dir.file("no/such/dir"))' does not exist") == true)
        let error2 = inputError { _ = try OutputFile(path: dir.path) }
        #expect(error2?.message.contains("directory") == true)
    }

    @Test("a relative name writes into the current directory's temp file")
    func relativeName() throws {
        let file = try AtomicOutputFile(path: "inference-lab-relative-test.txt")
        #expect(file.temporaryPath == ".inference-lab-relative-test.txt.tmp-\(getpid())")
        file.abort()
        #expect(!FileManager.default.fileExists(atPath: try #require(file.temporaryPath)))
    }

    @Test("a planted link or file under the temporary name is never followed nor reused")
    func plantedTemporaryName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let victim = dir.file("victim.txt")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let planted = dir.file(".out.txt.tmp-\(getpid())")
        #expect(symlink(victim, planted) == 0)
        let stale = dir.file(".out.txt.tmp-\(getpid())-1")
        try "stale\n".write(toFile: stale, atomically: false, encoding: .utf8)
        let out = try OutputFile(path: dir.file("out.txt"))
        var b = ByteBuffer()
        b.append(ascii: "new\n")
        try out.write(b)
        try out.commit()
        #expect(try readLines(victim) == ["precious"])
        #expect(try readLines(stale) == ["stale"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: planted) == victim)
        #expect(try readLines(dir.file("out.txt")) == ["new"])
        #expect(try dir.contents() == [".out.txt.tmp-\(getpid())", ".out.txt.tmp-\(getpid())-1", "out.txt", "victim.txt"])
    }

    @Test("every temporary name taken: an input error, nothing touched")
    func temporaryNamesExhausted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let victim = dir.file("victim.txt")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, dir.file(".out.txt.tmp-\(getpid())")) == 0)
        for i in 1...AtomicOutputFile.maximumNameAttempts {
            #expect(symlink(victim, dir.file(".out.txt.tmp-\(getpid())-\(i)")) == 0)
        }
        let error = inputError { _ = try AtomicOutputFile(path: dir.file("out.txt")) }
        #expect(error?.file == dir.file("out.txt"))
        #expect(error?.message == "cannot create output file: File exists")
        #expect(try readLines(victim) == ["precious"])
        #expect(try dir.contents().count == AtomicOutputFile.maximumNameAttempts + 2)
    }

    @Test("a new file gets the umask's mode; a replaced file keeps its own")
    func modes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        let mask = try #require(mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8))
        try writeOutput("new\n", to: dir.file("new.txt"))
        #expect(try mode(dir.file("new.txt")) == 0o666 & ~mask)
        try writeOutput("old\n", to: dir.file("kept.txt"))
        #expect(chmod(dir.file("kept.txt"), 0o604) == 0)
        try writeOutput("replaced\n", to: dir.file("kept.txt"))
        #expect(try mode(dir.file("kept.txt")) == 0o604)
        #expect(try readLines(dir.file("kept.txt")) == ["replaced"])
    }

    @Test("a symbolic link stays; the file it finally names is replaced, keeping its mode")
    func symbolicLinks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: false)
        let target = dir.file("real/data.txt")
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(chmod(target, 0o640) == 0)
        // link → real/hop (relative, resolved from the link's directory) → data.txt
        #expect(symlink("data.txt", dir.file("real/hop")) == 0)
        #expect(symlink("real/hop", dir.file("link")) == 0)
        let file = try AtomicOutputFile(path: dir.file("link"))
        #expect(file.targetPath == dir.file("real/data.txt"))
        #expect(file.temporaryPath == dir.file("real/.data.txt.tmp-\(getpid())"))
        file.abort()
        try writeOutput("new\n", to: dir.file("link"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("link")) == "real/hop")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("real/hop")) == "data.txt")
        #expect(try readLines(target) == ["new"])
        #expect(try mode(target) == 0o640)
        // A dangling link creates the file it names.
        #expect(symlink(dir.file("real/made.txt"), dir.file("dangling")) == 0)
        try writeOutput("made\n", to: dir.file("dangling"))
        #expect(try readLines(dir.file("real/made.txt")) == ["made"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.file("dangling")) == dir.file("real/made.txt"))
        #expect(try dir.contents() == ["dangling", "link", "real"])
        // A loop of links is an input error naming the path given.
        #expect(symlink(dir.file("loop"), dir.file("loop")) == 0)
        let error = inputError { _ = try OutputFile(path: dir.file("loop")) }
        #expect(error?.file == dir.file("loop"))
        #expect(error?.message == "cannot open output file: Too many levels of symbolic links")
        // A link to a missing directory reports that directory.
        #expect(symlink(dir.file("gone/x.txt"), dir.file("nowhere")) == 0)
        let missing = inputError { _ = try OutputFile(path: dir.file("nowhere")) }
        #expect(missing?.message == "cannot create output file: directory '\(dir.file("gone"))' does not exist")
    }

    @Test("this process's descriptors by name: written in place, through a duplicate")
    func descriptorNames() throws {
        #expect(try OutputTarget.resolve("/dev/stdout") == .descriptor(1))
        #expect(try OutputTarget.resolve("/dev/stderr") == .descriptor(2))
        #expect(try OutputTarget.resolve("/dev/fd/7") == .descriptor(7))
        #expect(try OutputTarget.resolve("/proc/self/fd/12") == .descriptor(12))
        #expect(try OutputTarget.resolve("/proc/\(getpid())/fd/3") == .descriptor(3))
        #expect(try OutputTarget.resolve("/dev/fd/x") == .path("/dev/fd/x"))
        #expect(try OutputTarget.resolve("/dev/fd/") == .path("/dev/fd/"))
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fd = open(dir.file("via-fd.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let out = try OutputFile(path: "/dev/fd/\(fd)")
        var b = ByteBuffer()
        b.append(ascii: "through the descriptor\n")
        try out.write(b)
        try out.commit()
        #expect(close(fd) == 0)  // the file's own descriptor stays open: only the duplicate closed
        #expect(try readLines(dir.file("via-fd.txt")) == ["through the descriptor"])
        #expect(try dir.contents() == ["via-fd.txt"])
        let error = inputError { _ = try OutputFile(path: "/dev/fd/999999") }
        #expect(error?.file == "/dev/fd/999999")
        #expect(error?.message == "cannot open output: Bad file descriptor")
    }

    @Test("a device is written in place, not replaced; one that cannot be opened is an input error (as root: mknod)",
          .enabled(if: geteuid() == 0, "mknod needs root"))
    func devices() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let null = dir.file("null")
        #expect(mknod(null, S_IFCHR | 0o666, deviceNumber(1, 3)) == 0)
        let file = try AtomicOutputFile(path: null)
        #expect(file.temporaryPath == nil)
        #expect(try dir.contents() == ["null"])
        try file.commit()
        let out = try OutputFile(path: null)
        var b = ByteBuffer()
        b.append(ascii: "gone\n")
        try out.write(b)
        try out.commit()
        var info = stat()
        #expect(stat(null, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR && info.st_rdev == deviceNumber(1, 3))
        #expect(try dir.contents() == ["null"])
        // Major 0 is reserved: no driver answers, open(2) fails.
        let dead = dir.file("dead")
        #expect(mknod(dead, S_IFCHR | 0o666, deviceNumber(0, 77)) == 0)
        let error = inputError { _ = try OutputFile(path: dead) }
        #expect(error?.file == dead)
        #expect(error?.message.hasPrefix("cannot open output: ") == true)
        #expect(try dir.contents() == ["dead", "null"])
    }

    @Test("a Unix socket is connected to and written; one without a listener is an input error")
    func socket() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("sock")
        let listener = try unixSocket(path, listening: true)
        defer { close(listener) }
        let out = try OutputFile(path: path)
        var b = ByteBuffer()
        b.append(ascii: "over the socket\n")
        try out.write(b)
        try out.commit()
        let connection = accept(listener, nil, nil)
        #expect(connection >= 0)
        var bytes = [UInt8](repeating: 0, count: 100)
        let n = read(connection, &bytes, 100)
        close(connection)
        #expect(n >= 0 && String(decoding: bytes[..<max(n, 0)], as: UTF8.self) == "over the socket\n")
        #expect(try dir.contents() == ["sock"])
        // Bound but not listening: refused. Too long a name (through `/./`): refused before connecting.
        let deaf = try unixSocket(dir.file("deaf"), listening: false)
        defer { close(deaf) }
        let refused = inputError { _ = try OutputFile(path: dir.file("deaf")) }
        #expect(refused?.file == dir.file("deaf"))
        #expect(refused?.message == "cannot connect to the output socket: Connection refused")
        let long = dir.path + String(repeating: "/.", count: 60) + "/sock"
        let tooLong = inputError { _ = try OutputFile(path: long) }
        #expect(tooLong?.file == long)
        #expect(tooLong?.message == "cannot connect to the output socket: File name too long")
        #expect(try dir.contents() == ["deaf", "sock"])
    }
}

/// A non-blocking Unix stream socket bound to `path` (and listening, if asked).
private func unixSocket(_ path: String, listening: Bool) throws -> Int32 {
    let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard fd >= 0, bound == 0, !listening || listen(fd, 4) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
    _ = fcntl(fd, F_SETFL, O_NONBLOCK)  // accept fails instead of waiting when nothing connected
    return fd
}

/// The permission bits of `path`.
private func mode(_ path: String) throws -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
    return info.st_mode & 0o7777
}

/// Linux's `makedev` (a C macro) for major < 4096 and minor < 256.
private func deviceNumber(_ major: UInt64, _ minor: UInt64) -> dev_t {
    dev_t((major << 8) | minor)
}
