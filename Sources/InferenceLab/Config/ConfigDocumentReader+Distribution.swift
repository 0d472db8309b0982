extension ConfigDocumentReader {
    /// `[workload.<key>]` (or an inline table): `type` and that type's parameters, as
    /// ``LengthDistributionSchema`` declares them.
    mutating func readDistribution(in workload: ConfigTableReader, key: String) -> ConfigValue? {
        guard let node = workload.entries[key] else { return nil }
        guard case .table = node else {
            diagnostics.report(.value, at: workload.path + [key],
                               "expected a table ([workload.\(key)] with a type), got \(node.kindAndValue)")
            return nil
        }
        let t = ConfigTableReader(path: workload.path + [key], node: node)
        let types = LengthDistributionSchema.types
        guard let rawType = t.string("type", &diagnostics) else {
            t.report(t.has("type") ? [] : [MissingConfigKey(name: "type")], &diagnostics)
            t.rejectUnknownKeys(allowed: LengthDistributionSchema.allKeys, &diagnostics)
            return nil
        }
        let type = rawType.lowercased()
        guard let shape = LengthDistributionSchema.shape(type) else {
            diagnostics.report(.value, at: t.path + ["type"],
                               NameSuggestion.unknownValueMessage("distribution type", rawType, among: types))
            return nil
        }
        t.rejectUnknownKeys(allowed: shape.keys, context: "[\(t.path.joined(separator: "."))] with type = \"\(type)\"",
                            &diagnostics)
        var values: [String: ConfigValue] = [:]
        for p in shape.parameters where t.has(p.name) {
            switch p.kind {
            case .integer(let range):
                values[p.name] = t.integer(p.name, minimum: range.lowerBound, maximum: range.upperBound, &diagnostics)
                    .map { .integer($0) }
            default:
                values[p.name] = t.double(p.name, &diagnostics).map { .number($0) }
            }
        }
        let (distribution, missing) = LengthDistributionSchema.make(
            type: type, ConfigTableInput(value: { values[$0] }, isPresent: { t.has($0) }))
        t.report(missing, &diagnostics)
        return distribution.map { .distribution($0) }
    }
}
