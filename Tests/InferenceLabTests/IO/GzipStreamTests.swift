import Foundation
import Testing
@testable import InferenceLab

@Suite("gzip and plain line streams")
struct GzipStreamTests {
    /// Deterministic lines of varied length (some long enough to cross 256 KiB reads).
    static func sampleLines(count: Int) -> [String] {
        var lines: [String] = []
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<count {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let width = Int(x >> 58)  // 0…63
            lines.append("{\"i\":\(i),\"pad\":\"\(String(repeating: "x", count: width))\"}")
        }
        return lines
    }

    @Test("gzip round trip across many chunks", arguments: ["lines.jsonl.gz", "lines.jsonl"])
    func roundTrip(name: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // ~3.3 MB decoded: several 256 KiB reads and 1 MiB inflate chunks.
        var lines = Self.sampleLines(count: 60_000)
        // A line longer than one read and than one inflate chunk.
        lines[30_000] = String(repeating: "y", count: 1_300_000)
        let path = dir.file(name)
        try writeOutput(lines.joined(separator: "\n") + "\n", to: path)
        let raw = try readBytes(path)
        #expect((raw.prefix(2) == [0x1F, 0x8B]) == name.hasSuffix(".gz"))
        let input = try InputReader(path: path, maxLineLength: 2 << 20)
        #expect(input.isCompressed == name.hasSuffix(".gz"))
        var read: [String] = []
        while let line = try input.nextLine() { read.append(String(decoding: line, as: UTF8.self)) }
        #expect(read.count == lines.count)
        #expect(read == lines)
        #expect(input.lineNumber == lines.count)
    }

    @Test("gzip at level 6 and level 0 reads back")
    func otherLevels() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lines = Self.sampleLines(count: 2_000)
        for level: Int32 in [0, 6, 9] {
            let path = dir.file("l\(level).gz")
            try writeOutput(lines.joined(separator: "\n") + "\n", to: path, level: level)
            #expect(try readLines(path) == lines)
        }
    }

    @Test("concatenated gzip members read as one stream")
    func concatenatedMembers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // The first member ends in the middle of a line.
        try writeOutput("a1\na2\npart", to: dir.file("a.gz"))
        try writeOutput("ial\nb1\n", to: dir.file("b.gz"))
        try writeOutput("", to: dir.file("empty.gz"))
        let big = Self.sampleLines(count: 20_000)
        try writeOutput(big.joined(separator: "\n"), to: dir.file("c.gz"))
        let joined = try readBytes(dir.file("a.gz")) + readBytes(dir.file("empty.gz"))
            + readBytes(dir.file("b.gz")) + readBytes(dir.file("c.gz"))
        try writeBytes(joined, to: dir.file("all.gz"))
        #expect(try readLines(dir.file("all.gz")) == ["a1", "a2", "partial", "b1"] + big)
    }

    @Test("CRLF line ends, a last line without newline, empty lines")
    func lineEnds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for name in ["crlf.txt", "crlf.txt.gz"] {
            try writeOutput("one\r\ntwo\n\nthree\r\n\r\nlast", to: dir.file(name))
            #expect(try readLines(dir.file(name)) == ["one", "two", "", "three", "", "last"])
        }
        try writeOutput("", to: dir.file("empty.txt"))
        #expect(try readLines(dir.file("empty.txt")) == [])
        try writeOutput("\n", to: dir.file("newline.txt"))
        #expect(try readLines(dir.file("newline.txt")) == [""])
    }

    @Test("a truncated gzip stream is an error naming the file")
    func truncated() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("full.gz")
        try writeOutput(Self.sampleLines(count: 5_000).joined(separator: "\n") + "\n", to: path)
        let full = try readBytes(path)
        for keep in [full.count - 4, full.count / 2, 12, 2] {
            let cut = dir.file("cut-\(keep).gz")
            try writeBytes(Array(full.prefix(keep)), to: cut)
            let error = inputError { _ = try readLines(cut) }
            #expect(error?.file == cut)
            #expect(error?.message.contains("truncated gzip") == true, "\(String(describing: error))")
        }
    }

    @Test("corrupt gzip data is an error naming the file")
    func corrupt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("full.gz")
        try writeOutput(Self.sampleLines(count: 5_000).joined(separator: "\n") + "\n", to: path)
        var bytes = try readBytes(path)
        for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 64, by: 1) { bytes[i] ^= 0x5A }
        let bad = dir.file("bad.gz")
        try writeBytes(bytes, to: bad)
        let error = inputError { _ = try readLines(bad) }
        #expect(error?.file == bad)
        #expect(error?.message.contains("corrupt gzip") == true, "\(String(describing: error))")

        // Garbage after a complete member.
        let trailing = dir.file("trailing.gz")
        try writeBytes(try readBytes(path) + Array("not gzip\n".utf8), to: trailing)
        let error2 = inputError { _ = try readLines(trailing) }
        #expect(error2?.message.contains("corrupt gzip") == true, "\(String(describing: error2))")
    }

    @Test("a plain file named .gz is read as plain text (detection is by magic bytes)")
    func plainNamedGz() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("really-plain.jsonl.gz")
        try writeOutput("{\"a\":1}\n{\"a\":2}\n", to: dir.file("plain.jsonl"))
        try FileManager.default.moveItem(atPath: dir.file("plain.jsonl"), toPath: path)
        let input = try InputReader(path: path)
        #expect(!input.isCompressed)
        #expect(try readLines(path) == ["{\"a\":1}", "{\"a\":2}"])
    }

    @Test("a line longer than the limit is an error, also without any newline")
    func lineTooLong() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for name in ["long.txt", "long.txt.gz"] {
            try writeOutput("short\n" + String(repeating: "z", count: 300) + "\nshort\n", to: dir.file(name))
            let error = inputError { _ = try readLines(dir.file(name), maxLineLength: 100) }
            #expect(error?.line == 2)
            #expect(error?.message.contains("longer than 100 bytes") == true)
            #expect(try readLines(dir.file(name), maxLineLength: 300).count == 3)
        }
        // 3 MiB without a newline against a 64 KiB limit: refused, not buffered whole.
        try writeOutput(String(repeating: "q", count: 3 << 20), to: dir.file("noline.gz"))
        let error = inputError { _ = try readLines(dir.file("noline.gz"), maxLineLength: 64 << 10) }
        #expect(error?.line == 1)
        #expect(error?.message.contains("longer than") == true)
    }

    @Test("a missing input file is an error naming it")
    func missingFile() throws {
        let error = inputError { _ = try InputReader(path: "/nonexistent/dir/trace.jsonl.gz") }
        #expect(error?.file == "/nonexistent/dir/trace.jsonl.gz")
        #expect(error?.message == "no such file")
        #expect(error?.description == "/nonexistent/dir/trace.jsonl.gz: no such file")
    }
}
