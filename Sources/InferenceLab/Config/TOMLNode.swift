import TOMLKit

/// A parsed TOML value, copied out of TOMLKit's tree into plain Swift values.
///
/// The config reader walks this instead of TOMLKit's existential `TOMLValueConvertible`, so
/// that each typed read is one `switch` and the whole tree is a value.
enum TOMLNode {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case table([String: TOMLNode])
    case array([TOMLNode])
    /// A date, time or date-time: valid TOML, but no config key takes one.
    case other(TOMLType)

    /// Parses a TOML document.
    ///
    /// - Throws: ``TOMLHeaderCheck/Failure`` or TOMLKit's `TOMLParseError` on a syntax error.
    static func parseDocument(_ text: String) throws -> [String: TOMLNode] {
        try TOMLHeaderCheck.check(text)  // headers that would make the parser abort
        return convert(try TOMLTable(string: text))
    }

    /// Parses a TOML document; a syntax error is an ``InputError`` naming `file` and, where
    /// the parser knows them, the line and column.
    static func parseDocument(_ text: String, file: String) throws(InputError) -> [String: TOMLNode] {
        do {
            return try parseDocument(text)
        } catch let error as TOMLHeaderCheck.Failure {
            throw InputError(file: file, line: error.line, column: error.column, message: "TOML syntax error: \(error.message)")
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw InputError(file: file, line: position.line > 0 ? position.line : nil,
                             column: position.column > 0 ? position.column : nil,
                             message: "TOML syntax error: \(error.description)")
        } catch {
            throw InputError(file: file, message: "TOML syntax error: \(error)")
        }
    }

    private static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var entries: [String: TOMLNode] = [:]
        // `keys` and `values` come from the same ordered walk of the underlying table.
        for (key, value) in zip(table.keys, table.values) {
            entries[key] = convert(value)
        }
        return entries
    }

    private static func convert(_ value: TOMLValue) -> TOMLNode {
        switch value.type {
        case .string: return value.string.map(TOMLNode.string) ?? .other(.string)
        case .int: return value.int.map(TOMLNode.integer) ?? .other(.int)
        case .double: return value.double.map(TOMLNode.float) ?? .other(.double)
        case .bool: return value.bool.map(TOMLNode.boolean) ?? .other(.bool)
        case .table: return value.table.map { .table(convert($0)) } ?? .other(.table)
        case .array:
            guard let array = value.array else { return .other(.array) }
            return .array(array.map { convert($0.tomlValue) })
        case .date, .time, .dateTime: return .other(value.type)
        }
    }

    /// The value's kind with an article, for messages: "an integer", "a string".
    var kindDescription: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a float"
        case .boolean: return "a boolean"
        case .table: return "a table"
        case .array: return "an array"
        case .other(let type): return "a \(type)"
        }
    }

    /// The kind and, for scalars, the value itself: `a string ("16")`.
    var kindAndValue: String {
        switch self {
        case .string(let s): return "a string (\"\(s)\")"
        case .integer(let i): return "an integer (\(i))"
        case .float(let d): return "a float (\(d))"
        case .boolean(let b): return "a boolean (\(b))"
        default: return kindDescription
        }
    }
}
