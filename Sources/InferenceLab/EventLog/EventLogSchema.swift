/// Names shared by ``EventLogWriter`` and ``EventLogReader``.
public enum EventLogSchema {
    /// The schema of one-node runs, which this build writes and reads (docs/event-log.md).
    public static let current = "inference-lab.events/1"
    /// The schema of fleet runs (`[cluster]`): schema 1 plus `replica` on every record of a
    /// replica and `route` records.
    public static let fleet = "inference-lab.events/2"
    /// The schemas this build reads.
    public static let readable = [current, fleet]
}

/// The totals an event log's `end` record carries.
public struct EventLogCounts: Sendable, Equatable {
    /// `step` records.
    public var steps = 0
    /// Requests that arrived, rejected ones included (as ``Summary/arrived`` counts them).
    public var arrived = 0
    public var finished = 0
    public var rejected = 0
    /// Simulated time at the end of the run (seconds): the latest event time or step end.
    public var simTime = 0.0
}

/// An event log's first record.
public struct EventLogHeader: Sendable, Equatable {
    /// Always ``EventLogSchema/current`` for a log the reader accepted.
    public var schema: String
    /// The simulator version that wrote the log.
    public var version: String
    /// The workload seed, when the header has one.
    public var seed: UInt64?
    /// The resolved config as the JSON text found in the header (an object).
    public var configJSON: String
    /// `config.hardware.compute_flops`, when present.
    public var computeFlops: Double?
    /// `config.hardware.memory_bandwidth`, when present.
    public var memoryBandwidth: Double?
    /// `config.cluster.pools` of a fleet with pools: each pool's role, replica count and peaks.
    public var pools: [Pool] = []
    /// `config.cluster.replicas`: the fleet's replica count (nil in a one-node log).
    public var replicas: Int?

    /// A pool of a fleet's header.
    public struct Pool: Sendable, Equatable {
        public var role: ReplicaRole = .mixed
        public var replicas = 1
        public var computeFlops: Double?
        public var memoryBandwidth: Double?
        public init() {}
    }

    /// Each replica's role and peaks, from ``pools`` (empty without pools).
    public var replicaPeaks: (roles: [ReplicaRole], peaks: [(computeFlops: Double, memoryBandwidth: Double)]) {
        var roles: [ReplicaRole] = [], peaks: [(computeFlops: Double, memoryBandwidth: Double)] = []
        for pool in pools {
            for _ in 0..<max(pool.replicas, 0) {
                roles.append(pool.role)
                peaks.append((pool.computeFlops ?? computeFlops ?? 0, pool.memoryBandwidth ?? memoryBandwidth ?? 0))
            }
        }
        return (roles, peaks)
    }
}

/// An event log's last record.
public struct EventLogEnd: Sendable, Equatable {
    public var status: RunStatus
    public var counts: EventLogCounts
    /// Trace lines skipped as invalid (`--skip-invalid`); the record's optional
    /// `skipped_lines`, 0 when absent.
    public var skippedLines = 0
    /// Why the first few of them were skipped (`file:line: field: message`); the record's
    /// optional `skipped_reasons`.
    public var skippedReasons: [String] = []
}
