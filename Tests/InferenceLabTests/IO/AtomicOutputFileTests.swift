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
        #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
    }
}
