extension ConfigSchema {
    /// Arrival patterns whose inter-arrival times come from `arrival_rate`.
    static let rateDrivenPatterns: [ArrivalPattern] = [.poisson, .gamma, .uniform, .fixedRate, .sessions]

    /// `[workload]`: how requests arrive and how long they are.
    public static let workload = ConfigTableSchema("workload", keys: [
        .choice("arrival_pattern", nil, label: "arrival pattern",
                doc: "`poisson`, `gamma`, `uniform`, `fixed_rate`, `burst`, `batched`, `closed_loop`, `sessions`, `trace` (below)",
                get: { $0.workload.arrivalPattern }, set: { $0.workload.arrivalPattern = $1 }),
        ConfigKey("arrival_rate", .number, default: .value(.number(0)), range: .positive, unit: "requests/s",
                  doc: "≥ 1e-300, finite (the largest gap, 36.8/`arrival_rate` s for Poisson and up to 343·max(1, `cv`²)/`arrival_rate` s for gamma, must be finite); *required* for `poisson`, `gamma`, `uniform`, `fixed_rate` and `sessions` (where it counts sessions per second); ignored by the other patterns",
                  documentedDefault: "—",
                  checkedWhen: { rateDrivenPatterns.contains($0.workload.arrivalPattern) },
                  requiredWhen: { input in
                      guard let p = choice(input.value("arrival_pattern"), as: ArrivalPattern.self),
                            rateDrivenPatterns.contains(p) else { return nil }
                      return "for arrival_pattern = \"" + p.rawValue + "\""
                  },
                  ignoredWhen: usedOnlyBy(notTrace),
                  get: { .number($0.workload.arrivalRate) },
                  set: { c, v in if let x = v?.numberValue { c.workload.arrivalRate = x } }),
        ConfigKey("cv", .number, default: .value(.number(1)), range: .positive,
                  doc: "in [1e-150, 1e150] for `gamma` and `sessions` (the sampler's shape 1/`cv`² must be finite and nonzero), and 343·`cv`²/`arrival_rate` finite: coefficient of variation of the inter-arrival times (of sessions' starts for `sessions`; 1 = Poisson)",
                  checkedWhen: { $0.workload.arrivalPattern == .gamma || $0.workload.arrivalPattern == .sessions },
                  ignoredWhen: usedOnlyBy([.gamma, .sessions]),
                  get: { .number($0.workload.cv) },
                  set: { c, v in if let x = v?.numberValue { c.workload.cv = x } }),
        .optionalField("num_requests", range: .positive, unit: "requests",
                       doc: "≥ 1; total requests; see the table below for when it is required",
                       get: { $0.workload.numRequests }, set: { $0.workload.numRequests = $1 }),
        .optionalField("duration_secs", range: .positive, unit: "seconds",
                       doc: "> 0; no arrivals after this time; requests in flight still finish",
                       get: { $0.workload.durationSecs }, set: { $0.workload.durationSecs = $1 }),
        ConfigKey("num_concurrent_users", .count, default: .unset, range: .positive, unit: "users",
                  doc: "≥ 1; *required* for `closed_loop`",
                  checkedWhen: { $0.workload.arrivalPattern == .closedLoop },
                  ignoredWhen: usedOnlyBy([.closedLoop]),
                  get: { c in c.workload.numConcurrentUsers.map { .integer($0) } },
                  set: { c, v in c.workload.numConcurrentUsers = v?.integerValue }),
        ConfigKey("think_time", .number, default: .value(.number(0)), range: .nonNegative, unit: "seconds",
                  doc: "≥ 0, finite; `closed_loop`: pause between a user's finished request and its next one",
                  ignoredWhen: usedOnlyBy([.closedLoop]),
                  get: { .number($0.workload.thinkTime) },
                  set: { c, v in if let x = v?.numberValue { c.workload.thinkTime = x } }),
        .seed("seed", 42, doc: "0 … 2⁶³−1; the same config and seed give byte-identical results; `--seed` overrides it",
              get: { $0.workload.seed }, set: { $0.workload.seed = $1 }),
        ConfigKey("trace_path", .text, default: .unset, unit: "path",
                  doc: "*required* for `trace`; relative to the working directory (not to the config file)",
                  unavailableInBrowser: "trace replay needs files: use the command-line tool",
                  ignoredWhen: usedOnlyBy([.trace]),
                  get: { c in c.workload.tracePath.map { .text($0) } },
                  set: { c, v in c.workload.tracePath = v?.textValue }),
        // Checked by the cross-key rules (trace only), and written only for a replay.
        ConfigKey("time_scale", .number, default: .value(.number(1)), unit: "factor",
                  doc: "> 0, finite; `trace` only: every arrival time is multiplied by it",
                  inHeaderWhen: { $0.workload.arrivalPattern == .trace },
                  ignoredWhen: usedOnlyBy([.trace]),
                  get: { .number($0.workload.timeScale) },
                  set: { c, v in if let x = v?.numberValue { c.workload.timeScale = x } }),
        .optionalField("request_timeout", range: .positive, unit: "seconds",
                       doc: "> 0, finite; a request not finished this long after the client sent it is aborted (freed at the next step boundary) and counted as `timed_out`; unset: no timeout",
                       get: { $0.workload.requestTimeout }, set: { $0.workload.requestTimeout = $1 }),
        ConfigKey("warmup_trace", .text, default: .unset, unit: "path",
                  doc: "trace replayed first, excluded from the metrics; the measured requests start when it has drained; relative to the working directory; `--warmup-trace` overrides it",
                  unavailableInBrowser: "a warmup trace needs files: use the command-line tool",
                  get: { c in c.workload.warmupTracePath.map { .text($0) } },
                  set: { c, v in c.workload.warmupTracePath = v?.textValue }),
        distributionKey("input_len_dist", doc: "prompt lengths (below)", default: WorkloadConfig().inputLengths,
                        get: { $0.workload.inputLengths }, set: { $0.workload.inputLengths = $1 }),
        distributionKey("output_len_dist", doc: "output lengths (below)", default: WorkloadConfig().outputLengths,
                        get: { $0.workload.outputLengths }, set: { $0.workload.outputLengths = $1 }),
        sessionDistributionKey("turns_per_session_dist", unit: "turns",
                               doc: "`sessions`: turns per session, the first included (a length distribution, below)",
                               default: WorkloadConfig().turnsPerSession,
                               get: { $0.workload.turnsPerSession }, set: { $0.workload.turnsPerSession = $1 }),
        sessionDistributionKey("turn_input_len_dist", unit: "tokens",
                               doc: "`sessions`: new user tokens each turn after the first appends to the conversation (the first turn's prompt comes from `input_len_dist`)",
                               default: WorkloadConfig().turnInputLengths,
                               get: { $0.workload.turnInputLengths }, set: { $0.workload.turnInputLengths = $1 }),
        sessionDistributionKey("think_time_ms_dist", unit: "milliseconds",
                               doc: "`sessions`: pause between a turn's finish (as the client sees it) and the session's next turn; samples are whole milliseconds ≥ 1",
                               default: WorkloadConfig().thinkTimeMs,
                               get: { $0.workload.thinkTimeMs }, set: { $0.workload.thinkTimeMs = $1 }),
    ], rules: { c, issues in c.workloadRules(&issues) })

