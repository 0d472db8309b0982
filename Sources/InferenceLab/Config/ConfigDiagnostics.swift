/// Collects the problems found while reading a config file and picks the one to report.
///
/// Reading goes on after a problem so that the most useful one can be reported: structural
/// problems (unknown tables and keys) before bad values, bad values before missing keys (a
/// required key may depend on a value that was bad), and within each kind the first in the
/// file.
struct ConfigDiagnostics {
    enum Kind: Int, Comparable {
        case structure, value, missing
        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    let file: String
    let locator: TOMLKeyLocator
    /// Keys set by overrides, located where the override was written.
    let overrides: OverrideLocations
    private var problems: [(kind: Kind, error: InputError)] = []
    /// Maps the path a reader reports to the path the file has (a pool's tables are read as
    /// the fleet's, ``ConfigDocumentReader/readPools(_:)``).
    private var remap: (([String]) -> [String])?

    init(file: String, locator: TOMLKeyLocator, overrides: [ConfigOverride] = []) {
        self.file = file
        self.locator = locator
        self.overrides = OverrideLocations(overrides: overrides)
    }

    /// Records a problem with the key at `path`, located at that key's line (or the nearest
    /// enclosing key or table the file has).
    mutating func report(_ kind: Kind, at path: [String], field: String? = nil, _ message: String) {
        let path = mapped(path)
        let (place, line) = self.place(of: path)
        let error = InputError(file: place, line: line, field: field ?? path.joined(separator: "."), message: message)
        problems.append((kind, error))
    }

    /// `path` as the file has it.
    func mapped(_ path: [String]) -> [String] { remap?(path) ?? path }

    /// Diagnostics for the same file that report every path through `remap` first, and
    /// collect their own problems (``absorb(_:)`` takes them back).
    func child(remap: @escaping ([String]) -> [String]) -> ConfigDiagnostics {
        var c = self
        c.problems = []
        c.remap = remap
        return c
    }

    /// Adds the problems `other` found.
    mutating func absorb(_ other: ConfigDiagnostics) { problems += other.problems }

    /// The file and line that set `path`: an override's, else the config file's.
    func place(of path: [String]) -> (file: String, line: Int?) {
        if let o = overrides.override(at: path) { return (o.file, o.line) }
        return (file, locator.line(of: path))
    }

    /// The problem to report, if any.
    var firstError: InputError? {
        var best: (kind: Kind, error: InputError)?
        for problem in problems {
            guard let current = best else { best = problem; continue }
            if problem.kind < current.kind
                || (problem.kind == current.kind && (problem.error.line ?? .max) < (current.error.line ?? .max)) {
                best = problem
            }
        }
        return best?.error
    }
}
