// libFuzzer target: the event-log reader (InputReader + EventLogReader + EventLogDecoder) and
// the metrics reducer it feeds, as `inference-lab-analyze summary --allow-incomplete` runs them.
// The input is written to a file (gzip when it starts with 1f 8b), since the reader streams
// from a path. Linked by tools/fuzz.sh against the fuzzer-instrumented InferenceLab library.
#if canImport(Glibc)
import Glibc
#endif
@testable import InferenceLab
import InferenceLabCore

nonisolated(unsafe) private var scratchPath: String = {
    "/tmp/inference-lab-fuzz-eventlog-\(getpid())"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventLog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(scratchPath)")
    var offset = 0
    while offset < size {
        let n = write(fd, data + offset, size - offset)
        precondition(n > 0)
        offset += n
    }
    close(fd)
    for allowIncomplete in [true, false] {
        do {
            let log = try EventLogReader(path: scratchPath, allowIncomplete: allowIncomplete, maxLineLength: 1 << 16)
            if var metrics = try? log.makeMetricsReducer() {
                try log.read(into: &metrics)
                _ = metrics.summary()
            } else {
                while try log.next() != nil {}
            }
        } catch {
            precondition(!error.description.isEmpty && !error.file.isEmpty)
        }
    }
    return 0
}
