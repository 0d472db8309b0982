import InferenceLab

/// What SIGINT, SIGTERM and SIGHUP do to the command-line tools, and SIGPIPE.
///
/// By default (``install()``, for every command) a stop signal removes the temporary files of
/// the outputs not yet complete and ends the process with status 128 + the signal, so that a
/// stopped `export`, `report`, `convert` or `generate` leaves nothing behind. `simulate` opts
/// into ``stopGracefully()``: the signal only records a ``StopRequest``, the run stops at the
/// next step boundary (or at once when it waits for trace input) and closes its event log; a
/// second stop signal ends it at once, as by default.
///
/// The handlers are installed without `SA_RESTART`, so that a read blocked on a stalled pipe
/// returns (`EINTR`) and the reader looks at the request. SIGPIPE is ignored: writing to a
/// closed pipe fails with `EPIPE`, reported as a failed write (exit status 1). A SIGHUP ignored
/// when the process started (`nohup`) stays ignored.
public enum SignalHandling {
    /// The signals that stop a command.
    static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Removes the temporary output files and ends the process with status 128 + `signal`.
    private static let removeTemporaryFilesAndExit: @convention(c) (Int32) -> Void = { signal in
        TemporaryFileRegistry.removeAll()
        _exit(128 + signal)
    }

    /// Records a request to stop (``StopRequest``); a second stop signal ends the process as
    /// ``removeTemporaryFilesAndExit`` does, for a run that cannot get to its next step (blocked
    /// writing to a stalled pipe).
    private static let recordStopRequest: @convention(c) (Int32) -> Void = { signal in
        if StopRequest.isRequested {
            TemporaryFileRegistry.removeAll()
            _exit(128 + signal)
        }
        StopRequest.record(signal)
    }

    /// Every command's handling: a stop signal removes the temporary output files and ends
    /// the process with status 128 + the signal; SIGPIPE is ignored.
    public static func install() {
        TemporaryFileRegistry.prepare()
        signal(SIGPIPE, SIG_IGN)
        install(removeTemporaryFilesAndExit)
    }

    /// A first stop signal only records a ``StopRequest``, for a command that stops at its own
    /// pace and exits with status 128 + ``StopRequest/signal``; a second one ends the process
    /// as by default.
    public static func stopGracefully() {
        StopRequest.prepare()
        TemporaryFileRegistry.prepare()
        install(recordStopRequest)
    }

    private static func install(_ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handler
        #else
        action.__sigaction_handler.sa_handler = handler
        #endif
        // No SA_RESTART; one stop signal at a time.
        action.sa_flags = 0
        sigemptyset(&action.sa_mask)
        for s in stopSignals { sigaddset(&action.sa_mask, s) }
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for s in stopSignals {
            var current = sigaction()
            sigaction(s, nil, &current)
            if s == SIGHUP && isIgnored(current) { continue }
            sigaction(s, &action, nil)
            sigaddset(&unblock, s)
        }
        // A parent may have started us with these signals blocked (the mask is inherited).
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Whether `action` ignores its signal.
    private static func isIgnored(_ action: sigaction) -> Bool {
        #if canImport(Darwin)
        let handler = action.__sigaction_u.__sa_handler
        #else
        let handler = action.__sigaction_handler.sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
