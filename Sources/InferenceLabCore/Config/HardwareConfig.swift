/// The accelerator a node runs on, as the step-time model sees it.
///
/// All quantities are SI: FLOP/s, bytes/s, bytes. With `tensorParallelSize` > 1 the numbers
/// are per GPU; the original's trick of describing a TP group as one big GPU (doubling every
/// number) keeps working with the default of 1.
public struct HardwareConfig: Sendable, Equatable {
    /// A label, printed in reports.
    public var name: String = "H100"
    /// Peak dense FLOP/s at the precision implied by `bytesPerParam`.
    public var computeFlops: Double = 1.513e15
    /// Peak memory bandwidth in bytes/s.
    public var memoryBandwidth: Double = 3.35e12
    /// Device memory in bytes.
    public var memoryCapacity: Double = 85_899_345_920
    /// Bytes of KV-cache pool; `nil` derives it as
    /// `memoryCapacity × gpuMemoryUtilization − weight bytes`.
    public var kvCacheCapacity: Double?
    /// Fraction of device memory the engine may use (only used to derive the KV pool).
    public var gpuMemoryUtilization: Double = 0.9
    /// Bytes per weight: 1 = FP8, 2 = BF16. Also the KV element size unless
    /// `kvCacheBytesPerElement` is set.
    public var bytesPerParam: Int = 2
    /// Bytes per KV-cache element; `nil` means `bytesPerParam`.
    public var kvCacheBytesPerElement: Int?
    /// GPUs the model is sharded over (tensor parallelism, TP). Weights, KV heads and FLOPs
    /// are split across them; every other number in this struct is per GPU.
    public var tensorParallelSize: Int = 1
    /// GPU-to-GPU bandwidth in bytes/s per GPU and direction (NVLink 4: 450e9). Required
    /// when `tensorParallelSize` > 1; prices the all-reduces.
    public var interconnectBandwidth: Double?
    /// Fixed seconds each all-reduce costs regardless of size (launch and synchronisation).
    public var interconnectLatency: Double = 0
    /// Rental price of one GPU in US dollars per hour, for cost columns of sweeps; `nil` when
    /// unknown. It does not change the simulation.
    public var pricePerHour: Double?
}
