import HeapModule

/// The client deadlines of admitted requests (`[workload] request_timeout`), earliest first.
///
/// Entries are not removed when their request finishes; a due entry whose request has gone
/// (finished, or its slot reused: the serial differs) is skipped by the simulator. Empty, it
/// allocates nothing, so a run without a timeout pays nothing for it.
@usableFromInline
struct DeadlineQueue {
    @usableFromInline
    struct Entry: Comparable {
        var time: Double
        var serial: UInt64
        var slot: RequestSlot
        @usableFromInline static func < (a: Entry, b: Entry) -> Bool {
            a.time != b.time ? a.time < b.time : a.serial < b.serial
        }
        @usableFromInline static func == (a: Entry, b: Entry) -> Bool { a.time == b.time && a.serial == b.serial }
    }

    private var heap = Heap<Entry>()

    @usableFromInline init() {}

    /// Adds the deadline `time` of the request with `serial` in `slot`.
    @usableFromInline mutating func insert(time: Double, slot: RequestSlot, serial: UInt64) {
        heap.insert(Entry(time: time, serial: serial, slot: slot))
    }

    /// The earliest deadline, if any.
    @usableFromInline var earliest: Double? { heap.min?.time }

    /// Removes and returns the earliest entry if its deadline is at or before `t`.
    @usableFromInline mutating func popDue(upTo t: Double) -> (slot: RequestSlot, serial: UInt64)? {
        guard let first = heap.min, first.time <= t else { return nil }
        heap.removeMin()
        return (first.slot, first.serial)
    }

    /// Drops entries at the front whose request is no longer unfinished.
    @usableFromInline mutating func dropFinished(_ scheduler: Scheduler) {
        while let first = heap.min, !scheduler.isUnfinished(first.slot, serial: first.serial) { heap.removeMin() }
    }
}
