/// The config schema: every table and key a config may contain, declared once.
///
/// Each table is declared in its own file (`ConfigSchema+Hardware.swift`, …) as a
/// ``ConfigTableSchema`` listing its ``ConfigKey``s. Everything that handles config keys is
/// driven by these declarations:
///
/// - the TOML loader (`InferenceLab.ConfigLoader`): which tables and keys exist, their types,
///   defaults and requirements, "did you mean" suggestions;
/// - the browser's flat keys (`InferenceLabWasm.FlatConfig`);
/// - the event-log header's config JSON (`InferenceLab.resolvedConfigJSON`);
/// - ``SimulatorConfig/validate()``: each key's range, then each table's cross-key rules;
/// - docs/configuration.md, whose key tables a test compares with ``ConfigKey/documentationRow``.
///
/// Adding a key: add its field to the table's struct, declare it in that table's file, and
/// document it (the test prints the row to paste); see docs/configuration.md, "Adding a key".
public enum ConfigSchema {
    /// The tables in file order.
    public static let tables: [ConfigTableSchema] = [hardware, model, scheduler, workload, compute, engine, simulation, cluster]

    /// The table names, in order.
    public static var tableNames: [String] { tables.map { $0.name } }

    /// The table called `name`.
    public static func table(_ name: String) -> ConfigTableSchema? {
        for table in tables where sameName(table.name, name) { return table }
        return nil
    }

    /// The key names of the table `table`.
    public static func keys(of table: String) -> [String]? { self.table(table)?.keyNames }

    /// The first table that defines `key`, if `key` is valid somewhere.
    public static func table(defining key: String) -> String? {
        for table in tables where table.key(key) != nil { return table.name }
        return nil
    }

    /// The length-distribution types with their keys (`type` first).
    public static var distributionKeys: [(type: String, keys: [String])] {
        LengthDistributionSchema.shapes.map { ($0.type, $0.keys) }
    }

    /// Every key some length-distribution type takes.
    public static var allDistributionKeys: [String] { LengthDistributionSchema.allKeys }

    /// The case of `E` whose raw value is `raw` (byte-wise), for choice keys.
    static func choice<E: CaseIterable & RawRepresentable>(_ value: ConfigValue?, as type: E.Type) -> E?
    where E.RawValue == String {
        guard let raw = value?.textValue else { return nil }
        for c in E.allCases where sameName(c.rawValue, raw) { return c }
        return nil
    }

    /// The raw values of `E`'s cases, for a choice key's kind.
    static func choices<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String] where E.RawValue == String {
        type.allCases.map { $0.rawValue }
    }
}

extension ConfigSchema {
    /// Whether two config values are the same value (integers and numbers compared as numbers).
    public static func sameValue(_ a: ConfigValue, _ b: ConfigValue) -> Bool {
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.text(let x), .text(let y)): return sameName(x, y)
        case (.distribution(let x), .distribution(let y)): return x == y
        default:
            guard let x = a.numberValue, let y = b.numberValue else { return false }
            return x == y
        }
    }
}
