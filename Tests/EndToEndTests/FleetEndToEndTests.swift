import Foundation
import Testing

/// A fleet through both tools: the simulator with `[cluster]`, its schema-2 log read back by
/// the analyzer, the per-replica summaries, diff's routing comparison and the error paths.
@Suite("fleet replay (schema 2)")
struct FleetEndToEndTests {
    /// The default config with 60 requests at 30 req/s on `replicas` replicas.
    private func fleetConfig(_ dir: Scratch, _ name: String, replicas: Int, router: String,
                             requests: Int = 60, rate: Double = 30) throws -> String {
        let base = try dir.config(name + ".base.toml", requests: requests, rate: rate)
        let text = try String(contentsOfFile: base, encoding: .utf8)
            + "\n[cluster]\nreplicas = \(replicas)\nrouter = \"\(router)\"\n"
        return try dir.write(text, name)
    }

    @Test("summary of a fleet log equals the simulator's --json; --replica K and --by-replica")
    func summaryPerReplica() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try fleetConfig(dir, "f.toml", replicas: 3, router: "least_outstanding")
        let (log, simJSON) = try dir.simulate(config, "run.jsonl.gz")
        let r = try Tool.analyze(["summary", log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == simJSON)

        // The replicas' requests add up to the fleet's; each replica's summary has every key.
        let fleet = try jsonObject(simJSON)
        var completed = 0
        for k in 0..<3 {
            let one = try Tool.analyze(["summary", log, "--replica", "\(k)", "--json"])
            #expect(one.status == 0, "\(one.stderr)")
            let o = try jsonObject(one.stdout)
            #expect(o.count == fleet.count)
            completed += (o["completed"] as? NSNumber)?.intValue ?? -1
        }
        #expect(completed == (fleet["completed"] as? NSNumber)?.intValue)

        let by = try Tool.analyze(["summary", log, "--by-replica", "--json"])
        #expect(by.status == 0, "\(by.stderr)")
        let b = try jsonObject(by.stdout)
        #expect((b["replicas"] as? [Any])?.count == 3)
        let imbalance = try #require(b["imbalance"] as? [String: Any])
        #expect(imbalance["requests_cv"] != nil && imbalance["tokens_cv"] != nil && imbalance["busy_cv"] != nil)
        let text = try Tool.analyze(["summary", log, "--by-replica"])
        #expect(text.stdout.contains("REPLICAS (3)") && text.stdout.contains("IMBALANCE"))
        let csv = try Tool.analyze(["summary", log, "--by-replica", "--csv"])
        #expect(csv.stdout.split(separator: "\n").count == 4)

        // The log: schema 2, a replica on every replica record, one route per request.
        let plain = try Tool.simulate(["-c", config, "-q", "--events", "-"])
        let lines = plain.stdout.split(separator: "\n")
        #expect(lines[0].contains("\"schema\":\"inference-lab.events/2\""))
        #expect(lines[0].contains("\"cluster\":{\"replicas\":3"))
        #expect(lines.filter { $0.hasPrefix("{\"type\":\"route\"") }.count == 60)
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.contains("\"replica\":") })
    }

    @Test("round robin: summary --replica K equals a one-node run of the trace lines K mod N")
    func roundRobinEqualsOneNodeSubsets() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let trace = Tool.packageRoot.appendingPathComponent("traces/azure_conv.sample.jsonl.gz").path
        let lines = try gunzipLines(trace).prefix(120)
        let all = try dir.write(lines.joined(separator: "\n") + "\n", "all.jsonl")
        let config = try dir.write("[cluster]\nreplicas = 3\nrouter = \"round_robin\"\n", "rr.toml")
        let log = dir.file("rr.jsonl.gz")
        let r = try Tool.simulate(["-c", config, "--trace", all, "-q", "--json", "--events", log])
        #expect(r.status == 0, "\(r.stderr)")
        for k in 0..<3 {
            let part = lines.enumerated().filter { $0.offset % 3 == k }.map { $0.element }
            let path = try dir.write(part.joined(separator: "\n") + "\n", "part\(k).jsonl")
            let one = try Tool.simulate(["--trace", path, "-q", "--json"])
            let replica = try Tool.analyze(["summary", log, "--replica", "\(k)", "--json"])
            #expect(one.status == 0 && replica.status == 0)
            #expect(replica.stdout == one.stdout, "replica \(k)")
        }
    }

    @Test("replicas = 1 gives the one-node summary; a one-node log reads as one replica")
    func oneReplica() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let base = try dir.config("one.toml", requests: 40, rate: 20)
        let fleet = try fleetConfig(dir, "f1.toml", replicas: 1, router: "weighted", requests: 40, rate: 20)
        let (log, oneJSON) = try dir.simulate(base, "one.jsonl")
        let f = try Tool.simulate(["-c", fleet, "-q", "--json"])
        #expect(f.stdout == oneJSON)
        let by = try Tool.analyze(["summary", log, "--by-replica", "--json"])
        #expect(by.status == 0)
        #expect((try jsonObject(by.stdout)["replicas"] as? [Any])?.count == 1)
        let r0 = try Tool.analyze(["summary", log, "--replica", "0", "--json"])
        #expect(r0.stdout == oneJSON)
    }

    @Test("diff reports the first request routed differently")
    func diffRouting() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let a = try fleetConfig(dir, "a.toml", replicas: 2, router: "round_robin")
        let b = try fleetConfig(dir, "b.toml", replicas: 2, router: "least_tokens")
        let (logA, _) = try dir.simulate(a, "a.jsonl")
        let (logB, _) = try dir.simulate(b, "b.jsonl")
        let same = try Tool.analyze(["diff", logA, logA, "--json"])
        let s = try jsonObject(same.stdout)
        #expect(s["route_divergence"] is NSNull)
        #expect((s["routes_compared"] as? NSNumber)?.intValue == 60)
        let d = try Tool.analyze(["diff", logA, logB])
        #expect(d.stdout.contains("ROUTING") && d.stdout.contains("First request routed differently"))
        let dj = try jsonObject(try Tool.analyze(["diff", logA, logB, "--json"]).stdout)
        let div = try #require(dj["route_divergence"] as? [String: Any])
        #expect((div["index"] as? NSNumber)?.intValue ?? 0 >= 1)
    }

    @Test("request_timeout on a fleet: timed-out requests counted across replicas, out of the latencies, analyzer agrees")
    func timeouts() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        // 160 requests at 100 req/s on two default nodes: queues grow and clients give up after 15 s.
        let base = try dir.config("t.base.toml", requests: 160, rate: 100, [("seed = 42", "seed = 42\nrequest_timeout = 15.0")])
        let config = try dir.write(try String(contentsOfFile: base, encoding: .utf8) + "\n[cluster]\nreplicas = 2\n", "t.toml")
        let (log, json) = try dir.simulate(config, "t.jsonl.gz")
        let s = try jsonObject(json)
        let count = { (k: String) in (s[k] as! NSNumber).intValue }
        let timedOut = count("timed_out"), completed = count("completed")
        #expect(timedOut > 0 && completed > 0)
        #expect(completed + count("rejected") + timedOut == 160)
        // Latency samples come from completed requests only: the slowest TTFT is under the timeout.
        #expect((s["max_ttft_ms"] as! NSNumber).doubleValue < 15000)
        let perReplica = try Tool.analyze(["summary", log, "--by-replica", "--json"])
        #expect(perReplica.status == 0, "\(perReplica.stderr)")
        // timed_out records carry their replica, so the analyzer leaves out the same samples.
        let summary = try Tool.analyze(["summary", log, "--json"])
        #expect(summary.stdout == json, "\(summary.stderr)")
    }

    @Test("report of a fleet log: the per-replica table equals summary --by-replica; round robin routes i to i mod N; 9 replicas: min / median / max")
    func reportPerReplica() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let config = try fleetConfig(dir, "rr.toml", replicas: 2, router: "round_robin")
        let (log, _) = try dir.simulate(config, "rr.jsonl.gz")
        let out = dir.file("rr.html")
        let r = try Tool.analyze(["report", log, "-o", out])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("<h2>Per replica</h2>") && html.contains("<td>Fleet</td><td>2 replicas, router round_robin</td>"))
        // Round robin: requests 0, 2, 4, … on replica 0 and 1, 3, 5, … on replica 1: 30 each.
        #expect(html.contains("<title>0: 30</title></rect>") && html.contains("<title>1: 30</title></rect>"))
        let by = try jsonObject(try Tool.analyze(["summary", log, "--by-replica", "--json"]).stdout)
        let rows = try #require(by["replicas"] as? [[String: Any]])
        #expect(rows.count == 2)
        for row in rows {
            let n = { (k: String) in (row[k] as! NSNumber).intValue }
            #expect(n("requests") == 30)
            #expect(html.contains("<tr><td>\(n("replica"))</td><td>\(n("requests"))</td><td>\(n("completed"))</td><td>\(n("tokens"))</td>"), "replica \(n("replica"))")
        }
        #expect(html.components(separatedBy: "class=\"lg\">replica 1</text>").count - 1 == 3)
        #expect(!html.contains("http") && !html.contains("<script"))

        let wide = try fleetConfig(dir, "w.toml", replicas: 9, router: "least_outstanding")
        let (wideLog, _) = try dir.simulate(wide, "w.jsonl")
        let page = try Tool.analyze(["report", wideLog, "-o", "-"])
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.stdout.contains("<figcaption>Running requests per replica (min / median / max of 9 replicas)</figcaption>"))
        #expect(page.stdout.contains("<tr><td>8</td>") && !page.stdout.contains("<tr><td>9</td>"))  // replicas 0 … 8
        #expect(!page.stdout.contains("class=\"lg\">replica 0</text>"))
    }

    @Test("disaggregated prefill/decode: analyzer equals the simulator, one route per phase, kv_transfer records, roles in --by-replica, report")
    func disaggregated() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let base = try dir.config("pd.base.toml", requests: 40, rate: 20)
        let text = try String(contentsOfFile: base, encoding: .utf8) + """

            [cluster]
            router = "least_outstanding"
            kv_transfer_bandwidth = 10e9
            [[cluster.pool]]
            name = "p"
            role = "prefill"
            replicas = 1
            [[cluster.pool]]
            name = "d"
            role = "decode"
            replicas = 2

            """
        let config = try dir.write(text, "pd.toml")
        let (log, simJSON) = try dir.simulate(config, "pd.jsonl.gz")
        let r = try Tool.analyze(["summary", log, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == simJSON)
        let fleet = try jsonObject(simJSON)
        #expect((fleet["arrived"] as? NSNumber)?.intValue == 40)

        let plain = try Tool.simulate(["-c", config, "-q", "--events", "-"])
        let lines = plain.stdout.split(separator: "\n")
        let routes = lines.filter { $0.hasPrefix("{\"type\":\"route\"") }
        #expect(routes.filter { $0.contains("\"phase\":\"prefill\"") }.count == 40)
        let decodes = routes.filter { $0.contains("\"phase\":\"decode\"") }
        let transfers = lines.filter { $0.hasPrefix("{\"type\":\"kv_transfer\"") }
        #expect(decodes.count == transfers.count && transfers.count > 0)
        #expect(transfers.allSatisfy { $0.contains("\"from\":0,\"to\":") })
        #expect(lines[0].contains("\"pools\":[{\"name\":\"p\",\"role\":\"prefill\",\"replicas\":1"))

        let by = try jsonObject(try Tool.analyze(["summary", log, "--by-replica", "--json"]).stdout)
        let rows = try #require(by["replicas"] as? [[String: Any]])
        #expect(rows.map { $0["role"] as? String } == ["prefill", "decode", "decode"])
        let csv = try Tool.analyze(["summary", log, "--by-replica", "--csv"])
        #expect(csv.stdout.hasPrefix("replica,role,requests,"))
        let page = try Tool.analyze(["report", log, "-o", "-"])
        #expect(page.status == 0 && page.stdout.contains("<h2>Per replica</h2>"), "\(page.stderr)")
        #expect(page.stdout.contains("<tr><td>0 (prefill)</td>") && page.stdout.contains("<tr><td>2 (decode)</td>"))
        // The report's imbalance row is summary --by-replica's (within a role).
        let cv = try #require(by["imbalance"] as? [String: Any])
        let requestsCV = try #require((cv["requests_cv"] as? NSNumber)?.doubleValue)
        #expect(page.stdout.contains("<tr><th>Imbalance (CV)</th><th>\(String(format: "%.4f", requestsCV))</th>"))

        // export: a replica column first; each request has a prefill row on replica 0 and a
        // decode row on replica 1 or 2; each replica's steps are its own.
        let requestsCSV = dir.file("requests.csv"), stepsCSV = dir.file("steps.csv")
        let export = try Tool.analyze(["export", log, "--requests", requestsCSV, "--steps", stepsCSV, "-q"])
        #expect(export.status == 0, "\(export.stderr)")
        let requestRows = try String(contentsOfFile: requestsCSV, encoding: .utf8).split(separator: "\n")
        #expect(requestRows[0].hasPrefix("replica,id,arrival,"))
        let replicas = requestRows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[0] }
        #expect(replicas.filter { $0 == "0" }.count == 40 && replicas.filter { $0 != "0" }.count == 40, "\(replicas)")
        #expect(replicas.allSatisfy { ["0", "1", "2"].contains($0) })
        let stepRows = try String(contentsOfFile: stepsCSV, encoding: .utf8).split(separator: "\n")
        #expect(stepRows[0].hasPrefix("replica,step,t,"))
        let stepsPerReplica = (0..<3).map { k in stepRows.dropFirst().filter { $0.hasPrefix("\(k),") }.count }
        #expect(stepsPerReplica.allSatisfy { $0 > 0 } && stepsPerReplica.reduce(0, +) == stepRows.count - 1)
        // Rows per replica are summary --by-replica's requests per replica.
        let requestsPerReplica = (0..<3).map { k in replicas.filter { $0 == "\(k)" }.count }
        #expect(requestsPerReplica == rows.compactMap { ($0["requests"] as? NSNumber)?.intValue })

        // A prefill pool without a decode pool is refused, at its line.
        let lone = try dir.write("[cluster]\n[[cluster.pool]]\nname = \"p\"\nrole = \"prefill\"\n", "lone.toml")
        let e = try Tool.simulate(["-c", lone, "-q"])
        #expect(e.status == 2 && e.stderr.contains("lone.toml:2") && e.stderr.contains("decode pool"), "\(e.stderr)")
    }

    @Test("errors: bad [cluster] keys, --replica out of range, conflicting options")
    func errors() throws {
        let dir = try Scratch()
        defer { dir.remove() }
        let bad = try dir.write("[cluster]\nreplicas = 2\nrouter = \"least_load\"\n", "bad.toml")
        let r = try Tool.simulate(["-c", bad, "-q"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.toml:3") && r.stderr.contains("cluster.router"), "\(r.stderr)")
        let zero = try dir.write("[cluster]\nreplicas = 0\n", "zero.toml")
        let z = try Tool.simulate(["-c", zero, "-q"])
        #expect(z.status == 2)
        #expect(z.stderr.contains("cluster.replicas"), "\(z.stderr)")
        let unknown = try dir.write("[cluster]\nreplica = 2\n", "unknown.toml")
        let u = try Tool.simulate(["-c", unknown, "-q"])
        #expect(u.status == 2 && u.stderr.contains("did you mean"), "\(u.stderr)")
        // A warmup is refused on a fleet (its metrics would not restart after it).
        let warm = try dir.write("{\"arrival_time\":0,\"prompt_tokens\":16,\"output_tokens\":2}\n", "warm.jsonl")
        let fleetWarm = try Tool.simulate(["-c", try dir.write("[cluster]\nreplicas = 2\n", "two.toml"), "-q", "--warmup-trace", warm])
        #expect(fleetWarm.status == 2 && fleetWarm.stderr.contains("workload.warmup_trace: not supported with [cluster]"),
                "\(fleetWarm.stderr)")
        let weight = try dir.write("[cluster]\nrouter = \"weighted\"\nweight_kv = -1\n", "weight.toml")
        let w = try Tool.simulate(["-c", weight, "-q"])
        #expect(w.status == 2 && w.stderr.contains("cluster.weight_kv"), "\(w.stderr)")

        let config = try fleetConfig(dir, "f.toml", replicas: 2, router: "round_robin")
        let (log, _) = try dir.simulate(config, "run.jsonl")
        let out = try Tool.analyze(["summary", log, "--replica", "5"])
        #expect(out.status == 2 && out.stderr.contains("--replica 5") && out.stderr.contains("2 replicas"), "\(out.stderr)")
        let both = try Tool.analyze(["summary", log, "--replica", "0", "--by-replica"])
        #expect(both.status == 2)
        let negative = try Tool.analyze(["summary", log, "--replica=-1"])
        #expect(negative.status == 2)
    }
}

/// The lines of a gzip file.
private func gunzipLines(_ path: String) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "gzip -dc '\(path)'"]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}
