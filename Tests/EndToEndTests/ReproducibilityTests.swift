import Foundation
import Testing

/// The same config, trace and seed give byte-identical event logs and summaries; the header
/// records what is needed to reproduce a run. (Debug against release builds:
/// tools/check-reproducible.sh.)
@Suite("reproducibility")
struct ReproducibilityTests {
    /// Runs the simulator twice into separate files; returns both runs' log and summary bytes.
    static func twice(_ dir: Scratch, _ name: String, _ args: [String]) throws -> [(log: Data, summary: Data, json: String)] {
        try (1...2).map { k in
            let log = dir.file("\(name)-\(k).jsonl.gz"), summary = dir.file("\(name)-\(k).json")
            let r = try Tool.simulate(["-q", "--json", "--events", log, "-o", summary] + args)
            #expect(r.status == 0, "\(r.stderr)")
            return (try Data(contentsOf: URL(fileURLWithPath: log)), try Data(contentsOf: URL(fileURLWithPath: summary)), r.stdout)
        }
    }

    @Test("two runs give identical event-log and summary bytes: synthetic workload and trace replay")
    func identicalRuns() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.config("c.toml", requests: 150, rate: 20)
        for (name, args) in [("synthetic", ["-c", config, "--seed", "11"]),
                             ("trace", ["--trace", "traces/azure_conv.sample.jsonl.gz", "--max-requests", "200"])] {
            let runs = try Self.twice(dir, name, args)
            #expect(runs[0].log.count > 1000)
            #expect(runs[0].log == runs[1].log, "\(name): event logs differ")
            #expect(runs[0].summary == runs[1].summary, "\(name): summaries differ")
            #expect(runs[0].json == runs[1].json)
            #expect(String(decoding: runs[0].summary, as: UTF8.self) == runs[0].json)
        }
        // Another seed gives another log (the seed is used, not ignored).
        let other = try Self.twice(dir, "other", ["-c", config, "--seed", "12"])
        let synthetic = try Data(contentsOf: URL(fileURLWithPath: dir.file("synthetic-1.jsonl.gz")))
        #expect(other[0].log != synthetic)
    }

    @Test("the header records the schema, the simulator version, the seed and the resolved config")
    func header() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try dir.config("c.toml", requests: 20, rate: 20)
        let log = dir.file("h.jsonl")
        let r = try Tool.simulate(["-q", "-c", config, "--seed", "987654321", "--events", log])
        #expect(r.status == 0, "\(r.stderr)")
        let first = try dir.read("h.jsonl").split(separator: "\n").first.map(String.init) ?? ""
        let header = try jsonObject(first)
        #expect(header["type"] as? String == "header")
        #expect(header["schema"] as? String == "inference-lab.events/1")
        #expect((header["version"] as? String)?.isEmpty == false)
        #expect((header["seed"] as? NSNumber)?.uint64Value == 987_654_321)
        let resolved = try #require(header["config"] as? [String: Any])
        for table in ["hardware", "model", "scheduler", "workload", "compute", "simulation"] {
            #expect(resolved[table] is [String: Any], "\(table) missing from the header's config")
        }
        let workload = try #require(resolved["workload"] as? [String: Any])
        #expect((workload["seed"] as? NSNumber)?.uint64Value == 987_654_321)
        #expect((workload["num_requests"] as? NSNumber)?.intValue == 20)
        // Derived values are resolved, not left to the reader: the KV pool in blocks.
        let derived = try #require(resolved["derived"] as? [String: Any])
        #expect(((derived["usable_kv_blocks"] as? NSNumber)?.intValue ?? 0) > 0)
    }
}
