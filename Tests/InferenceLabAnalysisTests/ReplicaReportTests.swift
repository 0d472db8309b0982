import Foundation
import Testing
@testable import InferenceLabAnalysis

/// The per-replica section of a fleet's report, on a hand-written two-replica log whose every
/// number is worked out below, and the min / median / max mode of more than eight replicas.
@Suite("report: per-replica section")
struct ReplicaReportTests {
    /// Round robin over two replicas, times in exact binary fractions:
    /// - `a` (10 + 2 tokens) → replica 0 at 0: step 1 [0, 0.125) prefills it (first token at
    ///   0.125; running 1, 1 of 8 KV blocks), step 2 [0.125, 0.25) decodes and finishes it
    ///   (running 0, no blocks): TTFT 125 ms, E2E 250 ms.
    /// - `b` (30 + 2) → replica 1 at 0.375: step 1 [0.375, 0.625) prefills (running 1, 2 of 8
    ///   blocks), step 2 [0.625, 0.75) finishes it: TTFT 250 ms, E2E 375 ms.
    /// - `c` (20 + 1) → replica 0 at 0.5: step 3 [0.5, 0.875) prefills and finishes it
    ///   (running 0): TTFT = E2E = 375 ms.
    static let twoReplicaLog = """
        {"type":"header","schema":"inference-lab.events/2","version":"test","seed":1,"config":{"hardware":{"compute_flops":1e15,"memory_bandwidth":1e12},"cluster":{"replicas":2,"router":"round_robin"}}}
        {"type":"route","replica":0,"t":0,"id":"a","phase":"mixed","scores":[]}
        {"type":"arrival","replica":0,"t":0,"id":"a","prompt_tokens":10,"output_tokens":2,"priority":0}
        {"type":"step","replica":0,"step":1,"t":0,"dt":0.125,"batch":[["a",10]],"no_token":[],"preempted":[],"finished":[],"prefill_tokens":10,"decode_tokens":0,"running":1,"waiting":0,"kv_blocks_used":1,"kv_blocks_total":8,"flops":1e12,"bytes":1e10}
        {"type":"first_token","replica":0,"t":0.125,"step":1,"id":"a"}
        {"type":"step","replica":0,"step":2,"t":0.125,"dt":0.125,"batch":[["a",1]],"no_token":[],"preempted":[],"finished":["a"],"prefill_tokens":0,"decode_tokens":1,"running":0,"waiting":0,"kv_blocks_used":0,"kv_blocks_total":8,"flops":1e11,"bytes":1e10}
        {"type":"finished","replica":0,"t":0.25,"step":2,"id":"a","output_tokens":2}
        {"type":"route","replica":1,"t":0.375,"id":"b","phase":"mixed","scores":[]}
        {"type":"arrival","replica":1,"t":0.375,"id":"b","prompt_tokens":30,"output_tokens":2,"priority":0}
        {"type":"route","replica":0,"t":0.5,"id":"c","phase":"mixed","scores":[]}
        {"type":"arrival","replica":0,"t":0.5,"id":"c","prompt_tokens":20,"output_tokens":1,"priority":0}
        {"type":"step","replica":1,"step":1,"t":0.375,"dt":0.25,"batch":[["b",30]],"no_token":[],"preempted":[],"finished":[],"prefill_tokens":30,"decode_tokens":0,"running":1,"waiting":0,"kv_blocks_used":2,"kv_blocks_total":8,"flops":1e12,"bytes":1e10}
        {"type":"first_token","replica":1,"t":0.625,"step":1,"id":"b"}
        {"type":"step","replica":1,"step":2,"t":0.625,"dt":0.125,"batch":[["b",1]],"no_token":[],"preempted":[],"finished":["b"],"prefill_tokens":0,"decode_tokens":1,"running":0,"waiting":0,"kv_blocks_used":0,"kv_blocks_total":8,"flops":1e11,"bytes":1e10}
        {"type":"finished","replica":1,"t":0.75,"step":2,"id":"b","output_tokens":2}
        {"type":"step","replica":0,"step":3,"t":0.5,"dt":0.375,"batch":[["c",20]],"no_token":[],"preempted":[],"finished":["c"],"prefill_tokens":20,"decode_tokens":0,"running":0,"waiting":0,"kv_blocks_used":0,"kv_blocks_total":8,"flops":1e12,"bytes":1e10}
        {"type":"first_token","replica":0,"t":0.875,"step":3,"id":"c"}
        {"type":"finished","replica":0,"t":0.875,"step":3,"id":"c","output_tokens":1}
        {"type":"end","status":"complete","steps":5,"arrived":3,"finished":3,"rejected":0,"sim_time":0.875}

        """

