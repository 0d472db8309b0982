/// What a sweep point costs: the GPUs it occupies and their price.
public enum SweepCost {
    /// The GPUs one point uses: `tensor_parallel_size` × the replicas (1 while the config has
    /// no replica count). The one place that counts them, so a fleet of replicas changes only
    /// this.
    public static func gpus(_ config: SimulatorConfig) -> Int {
        config.hardware.tensorParallelSize
    }
}
