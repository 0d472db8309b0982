/// A problem found by ``SimulatorConfig/validate()``.
///
/// `key` is the dotted TOML path (`scheduler.block_size`), so the loader can point at the line.
public struct ConfigIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the run can go on.
    public enum Severity: Sendable, Equatable { case error, warning }

    public var severity: Severity
    /// Dotted key path, e.g. `workload.num_requests`.
    public var key: String
    /// What is wrong and what was expected.
    public var message: String

    public init(_ severity: Severity, key: String, _ message: String) {
        self.severity = severity
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
