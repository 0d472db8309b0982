extension ConfigSchema {
    /// `[compute]`: which step-time model prices a scheduled batch, and its parameters.
    public static let compute = ConfigTableSchema("compute", keys: [
        ConfigKey("model", .choice(choices(ComputeModelKind.self), label: "compute model"), default: .value(.text("roofline")),
                  doc: "`roofline`, `linear` or `calibrated`",
                  get: { .text($0.compute.model.rawValue) },
                  set: { c, v in if let m = choice(v, as: ComputeModelKind.self) { c.compute.model = m } }),
        linearKey("base_seconds", doc: "≥ 0; `linear`: fixed time per step",
                  get: { $0.compute.baseSeconds }, set: { $0.compute.baseSeconds = $1 }),
        linearKey("per_token_seconds", doc: "≥ 0; `linear`: time per scheduled token",
                  get: { $0.compute.perTokenSeconds }, set: { $0.compute.perTokenSeconds = $1 }),
        linearKey("per_request_seconds", doc: "≥ 0; `linear`: time per scheduled request; the three must not all be 0",
                  get: { $0.compute.perRequestSeconds }, set: { $0.compute.perRequestSeconds = $1 }),
        .preset(doc: "start from a calibration profile"),
    ] + calibrationFactorDeclarations, rules: { c, issues in c.computeRules(&issues) })

    /// The calibrated model's factor keys: setting any of them by hand means the file
    /// describes its own factors (no calibration profile is picked for it).
    private static let calibrationFactorDeclarations: [ConfigKey] = [
        calibrationKey("compute_efficiency", 1, .fraction, "fraction",
                       doc: "(0, 1]; `calibrated`: share of peak FLOP/s the weight matmuls reach",
                       get: { $0.computeEfficiency }, set: { $0.computeEfficiency = $1 }),
        calibrationKey("memory_efficiency", 1, .fraction, "fraction",
                       doc: "(0, 1]; `calibrated`: share of peak bandwidth the weight matmuls reach",
                       get: { $0.memoryEfficiency }, set: { $0.memoryEfficiency = $1 }),
        calibrationKey("attention_compute_efficiency", 1, .fraction, "fraction",
                       doc: "(0, 1]; `calibrated`: share of peak FLOP/s attention reaches",
                       get: { $0.attentionComputeEfficiency }, set: { $0.attentionComputeEfficiency = $1 }),
        calibrationKey("attention_memory_efficiency", 1, .fraction, "fraction",
                       doc: "(0, 1]; `calibrated`: share of peak bandwidth attention reaches reading the paged KV cache",
                       get: { $0.attentionMemoryEfficiency }, set: { $0.attentionMemoryEfficiency = $1 }),
        calibrationKey("interconnect_efficiency", 1, .fraction, "fraction",
                       doc: "(0, 1]; `calibrated`: share of `interconnect_bandwidth` the all-reduces reach",
                       get: { $0.interconnectEfficiency }, set: { $0.interconnectEfficiency = $1 }),
        calibrationKey("step_overhead_seconds", 0, .nonNegativeSeconds, "seconds",
                       doc: "≥ 0; `calibrated`: added to every non-empty step",
                       get: { $0.stepOverheadSeconds }, set: { $0.stepOverheadSeconds = $1 }),
        calibrationKey("layer_overhead_seconds", 0, .nonNegativeSeconds, "seconds",
                       doc: "≥ 0; `calibrated`: added per layer per step",
                       get: { $0.layerOverheadSeconds }, set: { $0.layerOverheadSeconds = $1 }),
        calibrationKey("token_overhead_seconds", 0, .nonNegativeSeconds, "seconds",
                       doc: "≥ 0; `calibrated`: per token per layer, divided by the TP size",
                       get: { $0.tokenOverheadSeconds }, set: { $0.tokenOverheadSeconds = $1 }),
    ]

    /// The names of the calibration-factor keys of `[compute]`, in declaration order.
    public static var calibrationFactorKeys: [String] { calibrationFactorDeclarations.map { $0.name } }

    /// The `[compute]` preset-resolution hook: whether the calibration profile of the
    /// `[hardware] preset` GPU stands in for what the file leaves out of `[compute]`. It does
    /// when the file has no `[compute]` table (a GPU without a profile then keeps the default),
    /// and when `[compute]` says `model = "calibrated"` with neither `preset` nor any factor key
    /// (a GPU without a profile is then an error). `isGiven` says whether the file's `[compute]`
    /// has a key; `model` is its `model` text, if any.
    public static func computeUsesHardwareProfile(tablePresent: Bool, model: String?,
                                                  isGiven: (String) -> Bool) -> Bool {
        guard tablePresent else { return true }
        if isGiven("preset") { return false }
        guard let model, model.lowercased() == ComputeModelKind.calibrated.rawValue else { return false }
        return !calibrationFactorKeys.contains(where: isGiven)
    }

    /// A coefficient of the linear model: seconds, ≥ 0, checked only for `model = "linear"`.
    private static func linearKey(
        _ name: String, doc: String,
        get: @escaping @Sendable (SimulatorConfig) -> Double,
        set: @escaping @Sendable (inout SimulatorConfig, Double) -> Void
    ) -> ConfigKey {
        ConfigKey(name, .number, default: .value(.number(0)), range: .nonNegative, unit: "seconds", doc: doc,
                  checkedWhen: { $0.compute.model == .linear },
                  get: { .number(get($0)) },
                  set: { c, v in if let x = v?.numberValue { set(&c, x) } })
    }

    /// A calibration factor: checked, and written into the header, only for
    /// `model = "calibrated"`.
    private static func calibrationKey(
        _ name: String, _ defaultValue: Double, _ range: ConfigRange, _ unit: String, doc: String,
        get: @escaping @Sendable (CalibrationFactors) -> Double,
        set: @escaping @Sendable (inout CalibrationFactors, Double) -> Void
    ) -> ConfigKey {
        ConfigKey(name, .number, default: .value(.number(defaultValue)), range: range, unit: unit, doc: doc,
                  checkedWhen: { $0.compute.model == .calibrated },
                  inHeaderWhen: { $0.compute.model == .calibrated },
                  get: { .number(get($0.compute.calibration)) },
                  set: { c, v in if let x = v?.numberValue { set(&c.compute.calibration, x) } })
    }
}
