/// What a router knows about one replica's load (as of its last refresh).
public struct ReplicaLoad: Sendable, Equatable {
    /// Requests routed to the replica and not finished (rejected ones never count).
    public var outstanding = 0
    /// Prompt plus output tokens of those requests.
    public var outstandingTokens = 0
    /// KV blocks referenced by some request, and the usable blocks.
    public var kvBlocksUsed = 0
    public var kvBlocksTotal = 0

    public init(outstanding: Int = 0, outstandingTokens: Int = 0, kvBlocksUsed: Int = 0, kvBlocksTotal: Int = 0) {
        self.outstanding = outstanding
        self.outstandingTokens = outstandingTokens
        self.kvBlocksUsed = kvBlocksUsed
        self.kvBlocksTotal = kvBlocksTotal
    }

    /// Blocks in use over usable blocks (0 for an empty pool).
    public var kvUse: Double { kvBlocksTotal > 0 ? Double(kvBlocksUsed) / Double(kvBlocksTotal) : 0 }
}
