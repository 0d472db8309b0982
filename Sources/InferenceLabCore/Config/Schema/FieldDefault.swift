/// The default of a key declared with ``ConfigKey/field(_:_:range:unit:doc:checkedWhen:inHeaderWhen:get:set:)``:
/// required, or a value written as a literal (`256`, `0.9`, `true`).
public enum FieldDefault<Value: ConfigFieldValue>: Sendable {
    /// No default: leaving the key out is an error.
    case required
    /// This value.
    case value(Value)

    /// The schema's form of the default.
    var configDefault: ConfigDefault {
        switch self {
        case .required: return .required
        case .value(let v): return .value(v.configValue)
        }
    }
}

extension FieldDefault: ExpressibleByIntegerLiteral where Value: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Value.IntegerLiteralType) { self = .value(Value(integerLiteral: value)) }
}

extension FieldDefault: ExpressibleByFloatLiteral where Value: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Value.FloatLiteralType) { self = .value(Value(floatLiteral: value)) }
}

extension FieldDefault: ExpressibleByBooleanLiteral where Value: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Value.BooleanLiteralType) { self = .value(Value(booleanLiteral: value)) }
}