    /// Writes `text` to a temporary file, runs `body` on its path, removes it.
    static func withLog<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replica-report-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    @Test("table: each replica's requests, tokens, steps, busy time and percentiles, and the imbalance, as summary --by-replica")
    func table() throws {
        let (data, balance) = try Self.withLog(Self.twoReplicaLog) { path in
            (try ReportData.read(path: path, buckets: 10), try FleetLogSummary.read(path: path).balance)
        }
        let r = try #require(data.replicas)
        #expect(r.count == 2)
        #expect(r.routed == [2, 1])
        #expect(r.steps == [3, 2])
        #expect(r.balance == balance)  // the very rows and coefficients of summary --by-replica
        let rows = r.balance.rows
        #expect(rows.map(\.requests) == [2, 1] && rows.map(\.completed) == [2, 1])
        #expect(rows.map(\.tokens) == [10 + 2 + 20 + 1, 30 + 2])
        #expect(rows.map(\.busySeconds) == [0.125 + 0.125 + 0.375, 0.25 + 0.125])
        // Replica 0: TTFT {125, 375} ms, E2E {250, 375} ms; p = lo + (hi − lo) · q (two samples).
        #expect(rows[0].ttftP50 == 250 && rows[0].ttftP99 == 125 + 250 * 0.99)
        #expect(rows[0].e2eP50 == 312.5 && rows[0].e2eP99 == 250 + 125 * 0.99)
        #expect(rows[1].ttftP50 == 250 && rows[1].ttftP99 == 250 && rows[1].e2eP50 == 375 && rows[1].e2eP99 == 375)
        // CV = population σ / mean: requests {2, 1} → 0.5 / 1.5; tokens {33, 32} → 0.5 / 32.5;
        // busy {0.625, 0.375} → 0.125 / 0.5.
        #expect(Self.close(r.balance.requestsCV, 1.0 / 3))
        #expect(Self.close(r.balance.tokensCV, 1.0 / 65))
        #expect(Self.close(r.balance.busyCV, 0.25))

        let html = HTMLReport.render(data)
        #expect(html.contains("<h2>Per replica</h2>"))
        #expect(html.contains("<tr><td>0</td><td>2</td><td>2</td><td>33</td><td>3</td><td>0.625</td><td>250.00</td><td>372.50</td><td>312.50</td><td>373.75</td></tr>"))
        #expect(html.contains("<tr><td>1</td><td>1</td><td>1</td><td>32</td><td>2</td><td>0.375</td><td>250.00</td><td>250.00</td><td>375.00</td><td>375.00</td></tr>"))
        #expect(html.contains("<tr><th>Imbalance (CV)</th><th>0.3333</th><th></th><th>0.0154</th><th></th><th>0.2500</th>"))
        #expect(html.contains("<td>Fleet</td><td>2 replicas, router round_robin</td>"))
        // The bar chart: one bar per replica with its route records.
        #expect(html.contains("<title>0: 2</title></rect>") && html.contains("<title>1: 1</title></rect>"))
    }

    @Test("series: each replica's running requests and KV use over time, one line per replica")
    func series() throws {
        let data = try Self.withLog(Self.twoReplicaLog) { try ReportData.read(path: $0, buckets: 10) }
        let r = try #require(data.replicas)
        // Totals over the windows do not depend on the windows: Σ value × overlap and Σ overlap.
        func totals(_ k: Int, _ m: ReplicaReport.Metric) -> (Double, Double) {
            let s = data.buckets.buckets[r.layout.index(k, m)!]
            return (s.reduce(0) { $0 + $1.weightedSum }, s.reduce(0) { $0 + $1.weight })
        }
        // Replica 0: running 1 for 0.125 s of its 0.625 busy seconds; KV 1/8 = 12.5 % as long.
        #expect(totals(0, .running) == (0.125, 0.625))
        #expect(totals(0, .kvUsed) == (12.5 * 0.125, 0.625))
        // Replica 1: running 1 for 0.25 of 0.375 s; KV 2/8 = 25 % as long; never waiting.
        #expect(totals(1, .running) == (0.25, 0.375))
        #expect(totals(1, .kvUsed) == (25 * 0.25, 0.375))
        #expect(totals(1, .waiting) == (0, 0.375))

        // Ten windows over 0.875 s: the width doubles from 1 ms to 128 ms. Window 2
        // [0.256, 0.384): replica 0 ran no step (keeps 0), replica 1's step 1 starts at 0.375
        // (running 1). Window 3 [0.384, 0.512): replica 1 running 1 throughout, replica 0's
        // step 3 (running 0) from 0.5.
        #expect(Self.close(data.buckets.width, 0.128))
        let r0 = data.replicaValues(0, .running), r1 = data.replicaValues(1, .running)
        #expect(r0.count == data.buckets.used && r1.count == data.buckets.used)
        #expect(r1[0] == 0 && r1[1] == 0)  // before its first step
        #expect(r0[2] == 0 && r1[2] == 1)
        #expect(r0[3] == 0 && r1[3] == 1)
        #expect(Self.close(r0[0], 0.125 / 0.128))  // running 1 for 125 of the window's 128 ms of steps
        let spread = data.replicaSpread(.running)
        #expect(spread[3].min == 0 && spread[3].median == 0.5 && spread[3].max == 1)

        // Each chart has a line and a legend entry per replica; no min / median / max.
        let html = HTMLReport.render(data)
        for caption in ["Requests routed per replica", "Running requests per replica", "Waiting requests per replica", "KV cache use per replica"] {
            #expect(html.contains("<figcaption>\(caption)</figcaption>"), "\(caption)")
        }
        for k in 0..<2 {
            #expect(html.components(separatedBy: "class=\"lg\">replica \(k)</text>").count - 1 == 3)
        }
        #expect(!html.contains("min / median / max"))
    }

