#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The catalog of hardware, model and calibration presets (`configs/hardware/*.toml`,
/// `configs/models/*.toml`, `configs/calibration/*.toml`).
///
/// A config names a preset with `preset = "NAME"` inside `[hardware]`, `[model]` or
/// `[compute]`; the preset's table is the starting point and the config's other keys in that
/// table override it key by key. A preset is looked up, first hit wins, as
///
/// 1. a path, when the name ends in `.toml` (relative to the config file's directory);
/// 2. `DIR/KIND/NAME.toml` for DIR = the config file's directory, its `configs/`
///    subdirectory, `./configs` and `.` (the current directory);
/// 3. the copy built into the binary (``CatalogData``), so the tools work from anywhere.
public enum Catalog {
    /// A kind of preset: its folder and the table it fills.
    public enum Kind: String, Sendable, CaseIterable {
        case hardware, model, calibration

        /// The catalog folder, e.g. `models`.
        public var folder: String {
            switch self {
            case .hardware: return "hardware"
            case .model: return "models"
            case .calibration: return "calibration"
            }
        }

        /// The config table a preset of this kind fills.
        public var table: String {
            switch self {
            case .hardware: return "hardware"
            case .model: return "model"
            case .calibration: return "compute"
            }
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
        var message = "unknown \(kind.rawValue) preset \"\(name)\""
        if let near = NameSuggestion.nearest(to: name, among: known) { message += "; did you mean \"\(near)\"?" }
        message += " Known: \(known.joined(separator: ", ")) (or a path ending in .toml)"
        return .failure(LookupFailure(message: message))
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
