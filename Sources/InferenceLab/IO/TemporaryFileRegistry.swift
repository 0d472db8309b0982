import Synchronization

/// The temporary files of the ``AtomicOutputFile``s not yet committed or aborted, for a signal
/// handler to remove before the process ends (``removeAll()``).
///
/// Each entry is the address of a C copy of the path, in one of ``capacity`` atomic slots (0:
/// free), so that a handler on any thread reads a consistent list without taking a lock. A
/// path's copy is never freed (a handler may be reading it); a process leaks one short string
/// per output file it writes. Beyond ``capacity`` files open at once, the extra ones are not
/// removed on a signal.
public enum TemporaryFileRegistry {
    /// The most temporary files tracked at once.
    static let capacity = 64

    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<Atomic<Int>> = {
        let slots = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: capacity)
        for i in 0..<capacity { (slots + i).initialize(to: Atomic<Int>(0)) }
        return slots
    }()

    /// Initialises the list, so that a signal handler does not do it (call before installing
    /// one).
    public static func prepare() { _ = slots }

    /// Adds `path`; returns its slot for ``unregister(_:)``, or nil when every slot is taken.
    static func register(_ path: String) -> Int? {
        guard let copy = strdup(path) else { return nil }
        let address = Int(bitPattern: copy)
        for i in 0..<capacity where slots[i].compareExchange(expected: 0, desired: address, ordering: .acquiringAndReleasing).exchanged {
            return i
        }
        free(copy)
        return nil
    }

    /// Drops the path in `slot` from the list (after the file was renamed or removed).
    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        slots[slot].store(0, ordering: .releasing)
    }

    /// Removes every file in the list. Async-signal-safe once ``prepare()`` has run.
    public static func removeAll() {
        for i in 0..<capacity {
            if let path = UnsafePointer<CChar>(bitPattern: slots[i].load(ordering: .acquiring)) {
                unlink(path)
            }
        }
    }
}
