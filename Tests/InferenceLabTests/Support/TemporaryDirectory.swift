import Foundation
import InferenceLab

/// A fresh directory under the system's temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/inference-lab-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Names of the files in the directory, hidden ones included, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes `text` to `path` through ``OutputFile`` (gzip when the name ends in `.gz`).
func writeOutput(_ text: String, to path: String, level: Int32 = 1) throws {
    let out = try OutputFile(path: path, gzipLevel: level)
    var buffer = ByteBuffer()
    var copy = text
    copy.withUTF8 { buffer.append(contentsOf: $0) }
    try out.write(buffer)
    try out.commit()
}

/// Every line of `path`, read with ``InputReader``.
func readLines(_ path: String, maxLineLength: Int = 1 << 20) throws -> [String] {
    let input = try InputReader(path: path, maxLineLength: maxLineLength)
    var lines: [String] = []
    while let line = try input.nextLine() {
        lines.append(String(decoding: line, as: UTF8.self))
        precondition(input.lineNumber == lines.count)
    }
    return lines
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Runs `body` and returns the ``InputError`` it throws (nil if it does not throw one).
func inputError(_ body: () throws -> Void) -> InputError? {
    do { try body() } catch let error as InputError { return error } catch { return nil }
    return nil
}
