import HeapModule

/// The waiting queue: a ring buffer (double-ended) for FCFS, a heap for every ordered policy.
///
/// - FCFS: arrivals append at the tail; a preempted request goes back to the head.
/// - PRIORITY: ordered by `(priority, arrival time, id as a string)` (vLLM's heap); a
///   preempted request is pushed and so returns to its place.
/// - The original's length policies: ordered by their key (e.g. prompt length for `sif`),
///   ties in queue order, where a preempted request counts as the front of the queue.
struct WaitingQueue: Sendable {
    struct Entry: Comparable, Sendable {
        var key: Int
        var arrival: Double
        var id: String
        var sequence: Int
        var slot: RequestSlot

        static func < (a: Entry, b: Entry) -> Bool {
            if a.key != b.key { return a.key < b.key }
            if a.arrival != b.arrival { return a.arrival < b.arrival }
            if a.id != b.id { return a.id < b.id }
            return a.sequence < b.sequence
        }
        static func == (a: Entry, b: Entry) -> Bool { a.slot == b.slot && a.sequence == b.sequence }
    }

    let policy: SchedulingPolicy
    private var fifo = RingBuffer<RequestSlot>()
    private var heap = Heap<Entry>()
    private var backSequence = 0
    private var frontSequence = 0

    init(policy: SchedulingPolicy) { self.policy = policy }

    var count: Int { policy == .fcfs ? fifo.count : heap.count }
    var isEmpty: Bool { count == 0 }

    private func entry(for r: Request, id: String, slot: RequestSlot, sequence: Int) -> Entry {
        switch policy {
        case .priority:
            return Entry(key: r.priority, arrival: r.arrivalTime, id: id, sequence: 0, slot: slot)
        case .sjf, .sof: return Entry(key: r.maxTokens, arrival: 0, id: "", sequence: sequence, slot: slot)
        case .lof: return Entry(key: -r.maxTokens, arrival: 0, id: "", sequence: sequence, slot: slot)
        case .sif: return Entry(key: r.promptTokens, arrival: 0, id: "", sequence: sequence, slot: slot)
        case .lif: return Entry(key: -r.promptTokens, arrival: 0, id: "", sequence: sequence, slot: slot)
        case .stf: return Entry(key: r.promptTokens + r.maxTokens, arrival: 0, id: "", sequence: sequence, slot: slot)
        case .ltf: return Entry(key: -(r.promptTokens + r.maxTokens), arrival: 0, id: "", sequence: sequence, slot: slot)
        case .fcfs: return Entry(key: 0, arrival: 0, id: "", sequence: sequence, slot: slot)
        }
    }

    /// A new arrival.
    mutating func append(_ slot: RequestSlot, _ r: Request, id: String) {
        if policy == .fcfs { fifo.append(slot); return }
        backSequence += 1
        heap.insert(entry(for: r, id: id, slot: slot, sequence: backSequence))
    }

    /// A preempted (or skipped) request going back to the front.
    mutating func prepend(_ slot: RequestSlot, _ r: Request, id: String) {
        if policy == .fcfs { fifo.prepend(slot); return }
        frontSequence -= 1
        heap.insert(entry(for: r, id: id, slot: slot, sequence: frontSequence))
    }

    /// Removes `slot` wherever it is (a request that finished while waiting: async stale
    /// output). O(n); rare.
    mutating func remove(_ slot: RequestSlot) {
        if policy == .fcfs {
            if let i = fifo.firstIndex(of: slot) { fifo.remove(at: i) }
        } else {
            heap = Heap(heap.unordered.filter { $0.slot != slot })
        }
    }

    /// The slots in the queue, in no particular order (for invariant checks).
    var unorderedSlots: [RequestSlot] {
        if policy == .fcfs { return (0..<fifo.count).map { fifo[$0] } }
        return heap.unordered.map { $0.slot }
    }

    func peek() -> RequestSlot? { policy == .fcfs ? fifo.first : heap.min?.slot }

    @discardableResult
    mutating func pop() -> RequestSlot? { policy == .fcfs ? fifo.popFirst() : heap.popMin()?.slot }
}
