import Foundation
import Testing
@testable import InferenceLab

@Suite("byte-order mark on a pipe")
struct ByteOrderMarkPipeTests {
    /// A writer that sends the mark's first two bytes, pauses, then the rest: the reader's
    /// first read returns two bytes, and the mark must still be skipped.
    @Test func aMarkSplitAcrossReadsIsSkipped() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fifo = dir.file("trace.fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            let first: [UInt8] = [0xEF, 0xBB]
            let rest: [UInt8] = [0xBF] + Array("{\"a\":1}\n{\"b\":2}\n".utf8)
            _ = first.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            usleep(200_000)
            _ = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        let input = try InputReader(path: fifo)
        var lines: [String] = []
        while let line = try input.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}"])
    }
}
