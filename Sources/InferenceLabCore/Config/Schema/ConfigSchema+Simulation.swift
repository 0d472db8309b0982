extension ConfigSchema {
    /// `[simulation]`: the original project's table, kept so that its configs load. Left out,
    /// it still means `log_interval = 100` (the built-in default has 5, as `configs/config.toml`).
    public static let simulation = ConfigTableSchema("simulation", keys: [
        ConfigKey("log_interval", .count, default: .value(.integer(100)), range: .positive, unit: "steps",
                  doc: "≥ 1; kept so that the original project's configs load; validated and recorded in the event-log header, but it does not change the run or its output",
                  documentedDefault: "100 (5 in the built-in default)",
                  get: { .integer($0.logInterval) },
                  set: { c, v in if let i = v?.integerValue { c.logInterval = i } }),
    ], readsDefaultsWhenAbsent: true)
}
