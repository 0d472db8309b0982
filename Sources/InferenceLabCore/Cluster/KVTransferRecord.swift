/// The move of one disaggregated request's KV cache from the prefill replica that computed its
/// prompt to the decode replica the router chose (docs/fleet.md, "Disaggregated prefill and
/// decode").
///
/// It starts when the prefill replica's output reaches the router (the client-visible end of
/// the step that computed the prompt) and ends `latency + bytes / bandwidth` later; the decode
/// replica admits the request at ``end``.
public struct KVTransferRecord: Sendable, Equatable {
    public var id = ""
    /// The prefill replica (source) and the decode replica (destination).
    public var from = 0, to = 0
    /// When the transfer starts and when the KV has arrived.
    public var start = 0.0, end = 0.0
    /// Prompt tokens whose KV moves (the prompt less the decode replica's cached prefix), and
    /// the bytes each GPU of the prefill replica sends (its shard of those tokens' blocks).
    public var tokens = 0, bytes = 0.0

    public init() {}
}
