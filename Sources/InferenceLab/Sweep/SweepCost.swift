/// What one point of a sweep costs.
public enum SweepCost {
    /// The GPUs one point uses: `tensor_parallel_size` × the replicas (1 while the config has
    /// no replica count), summed over the pools of a fleet with pools. The one place that
    /// counts them.
    public static func gpus(_ config: SimulatorConfig) -> Int {
        guard config.cluster.isEnabled else { return config.hardware.tensorParallelSize }
        return config.replicaNodes.reduce(0) { $0 + $1.config.hardware.tensorParallelSize }
    }

    /// Dollars per hour of the whole point: each replica's GPUs at its `price_per_hour`; nil
    /// when some replica's hardware has no price.
    public static func costPerHour(_ config: SimulatorConfig) -> Double? {
        guard config.cluster.isEnabled else {
            return config.hardware.pricePerHour.map { $0 * Double(config.hardware.tensorParallelSize) }
        }
        var total = 0.0
        for node in config.replicaNodes {
            guard let price = node.config.hardware.pricePerHour else { return nil }
            total += price * Double(node.config.hardware.tensorParallelSize)
        }
        return total
    }

    /// Dollars per GPU-hour of the whole point: the price every GPU shares, or, in a fleet whose
    /// pools rent different GPUs, `costPerHour / gpus` (the mean over its GPUs); nil when some
    /// replica's hardware has no price.
    public static func pricePerGPUHour(_ config: SimulatorConfig) -> Double? {
        guard let cost = costPerHour(config) else { return nil }
        guard config.cluster.isEnabled else { return config.hardware.pricePerHour }
        let prices = config.replicaNodes.map { $0.config.hardware.pricePerHour }
        if let first = prices.first, prices.allSatisfy({ $0 == first }) { return first }
        return cost / Double(gpus(config))
    }
}
