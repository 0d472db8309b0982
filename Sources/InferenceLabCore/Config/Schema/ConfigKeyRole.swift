/// What a key does besides holding a value of ``SimulatorConfig``.
public enum ConfigKeyRole: Sendable {
    /// A value stored in ``SimulatorConfig`` (read back for the event-log header).
    case value
    /// Names a catalog preset (`preset = "h100-sxm"`): resolved by the TOML loader before the
    /// table is read; stored nowhere.
    case presetName
    /// Names a catalog preset and is stored too (`[engine] vllm_version`): the loader reads
    /// the preset first, and the value stays in the config.
    case presetValue
    /// An input another key is derived from by a table hook (``ConfigTableSchema/resolve``),
    /// e.g. `compute_flops_bf16`; stored nowhere itself.
    case input
}
