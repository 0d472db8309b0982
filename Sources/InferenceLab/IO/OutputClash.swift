/// Two outputs of one command that would write the same file, which would leave it corrupt
/// (or, for standard output, mix two streams into one).
///
/// Outputs clash when their paths are spelled alike (`-` is standard output), when they lead
/// to the same existing file (same device and inode, symbolic links followed; `-`,
/// `/dev/stdout` and `/dev/fd/1` all name standard output) or, for files not created yet, to
/// the same name in the same directory. A character device named by its path (`/dev/null`)
/// never clashes: each output writes its own stream into it, and nothing is replaced.
public struct OutputClash: CustomStringConvertible, Sendable, Equatable {
    /// An output as the user asked for it: `--events run.jsonl`, and the path it names.
    public struct Output: Sendable, Equatable {
        /// The option and its value as spelled (`--events run.jsonl`, `--json`), for messages.
        public var label: String
        /// The path; `-` for standard output.
        public var path: String

        public init(_ label: String, _ path: String) {
            self.label = label
            self.path = path
        }
    }

    public var first: Output
    public var second: Output

    /// `--events - and --json both write to standard output; …`.
    public var description: String {
        let what = first.path == "-" && second.path == "-" ? "both write to standard output"
                                                           : "name the same file"
        return "\(first.label) and \(second.label) \(what): give each output its own file"
    }

    /// The first pair of `outputs` that clash, or nil.
    public static func find(_ outputs: [Output]) -> OutputClash? {
        let identities = outputs.map { identity(of: $0.path) }
        for i in outputs.indices where identities[i] != .characterDevice {
            for j in outputs.indices where j > i && identities[j] != .characterDevice {
                if outputs[i].path == outputs[j].path || identities[i] == identities[j] {
                    return OutputClash(first: outputs[i], second: outputs[j])
                }
            }
        }
        return nil
    }

    /// What a path writes to: an existing file's device and inode, or the name a new file
    /// will have.
    enum Identity: Equatable {
        case node(device: UInt64, inode: UInt64)
        case name(String)
        /// A character device named by its path: exempt from clashes.
        case characterDevice
    }

    static func identity(of path: String) -> Identity {
        let target: OutputTarget
        if path == "-" {
            target = .descriptor(1)
        } else if let resolved = try? OutputTarget.resolve(path) {
            target = resolved
        } else {
            return .name(path)
        }
        var info = stat()
        switch target {
        case .descriptor(let fd):
            guard fstat(fd, &info) == 0 else { return .name("/dev/fd/\(fd)") }
        case .path(let file):
            guard stat(file, &info) == 0 else { return .name(canonicalName(file)) }
            if info.st_mode & S_IFMT == S_IFCHR { return .characterDevice }
        }
        return .node(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// `file` in its directory's canonical form (`./a/../b.csv` → `/cwd/b.csv`), or as given
    /// when the directory does not exist.
    static func canonicalName(_ file: String) -> String {
        let directory: String, base: Substring
        if let slash = file.lastIndex(of: "/") {
            directory = slash == file.startIndex ? "/" : String(file[..<slash])
            base = file[file.index(after: slash)...]
        } else {
            directory = "."
            base = Substring(file)
        }
        guard let resolved = realpath(directory, nil) else { return file }
        defer { free(resolved) }
        let canonical = String(cString: resolved)
        return (canonical.hasSuffix("/") ? canonical : canonical + "/") + base
    }
}
