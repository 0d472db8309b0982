// The numeric-range property, shared by NumericRangeTests (a fixed grid of extreme values)
// and the libFuzzer target tools/fuzz/NumericConfigFuzz.swift (values from fuzzer bytes),
// which tools/fuzz.sh compiles together with this file.
@testable import InferenceLabCore

/// Every numeric key of a config, each with a way to set it from a number.
enum NumericKnobs {
    typealias Setter = @Sendable (inout SimulatorConfig, Double) -> Void

    /// A count from a double: saturated into Int's range (NaN becomes 0).
    static func int(_ x: Double) -> Int {
        if x.isNaN { return 0 }
        if x >= 9.2e18 { return .max }
        if x <= -9.2e18 { return .min }
        return Int(x)
    }

    static let all: [(key: String, set: Setter)] = [
        ("hardware.compute_flops", { $0.hardware.computeFlops = $1 }),
        ("hardware.memory_bandwidth", { $0.hardware.memoryBandwidth = $1 }),
        ("hardware.memory_capacity", { $0.hardware.memoryCapacity = $1 }),
        ("hardware.kv_cache_capacity", { $0.hardware.kvCacheCapacity = $1 }),
        ("hardware.gpu_memory_utilization", { $0.hardware.gpuMemoryUtilization = $1 }),
        ("hardware.bytes_per_param", { $0.hardware.bytesPerParam = int($1) }),
        ("hardware.kv_cache_bytes_per_element", { $0.hardware.kvCacheBytesPerElement = int($1) }),
        ("hardware.tensor_parallel_size", { $0.hardware.tensorParallelSize = int($1); $0.hardware.interconnectBandwidth = 450e9 }),
        ("hardware.interconnect_bandwidth", { $0.hardware.tensorParallelSize = 2; $0.hardware.interconnectBandwidth = $1 }),
        ("hardware.interconnect_latency", { $0.hardware.tensorParallelSize = 2; $0.hardware.interconnectBandwidth = 450e9; $0.hardware.interconnectLatency = $1 }),
        ("model.num_parameters", { $0.model.numParameters = $1 }),
        ("model.num_active_parameters", { $0.model.numActiveParameters = $1 }),
        ("model.num_layers", { $0.model.numLayers = int($1) }),
        ("model.hidden_dim", { $0.model.hiddenDim = int($1) }),
        ("model.num_heads", { $0.model.numHeads = int($1); $0.model.numKVHeads = nil; $0.model.headDim = 128 }),
        ("model.num_kv_heads", { $0.model.numKVHeads = int($1) }),
        ("model.head_dim", { $0.model.headDim = int($1) }),
        ("model.max_seq_len", { $0.model.maxSeqLen = int($1) }),
        ("model.sliding_window", { $0.model.slidingWindow = int($1); $0.model.numSlidingLayers = 40 }),
        ("model.num_experts", { $0.model.numExperts = int($1); $0.model.numExpertsPerToken = 2; $0.model.numActiveParameters = 13e9 }),
        ("model.num_experts_per_token", { $0.model.numExperts = 8; $0.model.numExpertsPerToken = int($1); $0.model.numActiveParameters = 13e9 }),
        ("scheduler.max_num_batched_tokens", { $0.scheduler.maxNumBatchedTokens = int($1) }),
        ("scheduler.max_num_seqs", { $0.scheduler.maxNumSeqs = int($1) }),
        ("scheduler.block_size", { $0.scheduler.blockSize = int($1) }),
        ("scheduler.long_prefill_token_threshold", { $0.scheduler.longPrefillTokenThreshold = int($1) }),
        ("scheduler.max_num_partial_prefills", { $0.scheduler.maxNumPartialPrefills = int($1) }),
        ("scheduler.watermark", { $0.scheduler.watermark = $1 }),
        ("scheduler.num_gpu_blocks_override", { $0.scheduler.numGPUBlocksOverride = int($1) }),
        ("scheduler.prefix_hash_block_size", { $0.scheduler.prefixHashBlockSize = int($1) }),
        ("workload.arrival_rate", { $0.workload.arrivalRate = $1 }),
        ("workload.cv", { $0.workload.arrivalPattern = .gamma; $0.workload.cv = $1 }),
        ("workload.duration_secs", { $0.workload.durationSecs = $1 }),
        ("workload.think_time", { $0.workload.arrivalPattern = .closedLoop; $0.workload.numConcurrentUsers = 2; $0.workload.thinkTime = $1 }),
        ("workload.num_concurrent_users", { $0.workload.arrivalPattern = .closedLoop; $0.workload.numConcurrentUsers = int($1) }),
        ("workload.input_len_dist.mean", { $0.workload.inputLengths = .normal(mean: $1, stdDev: 10) }),
        ("workload.input_len_dist.std_dev", { $0.workload.inputLengths = .lognormal(mean: 5, stdDev: $1) }),
        ("workload.output_len_dist.mean", { $0.workload.outputLengths = .lognormal(mean: $1, stdDev: 0.5) }),
        ("workload.output_len_dist.std_dev", { $0.workload.outputLengths = .normal(mean: 8, stdDev: $1) }),
        ("workload.input_len_dist.max", { $0.workload.inputLengths = .uniform(min: 1, max: int($1)) }),
        ("compute.base_seconds", { $0.compute.model = .linear; $0.compute.baseSeconds = $1 }),
        ("compute.per_token_seconds", { $0.compute.model = .linear; $0.compute.perTokenSeconds = $1 }),
        ("compute.per_request_seconds", { $0.compute.model = .linear; $0.compute.perRequestSeconds = $1 }),
        ("compute.compute_efficiency", { $0.compute.model = .calibrated; $0.compute.calibration.computeEfficiency = $1 }),
        ("compute.memory_efficiency", { $0.compute.model = .calibrated; $0.compute.calibration.memoryEfficiency = $1 }),
        ("compute.attention_compute_efficiency", { $0.compute.model = .calibrated; $0.compute.calibration.attentionComputeEfficiency = $1 }),
        ("compute.attention_memory_efficiency", { $0.compute.model = .calibrated; $0.compute.calibration.attentionMemoryEfficiency = $1 }),
        ("compute.interconnect_efficiency", { $0.compute.model = .calibrated; $0.hardware.tensorParallelSize = 2; $0.hardware.interconnectBandwidth = 450e9; $0.compute.calibration.interconnectEfficiency = $1 }),
        ("compute.step_overhead_seconds", { $0.compute.model = .calibrated; $0.compute.calibration.stepOverheadSeconds = $1 }),
        ("compute.layer_overhead_seconds", { $0.compute.model = .calibrated; $0.compute.calibration.layerOverheadSeconds = $1 }),
        ("compute.token_overhead_seconds", { $0.compute.model = .calibrated; $0.compute.calibration.tokenOverheadSeconds = $1 }),
    ]

