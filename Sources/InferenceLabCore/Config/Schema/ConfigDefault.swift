/// What a key takes when a table that is present leaves it out.
public enum ConfigDefault: Sendable {
    /// No default: leaving the key out is an error.
    case required
    /// Unset (`nil` in ``SimulatorConfig``): the simulation derives a value or goes without.
    case unset
    /// This value.
    case value(ConfigValue)

    /// The value to set when the key is left out (`nil` for ``required`` and ``unset``).
    public var value: ConfigValue? {
        if case .value(let v) = self { return v }
        return nil
    }
}
