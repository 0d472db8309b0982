/// `summary` of a fleet's event log (schema 2): the whole fleet's summary, each replica's,
/// and the load imbalance (`--by-replica`). A one-node log (schema 1) reads as a fleet of one
/// replica, so every option works on both.
public struct FleetLogSummary {
    public var header: EventLogHeader
    public var end: EventLogEnd?
    public var metrics: FleetMetrics
    /// Goodput counters of the whole fleet and of each replica, when an objective was given.
    public var fleetGoodput: GoodputCounter?
    public var replicaGoodput: [GoodputCounter]

    /// Reads the log at `path` (`-`: standard input) to its end.
    public static func read(path: String, allowIncomplete: Bool = false,
                            objective: ServiceLevelObjective? = nil) throws(InputError) -> FleetLogSummary {
        let reader = try EventLogReader(path: path, allowIncomplete: allowIncomplete)
        return try read(reader, objective: objective)
    }

    /// Reads the rest of an opened log.
    public static func read(_ reader: EventLogReader, objective: ServiceLevelObjective? = nil) throws(InputError) -> FleetLogSummary {
        let one = try reader.makeMetricsReducer()
        var metrics = FleetMetrics(header: reader.header, one: one)
        var tracker = RequestTracker()
        var fleetGoodput = objective.map { GoodputCounter(objective: $0) }
        var replicaGoodput: [GoodputCounter] = []
        let routed = RouteQueue()
        reader.onRoute = { _, id, k, _ in if k >= routed.head { routed.head = k + 1 } }
        while let event = try reader.next() {
            let k = reader.replica
            metrics.consume(event, replica: k)
            guard let objective else { continue }
            // A prefill replica's one-token requests are not the client's (their decode is).
            if let outcome = tracker.consume(event), metrics.roles[k] != .prefill {
                fleetGoodput?.add(outcome)
                while replicaGoodput.count <= k { replicaGoodput.append(GoodputCounter(objective: objective)) }
                replicaGoodput[k].add(outcome)
            }
        }
        reader.onRoute = nil
        metrics.ensureReplicas(routed.head)
        if let objective {
            while replicaGoodput.count < metrics.replicas.count { replicaGoodput.append(GoodputCounter(objective: objective)) }
        }
        return FleetLogSummary(header: reader.header, end: reader.end, metrics: metrics,
                               fleetGoodput: fleetGoodput, replicaGoodput: replicaGoodput)
    }

    /// Replicas seen in the log (at least 1).
    public var replicaCount: Int { metrics.replicas.count }

    /// The whole fleet, as ``LogSummary`` renders it (equal to the simulator's summary).
    public var fleet: LogSummary {
        let s = metrics.summary()
        return LogSummary(header: header, end: end, summary: s, slo: fleetGoodput.map { Self.slo($0, s) })
    }

    /// Replica `k` alone, with the same keys as a one-node summary.
    public func replica(_ k: Int) -> LogSummary {
        let s = metrics.replicaSummary(k)
        let slo = k < replicaGoodput.count ? Self.slo(replicaGoodput[k], s) : nil
        return LogSummary(header: header, end: nil, summary: s, slo: slo)
    }

    private static func slo(_ c: GoodputCounter, _ s: Summary) -> LogSummary.SLOResult {
        LogSummary.SLOResult(objective: c.objective, goodput: c.goodput(duration: s.duration),
                             attainment: c.attainment, met: c.met)
    }

    /// One row per replica and the coefficients of variation.
    public var balance: FleetBalance { metrics.balance() }

    /// `--by-replica --json`.
    public func renderByReplicaJSON() -> String {
        let b = balance
        var out = "{\n  \"replicas\": [\n"
        for (i, r) in b.rows.enumerated() {
            var fields: [(String, String)] = [
                ("replica", "\(r.replica)"),
            ]
            if b.isDisaggregated { fields.append(("role", "\"\(r.role.rawValue)\"")) }
            fields += [
                ("requests", "\(r.requests)"), ("completed", "\(r.completed)"),
                ("tokens", "\(r.tokens)"), ("busy_seconds", JSONText.number(r.busySeconds)),
                ("p50_ttft_ms", JSONText.number(r.ttftP50)), ("p99_ttft_ms", JSONText.number(r.ttftP99)),
                ("p50_e2e_ms", JSONText.number(r.e2eP50)), ("p99_e2e_ms", JSONText.number(r.e2eP99)),
            ]
            if r.replica < replicaGoodput.count {
                let s = replica(r.replica)
                if let slo = s.slo { fields.append(("goodput", JSONText.number(slo.goodput))) }
            }
            out += "    {" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
            out += i + 1 < b.rows.count ? ",\n" : "\n"
        }
        out += "  ],\n  \"imbalance\": {\"requests_cv\": \(JSONText.number(b.requestsCV)), "
        out += "\"tokens_cv\": \(JSONText.number(b.tokensCV)), \"busy_cv\": \(JSONText.number(b.busyCV))}\n}"
        return out
    }

    /// `--by-replica` as a text table.
    public func renderByReplicaText() -> String {
        let b = balance
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(w - s.count, 0)) + s }
        var out = "REPLICAS (\(b.rows.count))\n"
        let roles = b.isDisaggregated
        out += pad("replica", 8) + (roles ? pad("role", 8) : "") + pad("requests", 10) + pad("completed", 11) + pad("tokens", 12) + pad("busy s", 11)
            + pad("TTFT p50", 11) + pad("TTFT p99", 11) + pad("E2E p50", 11) + pad("E2E p99", 11) + "\n"
        for r in b.rows {
            out += pad("\(r.replica)", 8) + (roles ? pad(r.role.rawValue, 8) : "") + pad("\(r.requests)", 10) + pad("\(r.completed)", 11) + pad("\(r.tokens)", 12)
                + pad(TextFormat.fixed(r.busySeconds, 1), 11)
                + pad(TextFormat.fixed(r.ttftP50, 1), 11) + pad(TextFormat.fixed(r.ttftP99, 1), 11)
                + pad(TextFormat.fixed(r.e2eP50, 1), 11) + pad(TextFormat.fixed(r.e2eP99, 1), 11) + "\n"
        }
        out += roles ? "\nIMBALANCE (coefficient of variation across replicas of one role, the larger)\n"
            : "\nIMBALANCE (coefficient of variation across replicas)\n"
        out += "  Requests:           \(TextFormat.fixed(b.requestsCV, 4))\n"
        out += "  Tokens:             \(TextFormat.fixed(b.tokensCV, 4))\n"
        out += "  Busy time:          \(TextFormat.fixed(b.busyCV, 4))\n"
        return out
    }

    /// `--by-replica --csv`: one row per replica.
    public func renderByReplicaCSV() -> String {
        let roles = balance.isDisaggregated
        var out = "replica," + (roles ? "role," : "") + "requests,completed,tokens,busy_seconds,p50_ttft_ms,p99_ttft_ms,p50_e2e_ms,p99_e2e_ms\n"
        for r in balance.rows {
            out += "\(r.replica)," + (roles ? "\(r.role.rawValue)," : "") + "\(r.requests),\(r.completed),\(r.tokens),\(TextFormat.number(r.busySeconds)),"
            out += "\(TextFormat.number(r.ttftP50)),\(TextFormat.number(r.ttftP99)),\(TextFormat.number(r.e2eP50)),\(TextFormat.number(r.e2eP99))\n"
        }
        return out
    }
}
