/// Evaluates sweep points: loads the base config with a point's overrides, runs the full
/// simulation and turns the outcome into the row's cells; stores and finds each result in the
/// results directory under the digest of what determines it.
public struct SweepRunner: Sendable {
    public let spec: SweepSpec
    /// Where point results are stored (`<digest>.point`).
    public let resultsDirectory: String
    private let baseText: String
    private let traceIdentity: String

    /// The columns after the axes (and the searched key), in table order.
    public static let metricColumns: [String] = ["error"] + SummaryJSON.fields(Summary()).map(\.0) + [
        "gpus", "price_per_hour", "cost_per_hour", "tokens_per_dollar", "output_tokens_per_dollar",
        "output_throughput_per_gpu", "goodput", "slo_attainment", "slo_met",
    ]

    /// The first line of a stored point result.
    static let pointFormat = "inference-lab.sweep-point/1"

    /// - Throws: ``InputError`` when the base config or the trace cannot be read.
    public init(spec: SweepSpec, resultsDirectory: String) throws(InputError) {
        self.spec = spec
        self.resultsDirectory = resultsDirectory
        switch ConfigFileReader.readText(path: spec.base) {
        case .success(let t): baseText = t
        case .failure(let reason):
            throw InputError(file: spec.file, line: spec.baseLine, field: "base", "\(spec.base): \(reason.message)")
        }
        if let trace = spec.trace {
            guard let id = SweepHash.file(trace) else {
                throw InputError(file: spec.file, line: spec.traceLine, field: "trace",
                                 "\(trace): cannot read: \(SystemCalls.message(errno))")
            }
            traceIdentity = id
        } else {
            traceIdentity = "-"
        }
    }

    /// A point ready to run: its config (or the reason it has none) and its digest.
    public struct Prepared: Sendable {
        public var overrides: [ConfigOverride]
        public var config: SimulatorConfig?
        public var error: String?
        /// The digest naming its stored result.
        public var key: String
    }

    /// Loads the base config with `overrides` (and the spec's trace) and computes the digest
    /// of everything that determines the row: the program version, the resolved config (or
    /// the load error), the price, the trace's bytes, the SLO and the override values.
    public func prepare(_ overrides: [ConfigOverride]) -> Prepared {
        var config: SimulatorConfig?
        var error: String?
        do throws(InputError) {
            var loaded = try ConfigLoader.parse(baseText, file: spec.base, overrides: overrides).config
            if let trace = spec.trace {
                loaded.workload.arrivalPattern = .trace
                loaded.workload.tracePath = trace
                loaded.workload.numRequests = spec.maxRequests
                loaded.workload.durationSecs = nil
            }
            if let issue = loaded.validate().first(where: { $0.severity == .error }) {
                error = "\(spec.base): \(issue.key): \(issue.message)"
            } else {
                config = loaded
            }
        } catch let e {
            error = e.description
        }
        var material = "inference-lab \(InferenceLabVersion.string)\n"
        material += "trace \(traceIdentity) max_requests \(spec.maxRequests.map(String.init) ?? "-")\n"
        if let slo = spec.slo {
            material += "slo \(slo.ttftMs ?? -1) \(slo.tpotMs ?? -1) \(slo.e2eMs ?? -1) \(spec.attainment)\n"
        }
        for o in overrides { material += "set \(o.key) = \(o.value.inlineTOML)\n" }
        if let config {
            material += resolvedConfigJSON(config) + "\nprice \(config.hardware.pricePerHour ?? -1)\n"
        } else {
            material += "error \(error ?? "")\n"
        }
        return Prepared(overrides: overrides, config: config, error: error, key: SweepHash.hex(material))
    }

    /// The stored result's path for `key`.
    public func path(of key: String) -> String { resultsDirectory + "/" + key + ".point" }

    /// The stored cells of `key`, or nil when not stored (or not readable as a result).
    public func stored(_ key: String) -> [String: SweepCell]? {
        guard case .success(let text) = ConfigFileReader.readText(path: path(of: key)) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(Self.pointFormat) else { return nil }
        lines.removeFirst()
        var cells: [String: SweepCell] = [:]
        for line in lines where !line.isEmpty {
            guard let tab = line.firstIndex(of: "\t"), let cell = SweepCell(stored: line[line.index(after: tab)...]) else { return nil }
            cells[String(line[..<tab])] = cell
        }
        return cells
    }

    /// Stores `cells` under `key` (atomically: the file appears complete or not at all).
    public func store(_ cells: [String: SweepCell], key: String) throws(InputError) {
        var text = Self.pointFormat + "\n"
        for column in Self.metricColumns { text += column + "\t" + (cells[column] ?? .empty).stored + "\n" }
        let file = try OutputFile(path: path(of: key), compression: .none)
        var buffer = ByteBuffer(capacity: text.utf8.count)
        for b in text.utf8 { buffer.append(b) }
        do {
            try file.write(buffer)
            try file.commit()
        } catch {
            throw InputError(file: path(of: key), "cannot store the point's result: \(error)")
        }
    }

    /// The point's cells: stored, or computed (and then stored). `computed` tells which.
    public func result(of prepared: Prepared) throws(InputError) -> (cells: [String: SweepCell], computed: Bool) {
        if let cells = stored(prepared.key) { return (cells, false) }
        let cells = run(prepared)
        try store(cells, key: prepared.key)
        return (cells, true)
    }