    /// The base config the knobs change: the default node, a few short requests.
    static var base: SimulatorConfig {
        var c = SimulatorConfig.default
        c.workload.numRequests = 4
        c.workload.inputLengths = .fixed(40)
        c.workload.outputLengths = .fixed(4)
        return c
    }
}

/// Records whether every time an event carries is finite.
struct FiniteTimeSink: EventSink {
    var firstBad: String?
    var events = 0

    mutating func check(_ what: String, _ values: Double...) {
        events += 1
        guard firstBad == nil else { return }
        for v in values where !v.isFinite { firstBad = "\(what): \(values)"; return }
    }

    mutating func consume(_ event: SimulationEvent) {
        switch event {
        case .arrival(let a): check("arrival", a.time)
        case .rejected(let t, _, _, _): check("rejected", t)
        case .cacheHit(let t, _, _, _, _): check("cache hit", t)
        case .step(let r): check("step \(r.step)", r.time, r.duration, r.endTime, r.flops, r.bytes)
        case .firstToken(let t, _, _): check("first token", t)
        case .preempted(let t, _, _): check("preempted", t)
        case .finished(let t, _, _, _): check("finished", t)
        case .timedOut(let t, _): check("timed out", t)
        case .warmupEnded(let t): check("warmup end", t)
        }
    }
}

/// The property: a config that validation accepts runs producing only finite times, or stops
/// with a ``Simulator/error`` before producing one that is not finite. The run is cut after
/// `maxAdvances` engine iterations (a valid config may ask for millions of steps); it must
/// have made progress by then (the NaN clock of an unchecked gamma gap spun without a step).
///
/// - Returns: nil when it holds, else what went wrong.
func finiteTimeViolation(_ config: SimulatorConfig, maxAdvances: Int = 200_000) -> String? {
    guard !config.validate().contains(where: { $0.severity == .error }) else { return nil }
    let sim: Simulator<SyntheticSource>
    do { sim = try Simulator(config: config) } catch { return "validate() accepts but Simulator.init throws \(error)" }
    var s = sim
    var sink = FiniteTimeSink()
    var advances = 0
    while s.advance(into: &sink) {
        advances += 1
        if advances >= maxAdvances {
            if s.stepCount == 0 { return "no step after \(advances) iterations (t = \(s.now))" }
            break
        }
    }
    if let bad = sink.firstBad { return "a time that is not finite: \(bad)" }
    if !s.now.isFinite { return "the clock is not finite: \(s.now)" }
    if s.status == .failed && s.error == nil && s.scheduler.waitingCount + s.scheduler.runningCount == 0 {
        return "failed without an error"
    }
    return nil
}
