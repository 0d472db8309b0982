/// The catalog of hardware, model, calibration and engine presets (`configs/hardware/*.toml`,
/// `configs/models/*.toml`, `configs/calibration/*.toml`, `configs/engines/*.toml`).
///
/// A config names a preset with `preset = "NAME"` inside `[hardware]`, `[model]` or
/// `[compute]`, or an engine profile with `vllm_version = "0.15.1"` inside `[engine]`
/// (file `engines/vllm-0.15.1.toml`); the preset's table is the starting point and the config's other keys in that
/// table override it key by key. A preset is looked up, first hit wins, as
///
/// 1. a path, when the name ends in `.toml` (relative to the config file's directory);
/// 2. `DIR/KIND/NAME.toml` for DIR = the config file's directory, its `configs/`
///    subdirectory, `./configs` and `.` (the current directory);
/// 3. the copy built into the binary (``CatalogData``), so the tools work from anywhere.
public enum Catalog {
    /// A kind of preset: its folder and the table it fills.
    public enum Kind: String, Sendable, CaseIterable {
        case hardware, model, calibration, engine

        /// The catalog folder, e.g. `models`.
        public var folder: String {
            switch self {
            case .hardware: return "hardware"
            case .model: return "models"
            case .calibration: return "calibration"
            case .engine: return "engines"
            }
        }

        /// The config table a preset of this kind fills.
        public var table: String {
            switch self {
            case .hardware: return "hardware"
            case .model: return "model"
            case .calibration: return "compute"
            case .engine: return "engine"
            }
        }

        /// The key of the config table that names a preset of this kind: `preset`, or for
        /// `[engine]` `vllm_version` (profile `vllm-<version>`).
        public var presetKey: String { self == .engine ? "vllm_version" : "preset" }

        /// The preset file name (without `.toml`) the value of ``presetKey`` selects.
        public func presetName(for value: String) -> String {
            self == .engine && !value.hasSuffix(".toml") ? "vllm-" + value : value
        }
    }

    /// One preset: its name, where it was found and its text.
    public struct Entry: Sendable, Equatable {
        public var kind: Kind
        public var name: String
        /// A path, or `built-in` for the embedded copy.
        public var source: String
        public var text: String
    }

    /// Why a preset was not found.
    public struct LookupFailure: Error, Sendable {
        public var message: String
    }

    /// The names of the built-in presets of `kind`, sorted.
    public static func builtInNames(_ kind: Kind) -> [String] {
        CatalogData.entries.filter { $0.kind == kind.rawValue }.map(\.name).sorted()
    }

    /// The built-in presets of every kind.
    public static var builtIn: [Entry] {
        CatalogData.entries.compactMap { e in
            Kind(rawValue: e.kind).map { Entry(kind: $0, name: e.name, source: "built-in", text: e.text) }
        }
    }

    /// Finds a preset.
    ///
    /// - Parameter configDirectory: the directory of the config file that names it, if any.
    /// - Returns: the entry, or a message saying what was tried and which names exist.
    public static func find(_ kind: Kind, named name: String, configDirectory: String?) -> Result<Entry, LookupFailure> {
        let base = configDirectory ?? "."
        if name.hasSuffix(".toml") {
            let path = name.hasPrefix("/") ? name : join(base, name)
            switch ConfigFileReader.readText(path: path) {
            case .success(let text): return .success(Entry(kind: kind, name: name, source: path, text: text))
            case .failure(let f): return .failure(LookupFailure(message: "\(path): \(f.message)"))
            }
        }
        var directories = [base, join(base, "configs"), "configs", "."]
        if configDirectory == nil { directories.removeFirst(2) }
        for dir in directories {
            let path = join(join(dir, kind.folder), name + ".toml")
            if case .success(let text) = ConfigFileReader.readText(path: path) {
                return .success(Entry(kind: kind, name: name, source: path, text: text))
            }
        }
        if let e = CatalogData.entries.first(where: { $0.kind == kind.rawValue && $0.name == name }) {
            return .success(Entry(kind: kind, name: name, source: "built-in", text: e.text))
        }
        let known = builtInNames(kind)
        if kind == .engine {
            let versions = known.filter { $0.hasPrefix("vllm-") }.map { "\"" + String($0.dropFirst(5)) + "\"" }
            return .failure(LookupFailure(message: "no engine profile \(name).toml for this vLLM version; "
                + "profiles exist for vllm_version = \(versions.joined(separator: ", ")) (or a path ending in .toml)"))
        }
        var message = "unknown \(kind.rawValue) preset \"\(name)\""
        let list = "\(known.joined(separator: ", ")) (or a path ending in .toml)"
        if let near = NameSuggestion.nearest(to: name, among: known) {
            message += "; did you mean \"\(near)\"? Known: \(list)"
        } else {
            message += "; known: \(list)"
        }
        return .failure(LookupFailure(message: message))
    }

    /// The calibration profile of the catalog GPU `hardware` (a hardware preset name): the
    /// calibration preset of the same name (`configs/calibration/h100-sxm.toml` for
    /// `h100-sxm`), looked up like any preset; nil when there is none.
    public static func calibrationProfile(forHardwarePreset hardware: String, configDirectory: String?) -> Entry? {
        guard !hardware.hasSuffix(".toml") else { return nil }
        if case .success(let e) = find(.calibration, named: hardware, configDirectory: configDirectory) { return e }
        return nil
    }

    /// The built-in GPUs that have a built-in calibration profile, sorted.
    public static func hardwareWithCalibrationProfiles() -> [String] {
        let profiles = builtInNames(.calibration)
        return builtInNames(.hardware).filter { profiles.contains($0) }
    }

    /// The directory part of `path` (`.` for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    private static func join(_ a: String, _ b: String) -> String {
        a == "." ? b : (a.hasSuffix("/") ? a + b : a + "/" + b)
    }
}
