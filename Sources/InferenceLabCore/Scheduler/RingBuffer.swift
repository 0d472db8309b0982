/// A double-ended queue over a power-of-two ring in an `Array`: O(1) append, prepend and
/// popFirst, which is all the FCFS waiting queue needs.
///
/// It replaces swift-collections' `Deque`, which cannot run under Embedded Swift: `Deque`
/// sizes its storage from `ManagedBuffer.capacity`, and Embedded Swift has no `malloc_size`,
/// so there that property returns a negative number (−header bytes / element stride) and the
/// first growth asks the allocator for a negative size. An `Array`-backed ring behaves the same
/// in both builds.
struct RingBuffer<Element>: Sendable where Element: Sendable {
    private var storage: [Element?] = []
    private var head = 0
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private func physical(_ i: Int) -> Int { (head + i) & (storage.count - 1) }

    private mutating func grow() {
        let capacity = max(16, storage.count * 2)
        var fresh = [Element?](repeating: nil, count: capacity)
        for i in 0..<count { fresh[i] = storage[physical(i)] }
        storage = fresh
        head = 0
    }

    var first: Element? { count == 0 ? nil : storage[head] }

    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "RingBuffer index out of range")
        return storage[physical(i)]!
    }

    mutating func append(_ e: Element) {
        if count == storage.count { grow() }
        storage[physical(count)] = e
        count += 1
    }

    mutating func prepend(_ e: Element) {
        if count == storage.count { grow() }
        head = (head - 1) & (storage.count - 1)
        storage[head] = e
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let e = storage[head]
        storage[head] = nil
        head = (head + 1) & (storage.count - 1)
        count -= 1
        return e
    }

    /// Removes the element at logical index `i`, keeping the order of the others. O(n).
    mutating func remove(at i: Int) {
        precondition(i >= 0 && i < count, "RingBuffer index out of range")
        var j = i
        while j + 1 < count {
            storage[physical(j)] = storage[physical(j + 1)]
            j += 1
        }
        storage[physical(count - 1)] = nil
        count -= 1
    }
}

extension RingBuffer where Element: Equatable {
    func firstIndex(of e: Element) -> Int? {
        for i in 0..<count where storage[physical(i)] == e { return i }
        return nil
    }
}
