/// Bad input: a config, trace or event-log file that cannot be used as given.
///
/// Every reader of user files (the config loader, the trace reader, the event-log reader)
/// throws this, with the place of the problem as precisely as it is known. The command-line
/// tools print ``description`` on stderr and exit with status ``exitCode`` (2: bad input or
/// usage), never with a crash.
///
/// ```
/// configs/x.toml:14: scheduler.block_size: must be a positive integer, got 0
/// configs/x.toml:3:17: TOML syntax error: expected '=' ...
/// traces/t.jsonl.gz:1207: prompt_tokens: expected an integer, got "12a"
/// ```
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The exit status of a command that stops on bad input or usage.
    public static let exitCode: Int32 = 2

    /// The file as the user named it (or a label such as `<stdin>`).
    public var file: String
    /// 1-based line of the problem, when known.
    public var line: Int?
    /// 1-based column within ``line``, when known.
    public var column: Int?
    /// The offending field: a dotted config key (`scheduler.block_size`) or a record field
    /// (`prompt_tokens`); `nil` when the problem is not about one field.
    public var field: String?
    /// What is wrong and, where it helps, what was expected.
    public var message: String
    /// Whether the read was not wrong but stopped by a signal (``StopRequest``): the caller
    /// stops as interrupted rather than reporting bad input.
    public internal(set) var isInterruption = false

    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// The same without a column, message last (the readers' shorthand).
    public init(file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.init(file: file, line: line, column: nil, field: field, message: message)
    }

    /// `file[:line[:column]]: [field: ]message`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let field { text += "\(field): " }
        return text + message
    }
}
