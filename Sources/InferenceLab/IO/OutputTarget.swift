/// Where an output path leads once the symbolic links of its last component are followed.
///
/// An output is written to the file its path finally names, so a link stays a link and the
/// file it points to is replaced. The names of this process's own descriptors
/// (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`) lead to the descriptor
/// itself, as a shell's redirection does: the output continues where the stream stands.
public enum OutputTarget: Equatable, Sendable {
    /// An open descriptor of this process.
    case descriptor(Int32)
    /// A path whose last component is not a symbolic link (it may not exist yet).
    case path(String)

    /// The most links followed before giving up (the kernel's own limit).
    static let maximumLinks = 40

    /// Follows `path`'s symbolic links.
    /// - Throws: ``InputError`` naming `path` when the links loop (more than 40 of them).
    public static func resolve(_ path: String) throws(InputError) -> OutputTarget {
        var current = path
        for _ in 0...maximumLinks {
            if let fd = descriptorNumber(current) { return .descriptor(fd) }
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return .path(current) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            // Unreadable only if it changed since lstat: then opening it reports the problem.
            guard count >= 0 else { return .path(current) }
            let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + link
            } else {
                current = link
            }
        }
        throw InputError(file: path, "cannot open output file: \(SystemCalls.message(ELOOP))")
    }

    /// The descriptor a path names (`/dev/stdout` is 1, `/dev/fd/5` is 5), or nil.
    static func descriptorNumber(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdin": return 0
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/", "/proc/\(getpid())/fd/"] where path.hasPrefix(prefix) {
            let digits = path.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
            return Int32(digits)
        }
        return nil
    }
}
