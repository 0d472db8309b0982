extension ConfigDocumentReader {
    /// Arrival patterns whose inter-arrival times come from `arrival_rate`.
    private static let rateDriven: [ArrivalPattern] = [.poisson, .gamma, .uniform, .fixedRate]

    /// Keys that only some arrival patterns use; given with another, they are warned about.
    /// `arrival_rate` only with a trace: the original's configs state it for every pattern.
    private static let patternKeys: [(key: String, patterns: [ArrivalPattern])] = [
        ("arrival_rate", ArrivalPattern.allCases.filter { $0 != .trace }), ("cv", [.gamma]),
        ("num_concurrent_users", [.closedLoop]), ("think_time", [.closedLoop]),
        ("trace_path", [.trace]), ("time_scale", [.trace]),
        ("input_len_dist", ArrivalPattern.allCases.filter { $0 != .trace }),
        ("output_len_dist", ArrivalPattern.allCases.filter { $0 != .trace }),
    ]

    mutating func readWorkload(_ t: ConfigTableReader) -> WorkloadConfig? {
        guard t.isPresent else { return nil }
        let d = WorkloadConfig()
        let pattern = t.require(
            t.choice("arrival_pattern", what: "arrival pattern", as: ArrivalPattern.self, &diagnostics),
            "arrival_pattern", &diagnostics)

        if let pattern {
            for (key, patterns) in Self.patternKeys where t.has(key) && !patterns.contains(pattern) {
                let names = patterns.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                warnings.append((t.path + [key], pattern == .trace
                    ? "ignored with arrival_pattern = \"trace\" (the trace gives the arrival times and lengths)"
                    : "ignored: it applies only to arrival_pattern = \(names), not \"\(pattern.rawValue)\""))
            }
        }

        var rate = t.double("arrival_rate", &diagnostics)
        if let pattern, Self.rateDriven.contains(pattern) {
            rate = t.require(rate, "arrival_rate", because: "for arrival_pattern = \"\(pattern.rawValue)\"", &diagnostics)
        }

        var seed: UInt64 = d.seed
        if t.has("seed") {
            // Read as a signed integer: a negative seed is an error, never a trap.
            if let s = t.integer("seed", maximum: .max, &diagnostics) { seed = UInt64(s) }
        }

        // A generator needs lengths; a trace carries its own.
        let needsLengths = pattern != nil && pattern != ArrivalPattern.trace
        let input = readDistribution(in: t, key: "input_len_dist", required: needsLengths)
        let output = readDistribution(in: t, key: "output_len_dist", required: needsLengths)

        return WorkloadConfig(
            arrivalPattern: pattern ?? d.arrivalPattern,
            arrivalRate: rate ?? 0,
            cv: t.double("cv", &diagnostics) ?? 1,
            numRequests: t.integer("num_requests", &diagnostics),
            durationSecs: t.double("duration_secs", &diagnostics),
            numConcurrentUsers: t.integer("num_concurrent_users", &diagnostics),
            thinkTime: t.double("think_time", &diagnostics) ?? 0,
            inputLengths: input ?? d.inputLengths,
            outputLengths: output ?? d.outputLengths,
            seed: seed,
            tracePath: t.string("trace_path", &diagnostics),
            timeScale: t.double("time_scale", &diagnostics) ?? 1)
    }

    /// `[workload.<key>]` (or an inline table): `type` and that type's parameters.
    private mutating func readDistribution(in workload: ConfigTableReader, key: String,
                                           required: Bool) -> LengthDistribution? {
        guard let node = workload.entries[key] else {
            if required { workload.require(LengthDistribution?.none, key, &diagnostics) }
            return nil
        }
        guard case .table = node else {
            diagnostics.report(.value, at: workload.path + [key],
                               "expected a table ([workload.\(key)] with a type), got \(node.kindAndValue)")
            return nil
        }
        let t = ConfigTableReader(path: workload.path + [key], node: node)
        let types = ConfigSchema.distributionKeys.map(\.type)
        guard let rawType = t.require(t.string("type", &diagnostics), "type", &diagnostics) else {
            t.rejectUnknownKeys(allowed: ConfigSchema.allDistributionKeys, &diagnostics)
            return nil
        }
        let type = rawType.lowercased()
        guard let keys = ConfigSchema.distributionKeys.first(where: { $0.type == type })?.keys else {
            var message = "unknown distribution type \"\(rawType)\""
            if let near = NameSuggestion.nearest(to: rawType, among: types) {
                message += "; did you mean \"\(near)\"? Valid values: "
            } else {
                message += "; valid values: "
            }
            message += types.joined(separator: ", ")
            diagnostics.report(.value, at: t.path + ["type"], message)
            return nil
        }
        t.rejectUnknownKeys(allowed: keys, context: "[\(t.path.joined(separator: "."))] with type = \"\(type)\"",
                            &diagnostics)
        switch type {
        case "fixed":
            let value = t.require(t.integer("value", &diagnostics), "value", because: "for type = \"fixed\"", &diagnostics)
            return value.map { .fixed($0) }
        case "uniform":
            let lo = t.require(t.integer("min", &diagnostics), "min", because: "for type = \"uniform\"", &diagnostics)
            let hi = t.require(t.integer("max", &diagnostics), "max", because: "for type = \"uniform\"", &diagnostics)
            guard let lo, let hi else { return nil }
            return .uniform(min: lo, max: hi)
        default:
            let reason = "for type = \"\(type)\""
            let mean = t.require(t.double("mean", &diagnostics), "mean", because: reason, &diagnostics)
            let sd = t.require(t.double("std_dev", &diagnostics), "std_dev", because: reason, &diagnostics)
            guard let mean, let sd else { return nil }
            return type == "normal" ? .normal(mean: mean, stdDev: sd) : .lognormal(mean: mean, stdDev: sd)
        }
    }
}
