// The five benchmarks of docs/performance.md, run in process through the library APIs.
//
// Each reports wall time, CPU time and peak resident memory (package-benchmark's metrics),
// plus its natural rate as a custom metric (requests/s, lines/s, events/s, MB/s).
// BENCH_SCALE (default 1) scales every workload, e.g. BENCH_SCALE=0.01 for CI's smoke run.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Benchmark
import InferenceLab
import InferenceLabAnalysis

/// The scale factor for every workload (BENCH_SCALE, default 1).
let scale: Double = {
    guard let text = getenv("BENCH_SCALE"), let v = Double(String(cString: text)), v > 0 else { return 1 }
    return v
}()

func scaled(_ n: Int) -> Int { max(1, Int((Double(n) * scale).rounded())) }

/// The repository root (this file is at Benchmarks/Benchmarks/InferenceLabBenchmarks/).
let repoRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}()

let scratch: String = {
    let dir = "/tmp/inference-lab-bench-\(getpid())"
    mkdir(dir, 0o755)
    return dir
}()

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

/// config.toml's workload at 10 req/s, scaled.
func replayConfig() throws -> SimulatorConfig {
    var config = try ConfigLoader.load(path: "\(repoRoot)/Benchmarks/configs/replay-100k.toml").config
    config.workload.numRequests = scaled(100_000)
    return config
}

func blogConfig() throws -> SimulatorConfig {
    var config = try ConfigLoader.load(path: "\(repoRoot)/configs/test_blog.toml").config
    config.workload.numRequests = max(64, scaled(640))
    return config
}

/// Runs the replay, optionally writing the event log; returns (requests, events logged).
@discardableResult
func runReplay(eventsPath: String?) throws -> (requests: Int, events: Int) {
    let config = try replayConfig()
    var metrics = MetricsReducer(config: config)
    var sim = try Simulator(config: config)
    if let eventsPath {
        let log = try EventLogWriter(path: eventsPath, version: InferenceLabVersion.string,
                                     seed: config.workload.seed, configJSON: resolvedConfigJSON(config))
        var sink = TeeSink(log, metrics)
        let status = sim.run(into: &sink)
        var written = sink.a
        try written.finish(status: status, simTime: sim.now)
        metrics = sink.b
        let c = written.counts
        blackHole(metrics.summary())
        // Records: header, arrivals, steps, first tokens, finishes, cache hits, preemptions, end.
        return (sim.finishedCount, c.arrived + c.steps + 2 * c.finished + 2)
    }
    sim.run(into: &metrics)
    blackHole(metrics.summary())
    return (sim.finishedCount, 0)
}

/// The event log of the full-size replay (written once, reused by the analyzer benchmark).
func replayLog() throws -> String {
    let path = "\(scratch)/replay.events.jsonl.gz"
    if fileSize(path) == 0 { try runReplay(eventsPath: path) }
    return path
}

/// A 1M-line native trace (gzip), written once.
func traceFile() throws -> String {
    let path = "\(scratch)/trace-1m.jsonl.gz"
    if fileSize(path) > 0 { return path }
    var config = try replayConfig()
    config.workload.numRequests = scaled(1_000_000)
    var source = SyntheticSource(config.workload)
    let writer = try TraceWriter(path: path, gzipLevel: 1)
    while source.peekArrivalTime() != nil {
        let spec = source.next()
        try writer.append(arrivalTime: spec.arrivalTime, promptTokens: spec.promptTokens,
                          outputTokens: spec.outputTokens)
    }
    try writer.commit()
    return path
}

enum Rate {
    static let requests = BenchmarkMetric.custom("requests/s", polarity: .prefersLarger, useScalingFactor: false)
    static let events = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
    static let lines = BenchmarkMetric.custom("lines/s", polarity: .prefersLarger, useScalingFactor: false)
    static let megabytes = BenchmarkMetric.custom("MB/s (gzip file)", polarity: .prefersLarger, useScalingFactor: false)
}

let common: [BenchmarkMetric] = [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: common, timeUnits: .milliseconds, warmupIterations: 0,
        maxDuration: .seconds(120), maxIterations: scale < 1 ? 1 : 3)

    Benchmark("a. replay 100k requests, no event log",
              configuration: .init(metrics: common + [Rate.requests])) { benchmark in
        let start = monotonicSeconds()
        let r = try runReplay(eventsPath: nil)
        benchmark.measurement(Rate.requests, Int(Double(r.requests) / (monotonicSeconds() - start)))
    }

    Benchmark("b. replay 100k requests, full event log",
              configuration: .init(metrics: common + [Rate.requests, Rate.events])) { benchmark in
        let path = "\(scratch)/b.events.jsonl.gz"
        let start = monotonicSeconds()
        let r = try runReplay(eventsPath: path)
        let seconds = monotonicSeconds() - start
        benchmark.measurement(Rate.requests, Int(Double(r.requests) / seconds))
        benchmark.measurement(Rate.events, Int(Double(r.events) / seconds))
        unlink(path)
    }

    Benchmark("c. trace ingest 1M lines (parse only)",
              configuration: .init(metrics: common + [Rate.lines],
                                   setup: { _ = try traceFile() })) { benchmark in
        let path = try traceFile()
        let start = monotonicSeconds()
        var reader = try TraceReader(path: path)
        var lines = 0
        while let spec = try reader.next() { lines += 1; blackHole(spec.promptTokens) }
        reader.close()
        benchmark.measurement(Rate.lines, Int(Double(lines) / (monotonicSeconds() - start)))
    }

    Benchmark("d. analyzer summary over the log of b",
              configuration: .init(metrics: common + [Rate.events, Rate.megabytes],
                                   setup: { _ = try replayLog() })) { benchmark in
        let path = try replayLog()
        let start = monotonicSeconds()
        let reader = try EventLogReader(path: path)
        var metrics = try reader.makeMetricsReducer()
        var events = 2  // header and end
        while let event = try reader.next() { metrics.consume(event); events += 1 }
        blackHole(metrics.summary())
        let seconds = monotonicSeconds() - start
        benchmark.measurement(Rate.events, Int(Double(events) / seconds))
        benchmark.measurement(Rate.megabytes, Int(Double(fileSize(path)) / 1e6 / seconds))
    }

    Benchmark("e. closed loop, 64 users, test_blog",
              configuration: .init(metrics: common + [Rate.requests])) { benchmark in
        let config = try blogConfig()
        let start = monotonicSeconds()
        var metrics = MetricsReducer(config: config)
        var sim = try Simulator(config: config)
        sim.run(into: &metrics)
        blackHole(metrics.summary())
        benchmark.measurement(Rate.requests, Int(Double(sim.finishedCount) / (monotonicSeconds() - start)))
    }
}
