import Foundation
import Testing
@testable import InferenceLab

@Suite("outputs that name the same file")
struct OutputClashTests {
    private func clash(_ a: String, _ b: String) -> OutputClash? {
        OutputClash.find([.init("--a \(a)", a), .init("--b \(b)", b)])
    }

    @Test("the same spelling, standard output by any name, a link and its file, a hard link, two spellings of a new file")
    func clashes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "x\n".write(toFile: dir.file("file.txt"), atomically: false, encoding: .utf8)
        #expect(symlink("file.txt", dir.file("link")) == 0)
        #expect(link(dir.file("file.txt"), dir.file("hard")) == 0)
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: false)
        for (a, b) in [(dir.file("new.txt"), dir.file("new.txt")), ("-", "-"), ("-", "/dev/stdout"), ("/dev/fd/1", "/proc/self/fd/1"),
                       (dir.file("link"), dir.file("file.txt")), (dir.file("hard"), dir.file("file.txt")),
                       (dir.file("sub/../new.txt"), dir.file("./new.txt")), ("no/such/dir/x", "no/such/dir/x")] {
            #expect(clash(a, b) != nil, "\(a) \(b)")
        }
        #expect(clash("-", "-")?.description == "--a - and --b - both write to standard output: give each output its own file")
        let c = OutputClash.find([.init("--events e", dir.file("e")), .init("-o s", dir.file("s")), .init("--json", "-"),
                                  .init("--x s", dir.file("sub/../s"))])
        #expect(c?.first.label == "-o s" && c?.second.label == "--x s")
        #expect(c?.description == "-o s and --x s name the same file: give each output its own file")
    }

    @Test("different files do not clash")
    func distinct() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "x\n".write(toFile: dir.file("file.txt"), atomically: false, encoding: .utf8)
        try "y\n".write(toFile: dir.file("other.txt"), atomically: false, encoding: .utf8)
        for (a, b) in [(dir.file("file.txt"), dir.file("other.txt")), (dir.file("new.txt"), dir.file("new2.txt")),
                       ("-", dir.file("file.txt")), (dir.file("file.txt"), dir.file("sub/file.txt"))] {
            #expect(clash(a, b) == nil, "\(a) \(b)")
        }
        // A character device named by its path takes any number of outputs; standard output
        // stays one stream even when it is a terminal or /dev/null.
        #expect(clash("/dev/null", "/dev/null") == nil)
        #expect(clash("/dev/null", "-") == nil)
        #expect(clash("-", "/dev/fd/1") != nil)
        #expect(OutputClash.find([]) == nil)
        #expect(OutputClash.find([.init("--json", "-")]) == nil)
    }
}
