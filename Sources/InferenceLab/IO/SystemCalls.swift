/// Thin wrappers over the POSIX calls the I/O layer uses (retrying on `EINTR`).
enum SystemCalls {
    /// The C library's text for an `errno` value.
    static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// Writes all `count` bytes; returns 0 or the `errno` of the failure.
    static func writeAll(_ fd: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int32 {
        var offset = 0
        while offset < count {
            let n = write(fd, base + offset, count - offset)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                return code
            }
            offset += n
        }
        return 0
    }

    /// Reads up to `count` bytes; returns the byte count (0 at end of file) or `-errno`;
    /// `-EINTR` once a stop is requested (``StopRequest``), before reading or while waiting.
    ///
    /// It waits for input with `poll` in slices of ``StopRequest/pollMilliseconds``, so that a
    /// stalled pipe cannot hide a request: a signal that lands on another thread, or just
    /// before the wait, does not interrupt it. An interruption without a request is retried.
    static func readSome(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            if StopRequest.isRequested { return -Int(EINTR) }
            var wait = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            // Nothing yet, or interrupted: look at the request again. Another error is the
            // read's to report.
            let ready = poll(&wait, 1, StopRequest.pollMilliseconds)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = read(fd, base, count)
            if n >= 0 { return n }
            let code = errno
            if code != EINTR { return -Int(code) }
        }
    }

    /// Reads up to `count` bytes of input `file`; returns the byte count (0 at end of file).
    /// - Throws: ``InputError`` naming the file ("is a directory", "read failed: …"), or
    ///   one whose ``InputError/isInterruption`` is true once a stop is requested.
    static func readInput(_ fd: Int32, _ base: UnsafeMutableRawPointer, _ count: Int, file: String) throws(InputError) -> Int {
        let n = readSome(fd, base, count)
        if n < 0 {
            let code = Int32(-n)
            if code == EINTR { throw StopRequest.error(file: file) }
            throw InputError(file: file, code == EISDIR ? "is a directory" : "read failed: \(message(code))")
        }
        return n
    }

    /// Closes a descriptor (errors ignored: used only for inputs and cleanup).
    static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }

    /// Connects to the Unix stream socket at `path`; returns the descriptor or `-errno`.
    static func connectSocket(_ path: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array(path.utf8)
        guard name.count < MemoryLayout.size(ofValue: address.sun_path) else { return -ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else { return -errno }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            return -code
        }
        return fd
    }

    /// Whether `path` names an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether anything exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
