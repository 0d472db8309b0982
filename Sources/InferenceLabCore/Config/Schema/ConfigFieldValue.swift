/// A Swift type that a plain config field holds (`Int`, `Double`, `Bool`): the kind
/// of key that holds it and how it converts to and from a ``ConfigValue``. It lets
/// ``ConfigKey/field(_:_:range:unit:doc:checkedWhen:inHeaderWhen:get:set:)`` declare a key in one call.
public protocol ConfigFieldValue: Sendable {
    /// The kind of key that holds the type (`Int`: a count, 0…2³¹−1).
    static var configKind: ConfigValueKind { get }
    /// The value as the schema passes it.
    var configValue: ConfigValue { get }
    /// The value a reader gave, or nil when it is of another type.
    static func read(_ value: ConfigValue) -> Self?
}

extension Int: ConfigFieldValue {
    public static var configKind: ConfigValueKind { .count }
    public var configValue: ConfigValue { .integer(self) }
    public static func read(_ value: ConfigValue) -> Int? { value.integerValue }
}

extension Double: ConfigFieldValue {
    public static var configKind: ConfigValueKind { .number }
    public var configValue: ConfigValue { .number(self) }
    public static func read(_ value: ConfigValue) -> Double? { value.numberValue }
}

extension Bool: ConfigFieldValue {
    public static var configKind: ConfigValueKind { .boolean }
    public var configValue: ConfigValue { .boolean(self) }
    public static func read(_ value: ConfigValue) -> Bool? { value.booleanValue }
}
