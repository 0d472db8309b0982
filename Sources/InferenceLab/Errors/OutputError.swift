/// A failure to write an output file (disk full, permission denied, a closed pipe).
///
/// Unlike ``InputError`` this is not the user's input being wrong; the command-line tools
/// exit with status 1 on it. A missing output directory is reported as an ``InputError``
/// (a usage error) instead.
public struct OutputError: Error, CustomStringConvertible {
    /// The file being written (`<stdout>` for `-`).
    public var file: String
    public var message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
