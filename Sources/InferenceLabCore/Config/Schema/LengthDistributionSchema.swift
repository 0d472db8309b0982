/// The keys of a length-distribution sub-table (`[workload.input_len_dist]`): a `type` and
/// that type's parameters. Readers check the structure in their own words and then build the
/// distribution with ``make(type:_:)``; the header JSON writes it with ``parameters(of:)``.
public enum LengthDistributionSchema {
    /// One `type` and its parameter keys (after `type`), with their kinds.
    public struct Shape: Sendable {
        /// The type's name (`lognormal`).
        public let type: String
        /// The parameters, in order.
        public let parameters: [(name: String, kind: ConfigValueKind)]

        /// Every key this type allows, `type` first.
        public var keys: [String] { ["type"] + parameters.map { $0.name } }
    }

    /// The types, in the order messages list them.
    public static let shapes: [Shape] = [
        Shape(type: "fixed", parameters: [("value", .count)]),
        Shape(type: "uniform", parameters: [("min", .count), ("max", .count)]),
        Shape(type: "normal", parameters: [("mean", .number), ("std_dev", .number)]),
        Shape(type: "lognormal", parameters: [("mean", .number), ("std_dev", .number)]),
    ]

    /// The type names.
    public static var types: [String] { shapes.map { $0.type } }

    /// Every key some type takes.
    public static let allKeys = ["type", "value", "min", "max", "mean", "std_dev"]

    /// The shape of `type` (canonical spelling, lower case), if it is one.
    public static func shape(_ type: String) -> Shape? {
        for shape in shapes where sameName(shape.type, type) { return shape }
        return nil
    }

    /// The distribution of `type` from its parameters' converted values.
    ///
    /// - Returns: the distribution, or nil with the missing parameters (each required
    ///   `for type = "…"`); a parameter that is present but unusable makes it nil silently.
    public static func make(type: String, _ input: ConfigTableInput) -> (LengthDistribution?, [MissingConfigKey]) {
        guard let shape = shape(type) else { return (nil, []) }
        var values: [ConfigValue] = []
        var missing: [MissingConfigKey] = []
        for p in shape.parameters {
            if let v = input.value(p.name) { values.append(v); continue }
            if !input.isPresent(p.name) {
                missing.append(MissingConfigKey(name: p.name, reason: "for type = \"" + type + "\""))
            }
        }
        guard values.count == shape.parameters.count else { return (nil, missing) }
        switch type {
        case "fixed": return (.fixed(values[0].integerValue ?? 0), [])
        case "uniform": return (.uniform(min: values[0].integerValue ?? 0, max: values[1].integerValue ?? 0), [])
        case "normal": return (.normal(mean: values[0].numberValue ?? 0, stdDev: values[1].numberValue ?? 0), [])
        default: return (.lognormal(mean: values[0].numberValue ?? 0, stdDev: values[1].numberValue ?? 0), [])
        }
    }

    /// `d`'s type and parameters, in the order of its shape.
    public static func parameters(of d: LengthDistribution) -> (type: String, values: [(name: String, value: ConfigValue)]) {
        switch d {
        case .fixed(let v): return ("fixed", [("value", .integer(v))])
        case .uniform(let lo, let hi): return ("uniform", [("min", .integer(lo)), ("max", .integer(hi))])
        case .normal(let m, let sd): return ("normal", [("mean", .number(m)), ("std_dev", .number(sd))])
        case .lognormal(let m, let sd): return ("lognormal", [("mean", .number(m)), ("std_dev", .number(sd))])
        }
    }
}
