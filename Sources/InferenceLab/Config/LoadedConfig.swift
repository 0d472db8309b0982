/// A config read from a file: the validated configuration and what deserves a warning.
public struct LoadedConfig: Sendable, Equatable {
    /// The configuration; ``SimulatorConfig/validate()`` found no error in it.
    public var config: SimulatorConfig
    /// Warnings, each formatted as `file:line: warning: field: message`, for printing on stderr.
    public var warnings: [String]

    public init(config: SimulatorConfig, warnings: [String] = []) {
        self.config = config
        self.warnings = warnings
    }
}
