extension ConfigSchema {
    /// `[compute]`: which step-time model prices a scheduled batch, and its parameters.
    public static let compute = ConfigTableSchema("compute", keys: [
        .choice("model", ComputeModelKind.roofline, label: "compute model", doc: "`roofline`, `linear` or `calibrated`",
                get: { $0.compute.model }, set: { $0.compute.model = $1 }),
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
        calibrationKey("compute_efficiency", .efficiency, "share of peak FLOP/s the weight matmuls reach", { $0.computeEfficiency }, { $0.computeEfficiency = $1 }),
        calibrationKey("memory_efficiency", .efficiency, "share of peak bandwidth the weight matmuls reach", { $0.memoryEfficiency }, { $0.memoryEfficiency = $1 }),
        calibrationKey("attention_compute_efficiency", .efficiency, "share of peak FLOP/s attention reaches", { $0.attentionComputeEfficiency }, { $0.attentionComputeEfficiency = $1 }),
        calibrationKey("attention_memory_efficiency", .efficiency, "share of peak bandwidth attention reaches reading the paged KV cache", { $0.attentionMemoryEfficiency }, { $0.attentionMemoryEfficiency = $1 }),
        calibrationKey("interconnect_efficiency", .efficiency, "share of `interconnect_bandwidth` the all-reduces reach", { $0.interconnectEfficiency }, { $0.interconnectEfficiency = $1 }),
        calibrationKey("step_overhead_seconds", .overhead, "added to every non-empty step", { $0.stepOverheadSeconds }, { $0.stepOverheadSeconds = $1 }),
        calibrationKey("layer_overhead_seconds", .overhead, "added per layer per step", { $0.layerOverheadSeconds }, { $0.layerOverheadSeconds = $1 }),
        calibrationKey("token_overhead_seconds", .overhead, "per token per layer, divided by the TP size", { $0.tokenOverheadSeconds }, { $0.tokenOverheadSeconds = $1 }),
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
        .field(name, 0, range: .nonNegative, unit: "seconds", doc: doc, checkedWhen: { $0.compute.model == .linear },
               get: get, set: set)
    }

    /// The two kinds of calibration factor: an efficiency (a fraction in (0, 1], default 1)
    /// or an overhead (seconds, ≥ 0, default 0).
    private enum CalibrationFactorKind {
        case efficiency, overhead
    }

    /// A calibration factor: checked, and written into the header, only for
    /// `model = "calibrated"`; `meaning` follows the range in the doc.
    private static func calibrationKey(
        _ name: String, _ kind: CalibrationFactorKind, _ meaning: String,
        _ get: @escaping @Sendable (CalibrationFactors) -> Double,
        _ set: @escaping @Sendable (inout CalibrationFactors, Double) -> Void
    ) -> ConfigKey {
        let efficiency = kind == .efficiency
        return ConfigKey(name, .number, default: .value(.number(efficiency ? 1 : 0)),
                         range: efficiency ? .fraction : .nonNegativeSeconds, unit: efficiency ? "fraction" : "seconds",
                         doc: (efficiency ? "(0, 1]" : "≥ 0") + "; `calibrated`: " + meaning,
                         checkedWhen: { $0.compute.model == .calibrated },
                         inHeaderWhen: { $0.compute.model == .calibrated },
                         get: { .number(get($0.compute.calibration)) },
                         set: { c, v in if let x = v?.numberValue { set(&c.compute.calibration, x) } })
    }
}
