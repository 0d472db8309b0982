import CZlib
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

    @Test("lines around the prefetch headroom cross decoded pieces intact")
    func linesAroundHeadroom() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // Lengths just under and over the 64 KiB a piece keeps free for the line carried over
        // from the previous piece, mixed with short ones, over several 1 MiB pieces.
        let headroom = GzipPrefetcher.headroom
        var lines: [String] = []
        for i in 0..<120 {
            let length = headroom - 8 + (i * 7) % 17
            lines.append(String(repeating: Character(Unicode.Scalar(UInt8(97 + i % 26))), count: length))
            if i % 3 == 0 { lines.append("short \(i)") }
        }
        try writeOutput(lines.joined(separator: "\n") + "\n", to: dir.file("wide.gz"))
        #expect(try readLines(dir.file("wide.gz"), maxLineLength: 1 << 20) == lines)
    }

    @Test("closing a gzip reader early stops its decoder; later reads return nil")
    func closeEarly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lines = Self.sampleLines(count: 200_000)  // ~11 MB: more pieces than the ring holds
        try writeOutput(lines.joined(separator: "\n") + "\n", to: dir.file("big.gz"))
        let input = try InputReader(path: dir.file("big.gz"))
        for k in 0..<10 { #expect(try input.nextLine().map { String(decoding: $0, as: UTF8.self) } == lines[k]) }
        input.close()
        #expect(try input.nextLine() == nil)
        input.close()  // idempotent
        // Dropped without close, mid-file: its deinit stops the decoder.
        for _ in 0..<20 {
            let other = try InputReader(path: dir.file("big.gz"))
            _ = try other.nextLine()
        }
    }

    @Test("a missing input file is an error naming it")
    func missingFile() throws {
        let error = inputError { _ = try InputReader(path: "/nonexistent/dir/trace.jsonl.gz") }
        #expect(error?.file == "/nonexistent/dir/trace.jsonl.gz")
        #expect(error?.message == "no such file")
        #expect(error?.description == "/nonexistent/dir/trace.jsonl.gz: no such file")
    }

    /// One gzip member written by zlib (the streaming writer), whatever its size.
    static func zlibMember(_ text: String, level: Int32 = 6) throws -> [UInt8] {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("member.gz")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let writer = try ZlibStreamWriter(fd: fd, name: path, level: level)
        var copy = text
        try copy.withUTF8 { try writer.write(UnsafeRawBufferPointer($0)) }
        try writer.close()
        close(fd)
        return try readBytes(path)
    }

    /// `member` with the FHCRC flag and a header CRC-16 (zlib checks it; libdeflate does not).
    static func withHeaderCRC(_ member: [UInt8]) -> [UInt8] {
        var header = Array(member.prefix(10))
        header[3] |= 0x02
        let crc = header.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, 10)) }
        return header + [UInt8(crc & 0xFF), UInt8((crc >> 8) & 0xFF)] + member.dropFirst(10)
    }

    @Test("libdeflate's 1 MiB members, zlib's large members, header CRCs and tiny members, mixed")
    func mixedMembers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let a = Self.sampleLines(count: 60_000)  // ~3.3 MB: four 1 MiB members from the writer
        let b = Self.sampleLines(count: 50_000).map { $0 + "b" }
        try writeOutput(a.joined(separator: "\n") + "\n", to: dir.file("a.gz"))
        let members = try readBytes(dir.file("a.gz"))
        let big = try Self.zlibMember(b.joined(separator: "\n") + "\n")  // one 2.8 MB member
        let small = try Self.zlibMember("tiny\n", level: 1)
        let crcMember = Self.withHeaderCRC(try Self.zlibMember("with header crc\n"))
        let empty = try Self.zlibMember("")
        try writeBytes(members + big + small + crcMember + empty + members + small, to: dir.file("all.gz"))
        #expect(try readLines(dir.file("all.gz")) == a + b + ["tiny", "with header crc"] + a + ["tiny"])

        // Five large members in a row (libdeflate stops trying), then the writer's again.
        try writeBytes(big + big + big + big + big + members + small, to: dir.file("bigs.gz"))
        #expect(try readLines(dir.file("bigs.gz")) == b + b + b + b + b + a + ["tiny"])

        // A wrong header CRC is zlib's error, as before.
        var badCRC = crcMember
        badCRC[10] ^= 0xFF
        try writeBytes(members + badCRC, to: dir.file("badcrc.gz"))
        let error = inputError { _ = try readLines(dir.file("badcrc.gz")) }
        #expect(error?.message == "corrupt gzip data: header crc mismatch", "\(String(describing: error))")
    }

    @Test("truncated or corrupt members of the writer's 1 MiB size are zlib's errors")
    func truncatedWriterMembers() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lines = Self.sampleLines(count: 60_000)
        try writeOutput(lines.joined(separator: "\n") + "\n", to: dir.file("a.gz"))
        let full = try readBytes(dir.file("a.gz"))
        for k in 1..<23 {
            let keep = full.count * k / 23 + 7
            let cut = dir.file("cut-\(k).gz")
            try writeBytes(Array(full.prefix(keep)), to: cut)
            var read: [String] = []
            let error = inputError {
                let input = try InputReader(path: cut)
                while let line = try input.nextLine() { read.append(String(decoding: line, as: UTF8.self)) }
            }
            #expect(error?.file == cut)
            #expect(error?.message == "truncated gzip stream (the file ends in the middle of compressed data)",
                    "\(String(describing: error))")
            // Every line before the cut was returned first (zlib streams the broken member).
            #expect(read.count >= lines.count * (k - 1) / 23 - 2000 && Array(read.dropLast()) == Array(lines.prefix(max(read.count - 1, 0))))
        }
        // A wrong CRC-32 in the first member's trailer.
        var bad = full
        let secondMember = Self.memberStarts(full)[1]
        bad[secondMember - 8] ^= 0x01
        try writeBytes(bad, to: dir.file("crc.gz"))
        let error = inputError { _ = try readLines(dir.file("crc.gz")) }
        #expect(error?.message == "corrupt gzip data: incorrect data check", "\(String(describing: error))")
    }

    /// Offsets of the gzip members the writer produced (found by decoding each with zlib).
    static func memberStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        var s = z_stream()
        inflateInit2_(&s, 31, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { inflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: 1 << 16)
        bytes.withUnsafeBufferPointer { input in
            var offset = 0
            while offset < input.count {
                s.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + offset)
                s.avail_in = UInt32(input.count - offset)
                var rc: Int32 = Z_OK
                repeat {
                    rc = out.withUnsafeMutableBufferPointer { o in
                        s.next_out = o.baseAddress
                        s.avail_out = UInt32(o.count)
                        return inflate(&s, Z_NO_FLUSH)
                    }
                } while rc == Z_OK
                offset = input.count - Int(s.avail_in)
                starts.append(offset)
                inflateReset(&s)
            }
        }
        return starts
    }
}