    @Test("a replica that ran no step: a row, a bar and zeros, but no stored series")
    func replicaWithoutSteps() throws {
        // Request `z` is routed to replica 2 (of a fleet of three) at 0.5 and rejected there
        // (no step, no series).
        let log = Self.twoReplicaLog
            .replacingOccurrences(of: #""cluster":{"replicas":2,"#, with: #""cluster":{"replicas":3,"#)
            .replacingOccurrences(of: #"{"type":"step","replica":1,"step":1,"#, with: """
                {"type":"route","replica":2,"t":0.5,"id":"z","phase":"mixed","scores":[]}
                {"type":"rejected","replica":2,"t":0.5,"id":"z","reason":"prompt_too_long"}
                {"type":"step","replica":1,"step":1,
                """)
            .replacingOccurrences(of: #""arrived":3,"finished":3,"rejected":0"#, with: #""arrived":4,"finished":3,"rejected":1"#)
        let data = try Self.withLog(log) { try ReportData.read(path: $0, buckets: 10) }
        let r = try #require(data.replicas)
        #expect(r.count == 3 && r.routed == [2, 1, 1] && r.steps == [3, 2, 0])
        #expect(r.balance.rows[2].requests == 1 && r.balance.rows[2].completed == 0)
        #expect(r.layout.index(2, .running) == nil)
        #expect(data.buckets.seriesCount == ReportData.Series.allCases.count + 2 * ReplicaReport.Metric.allCases.count)
        #expect(data.replicaValues(2, .kvUsed).allSatisfy { $0 == 0 })
        // Window 3 [0.384, 0.512): running {0, 1} and replica 2's 0.
        let spread = data.replicaSpread(.running)
        #expect(spread[3].min == 0 && spread[3].median == 0 && spread[3].max == 1)
        let html = HTMLReport.render(data)
        #expect(html.contains("<tr><td>2</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0.000</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>"))
        #expect(html.contains("<title>2: 1</title></rect>"))
        #expect(html.components(separatedBy: "class=\"lg\">replica 2</text>").count - 1 == 3)
    }

    /// `n` replicas; replica k runs one request `r<k>` in one step [0, 1) with `running` k + 1
    /// (a hand-made value: the analyzer plots what the log says), and replica 0 a second one
    /// in [2, 3) with running 20.
    static func wideLog(_ n: Int) -> String {
        var lines = [#"{"type":"header","schema":"inference-lab.events/2","version":"test","seed":1,"config":{"hardware":{"compute_flops":1e15,"memory_bandwidth":1e12},"cluster":{"replicas":\#(n),"router":"round_robin"}}}"#]
        func step(_ k: Int, _ id: String, _ number: Int, _ t: Int, running: Int) -> [String] {
            [#"{"type":"step","replica":\#(k),"step":\#(number),"t":\#(t),"dt":1,"batch":[["\#(id)",4]],"no_token":[],"preempted":[],"finished":["\#(id)"],"prefill_tokens":4,"decode_tokens":0,"running":\#(running),"waiting":0,"kv_blocks_used":0,"kv_blocks_total":8,"flops":1e12,"bytes":1e10}"#,
             #"{"type":"first_token","replica":\#(k),"t":\#(t + 1),"step":\#(number),"id":"\#(id)"}"#,
             #"{"type":"finished","replica":\#(k),"t":\#(t + 1),"step":\#(number),"id":"\#(id)","output_tokens":1}"#]
        }
        for k in 0..<n {
            lines.append(#"{"type":"route","replica":\#(k),"t":0,"id":"r\#(k)","phase":"mixed","scores":[]}"#)
            lines.append(#"{"type":"arrival","replica":\#(k),"t":0,"id":"r\#(k)","prompt_tokens":4,"output_tokens":1,"priority":0}"#)
        }
        for k in 0..<n { lines += step(k, "r\(k)", 1, 0, running: k + 1) }
        lines.append(#"{"type":"route","replica":0,"t":2,"id":"x","phase":"mixed","scores":[]}"#)
        lines.append(#"{"type":"arrival","replica":0,"t":2,"id":"x","prompt_tokens":4,"output_tokens":1,"priority":0}"#)
        lines += step(0, "x", 2, 2, running: 20)
        lines.append(#"{"type":"end","status":"complete","steps":\#(n + 1),"arrived":\#(n + 1),"finished":\#(n + 1),"rejected":0,"sim_time":3}"#)
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("more than 8 replicas: min, median and max across replicas per window, said in the titles")
    func minMedianMax() throws {
        let data = try Self.withLog(Self.wideLog(9)) { try ReportData.read(path: $0, buckets: 10) }
        let r = try #require(data.replicas)
        #expect(r.count == 9 && r.routed == [2, 1, 1, 1, 1, 1, 1, 1, 1])
        // Windows of 0.512 s over [0, 3): window 0 holds every replica's first step (running
        // k + 1 → 1 … 9, as in window 1, which the steps overlap up to 1 s); window 2
        // [1.024, 1.536) none (each keeps its value, up to rounding); window 4
        // [2.048, 2.56) replica 0's second step (running 20 → {2 … 9, 20}).
        #expect(Self.close(data.buckets.width, 0.512))
        let spread = data.replicaSpread(.running)
        func same(_ a: (min: Double, median: Double, max: Double), _ b: (Double, Double, Double)) -> Bool {
            Self.close(a.min, b.0) && Self.close(a.median, b.1) && Self.close(a.max, b.2)
        }
        #expect(same(spread[0], (1, 5, 9)))
        #expect(same(spread[2], (1, 5, 9)))
        #expect(same(spread[4], (2, 6, 20)))

        let html = HTMLReport.render(data)
        for what in ["Running requests", "Waiting requests", "KV cache use"] {
            #expect(html.contains("<figcaption>\(what) per replica (min / median / max of 9 replicas)</figcaption>"), "\(what)")
        }
        for name in ["max", "median", "min"] {
            #expect(html.components(separatedBy: "class=\"lg\">\(name)</text>").count - 1 == 3, "\(name)")
        }
        #expect(!html.contains("class=\"lg\">replica 0</text>"))
        #expect(html.contains("With more than 8 replicas"))
        // Eight replicas still get a line each.
        let eight = try Self.withLog(Self.wideLog(8)) { try ReportData.read(path: $0, buckets: 10) }
        let page = HTMLReport.render(eight)
        #expect(page.components(separatedBy: "class=\"lg\">replica 7</text>").count - 1 == 3)
        #expect(!page.contains("min / median / max"))
    }

    @Test("the median of an even number of replicas is the mean of the middle two")
    func evenMedian() throws {
        let data = try Self.withLog(Self.wideLog(10)) { try ReportData.read(path: $0, buckets: 10) }
        #expect(data.replicaSpread(.running)[0] == (1, 5.5, 10))
    }

    @Test("a one-node log has no per-replica section")
    func oneNode() throws {
        let one = Self.twoReplicaLog.split(separator: "\n").filter { !$0.contains("\"route\"") && !$0.contains("\"replica\":1") }
            .map { $0.replacingOccurrences(of: "\"replica\":0,", with: "").replacingOccurrences(of: "events/2", with: "events/1") }
            .joined(separator: "\n")
            .replacingOccurrences(of: "\"steps\":5,\"arrived\":3,\"finished\":3", with: "\"steps\":3,\"arrived\":2,\"finished\":2") + "\n"
        let data = try Self.withLog(one) { try ReportData.read(path: $0, buckets: 10) }
        #expect(data.replicas == nil)
        #expect(data.buckets.seriesCount == ReportData.Series.allCases.count)
        #expect(data.replicaSpread(.running).isEmpty)
        let html = HTMLReport.render(data)
        #expect(!html.contains("Per replica") && !html.contains("<td>Fleet</td>"))
    }
}
