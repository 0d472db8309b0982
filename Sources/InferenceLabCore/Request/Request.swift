/// A request's handle inside one simulation: the slot it occupies while it is live.
///
/// Slots are reused once a request has finished or was rejected, so per-request state (in the
/// scheduler, the KV-cache manager and the sinks) can live in arrays indexed by slot and stays
/// bounded by the number of live requests. An `arrival` (or `rejected`) event always
/// introduces a slot before any other event uses it.
public typealias RequestSlot = Int32

/// A request's scheduler state (vLLM's `v1/request.py`, the parts that matter here).
///
/// Plain values only, so reading one is a copy of a few words. The request's id lives in the
/// ``Scheduler``; its block table, block hashes and trace prefix hashes in the
/// ``KVCacheManager``, all indexed by the request's slot.
///
/// The counters (`priority`, `promptTokens`, `maxTokens`, `numComputed`, `numOutput`,
/// `placeholders`, `inFlightTokens`, `staleOutputTokens`, `numPreemptions`, `numCachedBlocks`,
/// `numBlocks`) are `Int` properties declared with their meaning in
/// `Request+PackedStorage.swift`, which stores them as Int32s.
public struct Request: Sendable, BitwiseCopyable {
    /// Where a request is in its life.
    public enum Status: UInt8, Sendable, BitwiseCopyable { case waiting, running, preempted, finished }

    /// Unique in the run (arrival order); seeds the hashes of the request's private blocks.
    public var serial: UInt64
    public var arrivalTime: Double
    /// The counters, as Int32s (see `Request+PackedStorage.swift`).
    var counters: PackedCounters
    public var status: Status = .waiting
    /// Whether this step's chunk stops short of the request's known tokens.
    public var isPrefillChunk: Bool = false

    public init(serial: UInt64, arrivalTime: Double, promptTokens: Int, maxTokens: Int, priority: Int) {
        self.serial = serial
        self.arrivalTime = arrivalTime
        counters = PackedCounters(priority: priority, promptTokens: promptTokens, maxTokens: maxTokens)
    }

    /// Prompt plus outputs so far.
    public var numTokens: Int { promptTokens + numOutput }
}
