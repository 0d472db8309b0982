/// Bad input: a file that cannot be read, or content that is not what it should be.
///
/// Carries where the problem is, so the message points the user at it:
/// `FILE:LINE: FIELD: MESSAGE`, leaving out the parts that are not known.
/// The command-line tools exit with status 2 on this error.
public struct InputError: Error, CustomStringConvertible {
    /// The file (or `<stdin>`) the problem is in.
    public var file: String
    /// 1-based line number, when the problem is on one line.
    public var line: Int?
    /// The field (JSON key or config path), when one field is at fault.
    public var field: String?
    /// What is wrong.
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let field { s += "\(field): " }
        return s + message
    }
}
