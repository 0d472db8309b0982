/// A value and where it starts in the document.
struct JSONNode {
    var value: JSONValue
    /// Byte offset of the value's first byte.
    var offset: Int

    /// The member `key` of an object (the last one when repeated); nil for a missing key, a
    /// `null` value or a value that is not an object.
    func member(_ key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        guard let node = members.last(where: { $0.key == key })?.node else { return nil }
        if case .null = node.value { return nil }
        return node
    }

    var isObject: Bool { if case .object = value { return true } else { return false } }
    var number: Double? { if case .number(let x) = value { return x } else { return nil } }
    var string: String? { if case .string(let s) = value { return s } else { return nil } }
    var array: [JSONNode]? { if case .array(let a) = value { return a } else { return nil } }
    var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        case .skipped: return "a value"
        }
    }
}