    /// A length-distribution key of `arrival_pattern = "sessions"`: required there, ignored
    /// (with a warning) elsewhere, and in the event-log header only for sessions, so that the
    /// header of every other workload stays as it was.
    private static func sessionDistributionKey(
        _ name: String, unit: String, doc: String, default value: LengthDistribution,
        get: @escaping @Sendable (SimulatorConfig) -> LengthDistribution,
        set: @escaping @Sendable (inout SimulatorConfig, LengthDistribution) -> Void
    ) -> ConfigKey {
        ConfigKey(name, .distribution, default: .value(.distribution(value)), unit: unit, doc: doc,
                  documentedDefault: "*required* for `sessions`",
                  inHeaderWhen: { $0.workload.arrivalPattern == .sessions },
                  requiredWhen: { input in
                      guard let p = choice(input.value("arrival_pattern"), as: ArrivalPattern.self), p == .sessions
                      else { return nil }
                      return "for arrival_pattern = \"sessions\""
                  },
                  ignoredWhen: usedOnlyBy([.sessions]),
                  get: { .distribution(get($0)) },
                  set: { c, v in if let d = v?.distributionValue { set(&c, d) } })
    }

    /// Every pattern but `trace` (whose trace gives the arrival times and lengths).
    static let notTrace = ArrivalPattern.allCases.filter { $0 != .trace }

    /// The warning for a key given with an arrival pattern that does not use it. (`arrival_rate`
    /// is warned about only with a trace: the original's configs state it for every pattern.)
    static func usedOnlyBy(_ patterns: [ArrivalPattern]) -> @Sendable (ConfigTableInput) -> String? {
        { input in
            guard let p = choice(input.value("arrival_pattern"), as: ArrivalPattern.self), !patterns.contains(p)
            else { return nil }
            if p == .trace { return "ignored with arrival_pattern = \"trace\" (the trace gives the arrival times and lengths)" }
            var names = ""
            for q in patterns { names += (names.isEmpty ? "" : ", ") + "\"" + q.rawValue + "\"" }
            return "ignored: it applies only to arrival_pattern = " + names + ", not \"" + p.rawValue + "\""
        }
    }

    /// A length-distribution key: required by every pattern but `trace` (a trace carries its
    /// own lengths).
    private static func distributionKey(
        _ name: String, doc: String, default value: LengthDistribution,
        get: @escaping @Sendable (SimulatorConfig) -> LengthDistribution,
        set: @escaping @Sendable (inout SimulatorConfig, LengthDistribution) -> Void
    ) -> ConfigKey {
        ConfigKey(name, .distribution, default: .value(.distribution(value)), unit: "tokens", doc: doc,
                  documentedDefault: "*required* except for `trace`",
                  requiredWhen: { input in
                      guard let p = choice(input.value("arrival_pattern"), as: ArrivalPattern.self), p != .trace
                      else { return nil }
                      return ""
                  },
                  ignoredWhen: usedOnlyBy(notTrace),
                  get: { .distribution(get($0)) },
                  set: { c, v in if let d = v?.distributionValue { set(&c, d) } })
    }
}
