import Foundation
import Testing
@testable import InferenceLabAnalysis

/// `export` of a fleet's log: the `replica` column of both tables, for requests that finished
/// and for those an incomplete log leaves unfinished.
@Suite("export: a fleet's replica column")
struct LogExportTests {
    @Test func finishedAndUnfinishedRequestsCarryTheirReplica() throws {
        // The two-replica log cut after `b`'s prefill step: `a` finished on replica 0, `b`
        // (replica 1) and `c` (replica 0) are still in the system.
        let lines = ReplicaReportTests.twoReplicaLog.split(separator: "\n")
        let cut = lines.prefix { !$0.contains(#""type":"first_token","replica":1"#) }.joined(separator: "\n") + "\n"
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/cut.jsonl", requests = dir + "/requests.csv", steps = dir + "/steps.csv"
        try cut.write(toFile: log, atomically: true, encoding: .utf8)

        let counts = try LogExport.run(path: log, requestsPath: requests, stepsPath: steps, allowIncomplete: true)
        #expect(counts.requests == 3 && counts.steps == 3 && counts.end == nil)
        let rows = try String(contentsOfFile: requests, encoding: .utf8).split(separator: "\n")
        #expect(rows[0].hasPrefix("replica,id,arrival,"))
        #expect(rows.dropFirst().map { $0.split(separator: ",", maxSplits: 2).prefix(2).joined(separator: ",") }
                == ["0,a", "1,b", "0,c"])
        #expect(rows[1].hasSuffix(",finished,") && rows[2].hasSuffix(",unfinished,") && rows[3].hasSuffix(",unfinished,"))
        let stepRows = try String(contentsOfFile: steps, encoding: .utf8).split(separator: "\n")
        #expect(stepRows[0].hasPrefix("replica,step,t,"))
        #expect(stepRows.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["0,1", "0,2", "1,1"])
    }
}
