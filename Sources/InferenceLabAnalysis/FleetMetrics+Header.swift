extension FleetMetrics {
    /// The reducers for a log with this header: one replica with `one`'s peaks, grown as
    /// replicas appear; a fleet with pools gets each replica's role and its pool's peaks.
    init(header: EventLogHeader, one: MetricsReducer) {
        self.init(replicas: 1, computeFlops: one.computeFlops, memoryBandwidth: one.memoryBandwidth)
        let (roles, peaks) = header.replicaPeaks
        if !roles.isEmpty { setReplicas(roles: roles, peaks: peaks) }
    }
}
