import Foundation
import Testing
@testable import InferenceLab

/// A fleet's log (schema 2): a record may name only requests that arrived on its own replica,
/// and only replicas the header's `config.cluster.replicas` counts. Each case is a valid log's
/// beginning plus one bad line, whose line and field the error must name.
@Suite("fleet log reader errors")
struct FleetLogReaderErrorTests {
    /// Two replicas; request `a` arrives on replica 0, `b` on replica 1, and each runs a
    /// prefill step on its own replica (lines 2–5).
    static let start = [
        #"{"type":"header","schema":"inference-lab.events/2","version":"test","seed":1,"config":{"hardware":{"compute_flops":1e15,"memory_bandwidth":1e12},"cluster":{"replicas":2,"router":"round_robin"}}}"#,
        #"{"type":"arrival","replica":0,"t":0.5,"id":"a","prompt_tokens":16,"output_tokens":4,"priority":0}"#,
        #"{"type":"arrival","replica":1,"t":0.5,"id":"b","prompt_tokens":16,"output_tokens":4,"priority":0}"#,
        #"{"type":"step","replica":0,"step":1,"t":0.5,"dt":0.25,"batch":[["a",16]],"no_token":[],"preempted":[],"finished":[],"prefill_tokens":16,"decode_tokens":0,"running":1,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":100,"flops":1e12,"bytes":1e9}"#,
        #"{"type":"step","replica":1,"step":1,"t":0.5,"dt":0.25,"batch":[["b",16]],"no_token":[],"preempted":[],"finished":[],"prefill_tokens":16,"decode_tokens":0,"running":1,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":100,"flops":1e12,"bytes":1e9}"#,
    ]

    /// The first error reading `start` plus `bad` (a log without its end, read as incomplete).
    static func firstError(_ bad: String) throws -> InputError? {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("fleet.jsonl")
        try writeOutput((start + [bad]).joined(separator: "\n") + "\n", to: path)
        return inputError {
            let reader = try EventLogReader(path: path, allowIncomplete: true)
            while try reader.next() != nil {}
        }
    }

    @Test func theValidBeginningReads() throws {
        #expect(try Self.firstError(#"{"type":"first_token","replica":0,"t":0.75,"step":1,"id":"a"}"#) == nil)
    }

    @Test("a record naming another replica's request", arguments: [
        (#"{"type":"first_token","replica":1,"t":0.75,"step":1,"id":"a"}"#, "id", "request 'a' arrived on replica 0, not on this record's replica 1"),
        (#"{"type":"preempted","replica":0,"t":0.75,"step":1,"id":"b"}"#, "id", "request 'b' arrived on replica 1, not on this record's replica 0"),
        (#"{"type":"cache_hit","replica":1,"t":0.75,"step":1,"id":"a","tokens":16}"#, "id", "request 'a' arrived on replica 0"),
        (#"{"type":"finished","replica":1,"t":0.75,"step":1,"id":"a","output_tokens":4}"#, "id", "request 'a' arrived on replica 0"),
        (#"{"type":"timed_out","replica":0,"t":0.75,"id":"b"}"#, "id", "request 'b' arrived on replica 1"),
        (#"{"type":"step","replica":0,"step":2,"t":0.75,"dt":0.25,"batch":[["a",1]],"no_token":["b"],"preempted":[],"finished":[],"prefill_tokens":0,"decode_tokens":1,"running":1,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":100,"flops":1e12,"bytes":1e9}"#,
         "no_token", "request 'b' arrived on replica 1, not on this record's replica 0"),
        (#"{"type":"step","replica":1,"step":2,"t":0.75,"dt":0.25,"batch":[["b",1],["a",1]],"no_token":[],"preempted":[],"finished":[],"prefill_tokens":0,"decode_tokens":2,"running":2,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":100,"flops":1e12,"bytes":1e9}"#,
         "batch", "request 'a' arrived on replica 0, not on this record's replica 1"),
        (#"{"type":"arrival","replica":2,"t":0.75,"id":"c","prompt_tokens":16,"output_tokens":4,"priority":0}"#,
         "replica", "2 is not a replica of this fleet of 2 (the header's config.cluster.replicas)"),
        (#"{"type":"route","replica":9,"t":0.75,"id":"c","phase":"mixed","scores":[]}"#,
         "replica", "9 is not a replica of this fleet of 2"),
    ])
    func requestOnAnotherReplica(_ c: (String, String, String)) throws {
        let error = try #require(try Self.firstError(c.0))
        #expect(error.line == 6, "\(error)")
        #expect(error.field == c.1, "\(error)")
        #expect(error.message.contains(c.2), "\(error)")
    }

    @Test func aHeaderWithoutAPositiveReplicaCountIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("fleet.jsonl")
        try writeOutput(Self.start[0].replacingOccurrences(of: #""replicas":2"#, with: #""replicas":0"#) + "\n", to: path)
        let error = inputError { _ = try EventLogReader(path: path) }
        #expect(error?.description == "\(path):1: config.cluster.replicas: must be a positive integer, got 0")
    }
}
