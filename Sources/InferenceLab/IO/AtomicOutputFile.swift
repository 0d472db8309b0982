/// An output file that appears under its final name only when complete.
///
/// Bytes go to a temporary file next to the target (`.NAME.tmp-PID` in the same directory, so
/// the rename stays on one file system; created exclusively, never through a link, another
/// name is tried if it exists). ``commit()`` renames it onto the final name in one step,
/// replacing any older file and keeping that file's permission mode; ``abort()`` (or dropping
/// the object uncommitted) removes it, so a failed run leaves nothing behind.
///
/// A symbolic link is followed: the file it finally names is replaced and the link stays. A
/// target that is not a regular file (a device, a FIFO, a socket, `/dev/stdout`) is written
/// in place, directly: it cannot be replaced, and there the output is not atomic.
public final class AtomicOutputFile {
    /// The final name, as given.
    public let path: String
    /// The file ``commit()`` replaces: ``path`` with the symbolic links of its last component
    /// followed.
    public let targetPath: String
    /// Where the bytes are written until ``commit()``; nil when the target is written directly.
    public let temporaryPath: String?
    /// The open descriptor of the temporary file, or of the target (valid until commit or abort).
    public let descriptor: Int32
    private var isOpen = true
    /// The temporary file's entry in ``TemporaryFileRegistry`` (removed on a signal).
    private let registration: Int?

    /// The most other temporary names tried when `.NAME.tmp-PID` exists already.
    static let maximumNameAttempts = 100

    /// Creates the temporary file, or opens a target that is not a regular file.
    /// - Parameter permissions: the mode of a new file (the umask applies); a replaced file
    ///   keeps its own.
    /// - Throws: ``InputError`` naming `path` when its directory does not exist, when `path`
    ///   is a directory, or when the file cannot be created or opened.
    public init(path: String, permissions: mode_t = 0o666) throws(InputError) {
        self.path = path
        let target: String
        switch try OutputTarget.resolve(path) {
        case .descriptor(let number):
            let fd = fcntl(number, F_DUPFD_CLOEXEC, 0)
            guard fd >= 0 else { throw InputError(file: path, "cannot open output: \(SystemCalls.message(errno))") }
            (targetPath, temporaryPath, descriptor, registration) = (path, nil, fd, nil)
            return
        case .path(let resolved):
            target = resolved
        }
        targetPath = target
        let directory: String
        let prefix: Substring  // the directory part with its trailing slash, or empty
        let base: Substring
        if let slash = target.lastIndex(of: "/") {
            directory = slash == target.startIndex ? "/" : String(target[..<slash])
            prefix = target[...slash]
            base = target[target.index(after: slash)...]
        } else {
            directory = "."
            prefix = ""
            base = Substring(target)
        }
        guard !base.isEmpty else { throw InputError(file: path, "output path names a directory, not a file") }
        var existing = stat()
        var replacedMode: mode_t? = nil
        if stat(target, &existing) == 0 {
            switch existing.st_mode & S_IFMT {
            case S_IFDIR:
                throw InputError(file: path, "output path is a directory")
            case S_IFREG:
                replacedMode = existing.st_mode & 0o777
            case S_IFSOCK:
                // A Unix socket: connected to, the output streamed to its listener.
                let fd = SystemCalls.connectSocket(target)
                guard fd >= 0 else { throw InputError(file: path, "cannot connect to the output socket: \(SystemCalls.message(-fd))") }
                (temporaryPath, descriptor, registration) = (nil, fd, nil)
                return
            default:
                // A device or FIFO: written in place (opening a FIFO waits for a reader).
                let fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)
                guard fd >= 0 else { throw InputError(file: path, "cannot open output: \(SystemCalls.message(errno))") }
                (temporaryPath, descriptor, registration) = (nil, fd, nil)
                return
            }
        }
        guard SystemCalls.isDirectory(directory) else {
            if SystemCalls.exists(directory) {
                throw InputError(file: path, "cannot create output file: '\(directory)' is not a directory")
            }
            throw InputError(file: path, "cannot create output file: directory '\(directory)' does not exist")
        }
        var attempt = 0
        var name = "\(prefix).\(base).tmp-\(getpid())"
        var fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
        // Something (a stale file, a planted link) holds the name: never reuse or follow it.
        while fd < 0 && (errno == EEXIST || errno == ELOOP) && attempt < Self.maximumNameAttempts {
            attempt += 1
            name = "\(prefix).\(base).tmp-\(getpid())-\(attempt)"
            fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
        }
        guard fd >= 0 else {
            throw InputError(file: path, "cannot create output file: \(SystemCalls.message(errno))")
        }
        // Best effort: a file system without modes leaves the new file's default.
        if let replacedMode { _ = fchmod(fd, replacedMode) }
        // Registered once created, so that a signal never removes a file that was there before.
        registration = TemporaryFileRegistry.register(name)
        temporaryPath = name
        descriptor = fd
    }

    deinit { abort() }

    /// Closes the temporary file and renames it onto ``targetPath`` (a target written
    /// directly is only closed).
    public func commit() throws(OutputError) {
        guard isOpen else { throw OutputError(file: path, "output file already closed") }
        isOpen = false
        defer { TemporaryFileRegistry.unregister(registration) }
        if close(descriptor) != 0 {
            let code = errno
            if let temporaryPath { unlink(temporaryPath) }
            throw OutputError(file: path, "closing the output failed: \(SystemCalls.message(code))")
        }
        guard let temporaryPath else { return }
        if rename(temporaryPath, targetPath) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw OutputError(file: path, "cannot rename the finished output into place: \(SystemCalls.message(code))")
        }
    }

    /// Closes and removes the temporary file (a target written directly is only closed).
    /// Does nothing after ``commit()`` or a first abort.
    public func abort() {
        guard isOpen else { return }
        isOpen = false
        close(descriptor)
        if let temporaryPath { unlink(temporaryPath) }
        TemporaryFileRegistry.unregister(registration)
    }
}
