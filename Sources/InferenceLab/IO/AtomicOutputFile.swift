#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file that appears under its final name only when complete.
///
/// Bytes go to a temporary file next to the target (`.NAME.tmp-PID` in the same directory, so
/// the rename stays on one file system). ``commit()`` renames it onto the final name in one
/// step, replacing any older file; ``abort()`` (or dropping the object uncommitted) removes it,
/// so a failed run leaves nothing behind.
public final class AtomicOutputFile {
    /// The final name.
    public let path: String
    /// Where the bytes are written until ``commit()``.
    public let temporaryPath: String
    /// The open descriptor of the temporary file (valid until commit or abort).
    public let descriptor: Int32
    private var isOpen = true
    /// The temporary file's entry in ``TemporaryFileRegistry`` (removed on a signal).
    private let registration: Int?

    /// Creates the temporary file.
    /// - Throws: ``InputError`` naming `path` when its directory does not exist, when `path`
    ///   is a directory, or when the file cannot be created.
    public init(path: String, permissions: mode_t = 0o644) throws(InputError) {
        self.path = path
        let directory: String
        let prefix: Substring  // the directory part with its trailing slash, or empty
        let base: Substring
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            prefix = path[...slash]
            base = path[path.index(after: slash)...]
        } else {
            directory = "."
            prefix = ""
            base = Substring(path)
        }
        guard !base.isEmpty else { throw InputError(file: path, "output path names a directory, not a file") }
        guard SystemCalls.isDirectory(directory) else {
            if SystemCalls.exists(directory) {
                throw InputError(file: path, "cannot create output file: '\(directory)' is not a directory")
            }
            throw InputError(file: path, "cannot create output file: directory '\(directory)' does not exist")
        }
        if SystemCalls.isDirectory(path) {
            throw InputError(file: path, "output path is a directory")
        }
        temporaryPath = "\(prefix).\(base).tmp-\(getpid())"
        registration = TemporaryFileRegistry.register(temporaryPath)
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            TemporaryFileRegistry.unregister(registration)
            throw InputError(file: path, "cannot create output file: \(SystemCalls.message(errno))")
        }
        descriptor = fd
    }

    deinit { abort() }

    /// Closes the temporary file and renames it onto ``path``.
    public func commit() throws(OutputError) {
        guard isOpen else { throw OutputError(file: path, "output file already closed") }
        isOpen = false
        defer { TemporaryFileRegistry.unregister(registration) }
        if close(descriptor) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw OutputError(file: path, "closing the output failed: \(SystemCalls.message(code))")
        }
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw OutputError(file: path, "cannot rename the finished output into place: \(SystemCalls.message(code))")
        }
    }

    /// Closes and removes the temporary file. Does nothing after ``commit()`` or a first abort.
    public func abort() {
        guard isOpen else { return }
        isOpen = false
        close(descriptor)
        unlink(temporaryPath)
        TemporaryFileRegistry.unregister(registration)
    }
}
