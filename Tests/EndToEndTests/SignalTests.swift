import Foundation
import Testing

/// SIGINT / SIGTERM stop a run at a step boundary: the event log is closed with an `end`
/// record of status `interrupted`, is a valid gzip file the analyzer reads, and the exit
/// status is 128 + the signal.
@Suite struct SignalTests {
    static func interruptedRun(signal: Int32, expectedStatus: Int32) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        // An overloaded open-loop run long enough to still be going when the signal comes.
        let config = try scratch.config("long.toml", requests: 20_000, rate: 50)
        let log = scratch.file("run.jsonl.gz")
        let process = Process()
        process.executableURL = Tool.binDirectory.appendingPathComponent("inference-lab")
        process.arguments = ["--config", config, "--events", log, "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the run is under way (its temporary log exists), then signal it.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []
            if names.contains(where: { $0.contains("run.jsonl.gz") && $0 != "run.jsonl.gz" }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == expectedStatus)
        #expect(FileManager.default.fileExists(atPath: log))
        // No temporary file is left beside the log.
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        #expect(names.filter { $0.contains("run.jsonl.gz") } == ["run.jsonl.gz"])
        // The analyzer reads it (the end record is there) and the end status says interrupted.
        let summary = try Tool.analyze(["summary", log, "--json"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stderr.contains("interrupted"))
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", log]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        gunzip.waitUntilExit()
        #expect(gunzip.terminationStatus == 0)
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix(#"{"type":"end","status":"interrupted""#), "\(last)")
    }

    @Test func sigintClosesTheLog() throws {
        try Self.interruptedRun(signal: SIGINT, expectedStatus: 130)
    }

    @Test func sigtermClosesTheLog() throws {
        try Self.interruptedRun(signal: SIGTERM, expectedStatus: 143)
    }
}
