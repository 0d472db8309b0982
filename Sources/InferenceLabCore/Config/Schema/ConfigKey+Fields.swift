/// The short forms of the plain keys, so that a table reads as a table: one call per key
/// with its name, default, range, unit, doc and field. Keys with conditions, hooks or a
/// documented default of their own use ``ConfigKey/init(_:_:default:range:unit:doc:documentedDefault:role:unavailableInBrowser:checkedWhen:inHeaderWhen:requiredWhen:ignoredWhen:get:set:)``.
extension ConfigKey {
    /// A key for a non-optional field of ``SimulatorConfig`` (`Int`, `Double`, `Bool`,
    /// `String`); a value of another type leaves the field as it is.
    public static func field<T: ConfigFieldValue>(
        _ name: String, _ defaultValue: FieldDefault<T>, range: ConfigRange = .any, unit: String = "—", doc: String,
        unavailableInBrowser: String? = nil,
        checkedWhen: (@Sendable (SimulatorConfig) -> Bool)? = nil, inHeaderWhen: (@Sendable (SimulatorConfig) -> Bool)? = nil,
        get: @escaping @Sendable (SimulatorConfig) -> T,
        set: @escaping @Sendable (inout SimulatorConfig, T) -> Void
    ) -> ConfigKey {
        ConfigKey(name, T.configKind, default: defaultValue.configDefault, range: range, unit: unit, doc: doc,
                  unavailableInBrowser: unavailableInBrowser, checkedWhen: checkedWhen, inHeaderWhen: inHeaderWhen,
                  get: { get($0).configValue },
                  set: { c, v in if let v, let x = T.read(v) { set(&c, x) } })
    }

    /// A key for an optional field: unset by default and left out of the event-log header
    /// while `nil`; a value of another type unsets it.
    public static func optionalField<T: ConfigFieldValue>(
        _ name: String, range: ConfigRange = .any, unit: String = "—", doc: String, documentedDefault: String? = nil,
        inHeaderWhen: (@Sendable (SimulatorConfig) -> Bool)? = nil,
        get: @escaping @Sendable (SimulatorConfig) -> T?,
        set: @escaping @Sendable (inout SimulatorConfig, T?) -> Void
    ) -> ConfigKey {
        ConfigKey(name, T.configKind, default: .unset, range: range, unit: unit, doc: doc,
                  documentedDefault: documentedDefault, inHeaderWhen: inHeaderWhen,
                  get: { get($0)?.configValue },
                  set: { c, v in set(&c, v.flatMap(T.read)) })
    }

    /// A key naming one case of `E` (its raw value, matched ignoring ASCII case), required when
    /// `defaultValue` is nil; `label` names the value in messages (`unknown policy "lifo"`).
    public static func choice<E: CaseIterable & RawRepresentable & Sendable>(
        _ name: String, _ defaultValue: E?, label: String, doc: String, unavailableInBrowser: String? = nil,
        get: @escaping @Sendable (SimulatorConfig) -> E,
        set: @escaping @Sendable (inout SimulatorConfig, E) -> Void
    ) -> ConfigKey where E.RawValue == String {
        ConfigKey(name, .choice(ConfigSchema.choices(E.self), label: label),
                  default: defaultValue.map { .value(.text($0.rawValue)) } ?? .required, doc: doc,
                  unavailableInBrowser: unavailableInBrowser,
                  get: { .text(get($0).rawValue) },
                  set: { c, v in if let e = ConfigSchema.choice(v, as: E.self) { set(&c, e) } })
    }

    /// A seed: read as a signed integer, so that a negative seed is an error, never a trap
    /// (0 … 2⁶³−1), and stored as a `UInt64` (which code may set above `Int.max`).
    public static func seed(
        _ name: String, _ defaultValue: UInt64, doc: String, unavailableInBrowser: String? = nil,
        get: @escaping @Sendable (SimulatorConfig) -> UInt64,
        set: @escaping @Sendable (inout SimulatorConfig, UInt64) -> Void
    ) -> ConfigKey {
        ConfigKey(name, .integer(0...Int.max), default: .value(.unsigned(defaultValue)), doc: doc,
                  unavailableInBrowser: unavailableInBrowser,
                  get: { .unsigned(get($0)) },
                  set: { c, v in
                      switch v {
                      case .unsigned(let u)?: set(&c, u)
                      case .integer(let i)? where i >= 0: set(&c, UInt64(i))
                      default: break
                      }
                  })
    }
}
