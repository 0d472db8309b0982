import Dispatch
import Synchronization

/// Runs a ``GzipDecoder`` on a thread of its own, a few pieces ahead of the reader, so that
/// inflating overlaps with whatever the reader does with the lines (parsing them, for
/// instance): on two cores an event log is read in about the time its parsing takes.
///
/// The decoded pieces go to a ring of ``depth`` blocks. Each block keeps ``headroom`` bytes
/// free before its data, where ``InputReader`` puts the end of the previous block's last
/// (partial) line, so that line continues without copying the new data. The consumer holds
/// the blocks it took until it gives them back, oldest first (``keepNewest()``,
/// ``giveBackAll()``).
///
/// A read or decoding error ends the stream: it is thrown by ``take()`` after every piece
/// decoded before it, and again by each later call.
final class GzipPrefetcher: @unchecked Sendable {
    // @unchecked: the decoder and each block belong to the producer from `free.wait()` to
    // `filled.signal()` and to the consumer from `filled.wait()` to `free.signal()`; the
    // semaphores order every hand-over. `cancelled` is atomic.

    /// Blocks in the ring.
    static let depth = 3
    /// Bytes kept free before each block's data.
    static let headroom = 64 << 10

    private let decoder: GzipDecoder
    private let blocks: [UnsafeMutablePointer<UInt8>]
    /// Per block: the bytes decoded into it (0 at the end), or the error that ended the stream.
    /// Raw memory: the two threads write and read different elements (an array would make
    /// each write an access to the whole array).
    private let counts: UnsafeMutablePointer<Int>
    private let errors: UnsafeMutablePointer<InputError?>
    // Each semaphore starts at 0 (libdispatch traps when one is freed below its initial value).
    private let free = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)

    // Consumer state.
    private var next = 0
    /// Blocks taken and not given back yet.
    private var held = 0
    private var ended = false
    private var failure: InputError?
    private var joined = false

    init(decoder: GzipDecoder) {
        self.decoder = decoder
        blocks = (0..<Self.depth).map { _ in .allocate(capacity: Self.headroom + GzipDecoder.pieceSize) }
        counts = .allocate(capacity: Self.depth)
        counts.initialize(repeating: 0, count: Self.depth)
        errors = .allocate(capacity: Self.depth)
        errors.initialize(repeating: nil, count: Self.depth)
        for _ in 0..<Self.depth { free.signal() }
        let thread = DispatchQueue(label: "inference-lab.inflate", qos: .userInitiated)
        thread.async { self.produce() }
    }

    deinit {
        stop()
        for block in blocks { block.deallocate() }
        counts.deallocate()
        errors.deinitialize(count: Self.depth)
        errors.deallocate()
    }

    private func produce() {
        var k = 0
        while true {
            free.wait()
            if cancelled.load(ordering: .acquiring) { break }
            var last = false
            do {
                counts[k] = try decoder.decode(into: blocks[k] + Self.headroom)
                last = counts[k] == 0
            } catch {
                errors[k] = error
                last = true
            }
            filled.signal()
            if last { break }
            k = (k + 1) % Self.depth
        }
        stopped.signal()
    }

    /// The next block's start (its data begins ``headroom`` bytes in) and its data's length,
    /// or nil at the end. Blocks taken before stay valid until given back.
    /// - Throws: the error that ended the stream.
    func take() throws(InputError) -> (block: UnsafeMutablePointer<UInt8>, count: Int)? {
        if let failure { throw failure }
        if ended { return nil }
        filled.wait()
        let k = next
        next = (next + 1) % Self.depth
        if let error = errors[k] {
            failure = error
            free.signal()
            throw error
        }
        if counts[k] == 0 {
            ended = true
            free.signal()
            return nil
        }
        held += 1
        return (blocks[k], counts[k])
    }

    /// Gives back every block taken but the last (their bytes may be overwritten from now on).
    func keepNewest() {
        while held > 1 {
            held -= 1
            free.signal()
        }
    }

    /// Gives back every block taken.
    func giveBackAll() {
        while held > 0 {
            held -= 1
            free.signal()
        }
    }

    /// Stops the producer and waits for it (at most one piece's decoding); idempotent.
    func stop() {
        guard !joined else { return }
        joined = true
        cancelled.store(true, ordering: .releasing)
        free.signal()
        stopped.wait()
    }
}
