/// Typed reads of a ``JSONDocument``'s values that fail with an ``InputError`` naming the file,
/// the value's line and the field.
struct JSONFieldChecks {
    let document: JSONDocument

    func error(_ node: JSONNode?, _ field: String, _ message: String) -> InputError {
        document.error(at: node, field: field, message)
    }

    /// A finite number.
    func number(_ node: JSONNode, _ field: String) throws(InputError) -> Double {
        guard let x = node.number else { throw error(node, field, "expected a number, got \(node.typeName)") }
        guard x.isFinite else { throw error(node, field, "must be finite, got \(x)") }
        return x
    }

    /// A finite number ≥ 0 (a time or a duration in seconds).
    func nonNegative(_ node: JSONNode, _ field: String) throws(InputError) -> Double {
        let x = try number(node, field)
        guard x >= 0 else { throw error(node, field, "must be ≥ 0, got \(x)") }
        return x
    }

    /// A whole number ≥ 0 (a token count).
    func count(_ node: JSONNode, _ field: String) throws(InputError) -> Int {
        let x = try number(node, field)
        guard x >= 0, x == x.rounded(), x < 2_147_483_648 else {
            throw error(node, field, "must be a non-negative integer, got \(JSONText.number(x))")
        }
        return Int(x)
    }

    func array(_ node: JSONNode, _ field: String) throws(InputError) -> [JSONNode] {
        guard let a = node.array else { throw error(node, field, "expected an array, got \(node.typeName)") }
        return a
    }

    /// The member `key` of `object`, required.
    func required(_ object: JSONNode, _ key: String, field: String? = nil) throws(InputError) -> JSONNode {
        guard let node = object.member(key) else { throw error(object, field ?? key, "is required") }
        return node
    }

    /// An optional number member (`null` or absent: nil).
    func optionalNumber(_ object: JSONNode, _ key: String) throws(InputError) -> Double? {
        guard let node = object.member(key) else { return nil }
        return try number(node, key)
    }
}