    /// Runs the point's simulation to the end and returns its cells.
    public func run(_ prepared: Prepared) -> [String: SweepCell] {
        guard let config = prepared.config else { return ["error": .text(prepared.error ?? "invalid point")] }
        if config.workload.arrivalPattern == .trace {
            let source: TraceSource
            do throws(InputError) {
                source = try TraceSource(path: config.workload.tracePath ?? "-", timeScale: config.workload.timeScale,
                                         maxRequests: config.workload.numRequests, durationSecs: nil)
            } catch {
                return ["error": .text(error.description)]
            }
            return simulate(config, source) { $0.error?.description }
        }
        return simulate(config, SyntheticSource(config.workload)) { _ in nil }
    }

    private func simulate<Source: RequestSource>(_ config: SimulatorConfig, _ source: Source,
                                                 sourceError: (Source) -> String?) -> [String: SweepCell] {
        if config.cluster.isEnabled { return simulateFleet(config, source, sourceError: sourceError) }
        var sim: Simulator<Source>
        do throws(ConfigIssue) {
            sim = try Simulator(config: config, source: source)
        } catch {
            return errorCell(error)
        }
        var sink = TeeSink(MetricsReducer(config: config), GoodputSink(objective: spec.slo ?? ServiceLevelObjective()))
        while sim.advance(into: &sink) {}
        return ended(sourceError: sourceError(sim.source), issue: sim.error, status: sim.status,
                     stuck: sim.scheduler.waitingCount + sim.scheduler.runningCount) {
            cells(config, summary: sink.a.summary(), counter: sink.b.counter)
        }
    }

    /// A fleet point (`[cluster]`): the fleet's summary, goodput counted per replica (request
    /// slots are per replica) and summed.
    private func simulateFleet<Source: RequestSource>(_ config: SimulatorConfig, _ source: Source,
                                                      sourceError: (Source) -> String?) -> [String: SweepCell] {
        var fleet: ClusterSimulator<Source>
        do throws(ConfigIssue) {
            fleet = try ClusterSimulator(config: config, source: source)
        } catch {
            return errorCell(error)
        }
        var sink = TeeClusterSink(FleetMetrics(config: config),
                                  ReplicaGoodput(objective: spec.slo ?? ServiceLevelObjective(), roles: fleet.roles))
        while fleet.advance(into: &sink) {}
        return ended(sourceError: sourceError(fleet.requestSource), issue: fleet.error, status: fleet.status,
                     stuck: fleet.unfinishedCount) {
            cells(config, summary: sink.a.summary(), counter: sink.b.total)
        }
    }

    /// The error cell of a config the simulator refused, or of a run stopped by a value that
    /// is not finite.
    private func errorCell(_ issue: ConfigIssue) -> [String: SweepCell] {
        ["error": .text("\(spec.base): \(issue.key): \(issue.message)")]
    }

    /// A point's cells once its run has ended, one node or a fleet: an error cell for bad
    /// input, an issue found during the run, or a run that could not finish (`stuck` requests
    /// can never be scheduled); otherwise `summarize()`.
    private func ended(sourceError: String?, issue: ConfigIssue?, status: RunStatus?, stuck: @autoclosure () -> Int,
                       summarize: () -> [String: SweepCell]) -> [String: SweepCell] {
        if let sourceError { return ["error": .text(sourceError)] }
        if let issue { return errorCell(issue) }
        if status == .failed { return ["error": .text("the run could not finish: \(stuck()) requests can never be scheduled")] }
        return summarize()
    }

    /// The row's cells from a run's summary and goodput counter.
    private func cells(_ config: SimulatorConfig, summary: Summary, counter: GoodputCounter) -> [String: SweepCell] {
        var cells: [String: SweepCell] = [:]
        for (key, value) in SummaryJSON.fields(summary) { cells[key] = .number(value) }
        let gpus = SweepCost.gpus(config)
        cells["gpus"] = .number(Double(gpus))
        if let price = SweepCost.pricePerGPUHour(config), let cost = SweepCost.costPerHour(config) {
            cells["price_per_hour"] = .number(price)
            cells["cost_per_hour"] = .number(cost)
            cells["tokens_per_dollar"] = .number(cost > 0 ? summary.totalTokenThroughput * 3600 / cost : .nan)
            cells["output_tokens_per_dollar"] = .number(cost > 0 ? summary.outputThroughput * 3600 / cost : .nan)
        }
        cells["output_throughput_per_gpu"] = .number(summary.outputThroughput / Double(gpus))
        if spec.slo != nil {
            let attainment = summary.arrived > 0 ? Double(counter.met) / Double(summary.arrived) : 0
            cells["goodput"] = .number(counter.goodput(duration: summary.duration))
            cells["slo_attainment"] = .number(attainment)
            cells["slo_met"] = .number(attainment >= spec.attainment ? 1 : 0)
        }
        return cells
    }
}

/// Goodput of a fleet: one ``GoodputSink`` per replica (each follows its replica's slots).
struct ReplicaGoodput: ClusterEventSink {
    let objective: ServiceLevelObjective
    var sinks: [GoodputSink] = []
    /// Each replica's role: a prefill replica's one-token requests are not the client's.
    let roles: [ReplicaRole]

    init(objective: ServiceLevelObjective, roles: [ReplicaRole] = []) {
        self.objective = objective
        self.roles = roles
    }

    mutating func consume(_ event: SimulationEvent, replica: Int) {
        while sinks.count <= replica { sinks.append(GoodputSink(objective: objective)) }
        sinks[replica].consume(event)
    }

    mutating func route(_ record: RouteRecord) {}

    /// The replicas' counts together.
    var total: GoodputCounter {
        var sum = GoodputCounter(objective: objective)
        for (k, s) in sinks.enumerated() where k >= roles.count || roles[k] != .prefill { sum.merge(s.counter) }
        return sum
    }
}
