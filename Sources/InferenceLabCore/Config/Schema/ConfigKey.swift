/// One key of a config table, declared once: its name, type, default, valid range, unit and
/// documentation, and how it reads and writes its ``SimulatorConfig`` field.
///
/// The TOML loader, the browser's `FlatConfig`, the event-log header's config JSON,
/// ``SimulatorConfig/validate()`` (ranges) and the test that checks docs/configuration.md all
/// iterate over these declarations (``ConfigSchema/tables``). Fields are reached through
/// closures, not key paths, because Embedded Swift has no key paths.
public struct ConfigKey: Sendable {
    /// The key as written in TOML (`max_num_seqs`).
    public let name: String
    /// The value's type, and for integers the range a reader accepts at all.
    public let kind: ConfigValueKind
    /// What a table that is present but leaves the key out gives it.
    public let defaultValue: ConfigDefault
    /// The valid range, checked by ``SimulatorConfig/validate()``.
    public let range: ConfigRange
    /// SI unit (or `—`), as docs/configuration.md states it.
    public let unit: String
    /// The "valid range and meaning" cell of docs/configuration.md: one line.
    public let doc: String
    /// Whether the key holds a value, names a preset, or feeds a table hook.
    public let role: ConfigKeyRole
    /// Whether the browser build (`FlatConfig`) accepts the key; `nil` when it does, else why
    /// not (presets are resolved by the page, trace files need the command-line tool).
    public let unavailableInBrowser: String?
    /// Reads the field; `nil` for an unset optional (left out of the event-log header).
    public let get: @Sendable (SimulatorConfig) -> ConfigValue?
    /// Writes the field; `nil` unsets an optional field (a required field keeps its value).
    public let set: @Sendable (inout SimulatorConfig, ConfigValue?) -> Void
    /// When the range applies (e.g. only for `model = "linear"`); nil: always.
    public let checkedWhen: (@Sendable (SimulatorConfig) -> Bool)?
    /// When the key is written into the event-log header (when it is not `nil`); nil: always.
    public let inHeaderWhen: (@Sendable (SimulatorConfig) -> Bool)?
    /// For a key required only in some situations: the reason it is required given the
    /// table's other values (`""` for no stated reason), or nil when it is not.
    public let requiredWhen: (@Sendable (ConfigTableInput) -> String?)?
    /// For a key that is valid but has no effect given the table's other values (`think_time`
    /// with Poisson arrivals): the warning to print when the file states it; nil: always used.
    public let ignoredWhen: (@Sendable (ConfigTableInput) -> String?)?
    /// The docs' default cell when it is not the default value itself (`derived`).
    private let defaultDocOverride: String?

    public init(
        _ name: String,
        _ kind: ConfigValueKind,
        default defaultValue: ConfigDefault,
        range: ConfigRange = .any,
        unit: String = "—",
        doc: String,
        documentedDefault: String? = nil,
        role: ConfigKeyRole = .value,
        unavailableInBrowser: String? = nil,
        checkedWhen: (@Sendable (SimulatorConfig) -> Bool)? = nil,
        inHeaderWhen: (@Sendable (SimulatorConfig) -> Bool)? = nil,
        requiredWhen: (@Sendable (ConfigTableInput) -> String?)? = nil,
        ignoredWhen: (@Sendable (ConfigTableInput) -> String?)? = nil,
        get: @escaping @Sendable (SimulatorConfig) -> ConfigValue?,
        set: @escaping @Sendable (inout SimulatorConfig, ConfigValue?) -> Void
    ) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.range = range
        self.unit = unit
        self.doc = doc
        self.defaultDocOverride = documentedDefault
        self.role = role
        self.unavailableInBrowser = unavailableInBrowser
        self.checkedWhen = checkedWhen
        self.inHeaderWhen = inHeaderWhen
        self.requiredWhen = requiredWhen
        self.ignoredWhen = ignoredWhen
        self.get = get
        self.set = set
    }

    /// A key that only names a catalog preset (`preset`).
    public static func preset(doc: String) -> ConfigKey {
        ConfigKey("preset", .text, default: .unset, doc: doc, role: .presetName,
                  unavailableInBrowser: "resolve catalog presets before setting keys",
                  get: { _ in nil }, set: { _, _ in })
    }

    /// The docs' default cell: `*required*`, `—`, the value, or the declared wording.
    public var documentedDefault: String {
        if let defaultDocOverride { return defaultDocOverride }
        switch defaultValue {
        case .required: return "*required*"
        case .unset: return "—"
        case .value(let v):
            switch v {
            case .integer(let i): return "\(i)"
            case .unsigned(let u): return "\(u)"
            case .number(let x):
                return x == x.rounded() && abs(x) < 1e15 ? "\(Int(x))" : "\(x)"
            case .boolean(let b): return b ? "true" : "false"
            case .text(let t): return "`\"" + t + "\"`"
            case .distribution: return "—"
            }
        }
    }

    /// The docs' row for this key: `` | `name` | type | default | unit | doc | ``.
    public var documentationRow: String {
        "| `" + name + "` | " + kind.documentedName + " | " + documentedDefault + " | " + unit + " | " + doc + " |"
    }
}
