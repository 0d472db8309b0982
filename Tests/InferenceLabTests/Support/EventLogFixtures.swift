import InferenceLab

/// A minimal rendering of the config as the header's JSON object: enough for the reader
/// (hardware peaks) and to tell runs apart. The real renderer lives with the config loader.
func testConfigJSON(_ config: SimulatorConfig) -> String {
    var b = ByteBuffer()
    b.append(ascii: #"{"hardware":{"compute_flops":"#)
    b.append(config.hardware.computeFlops)
    b.append(ascii: #","memory_bandwidth":"#)
    b.append(config.hardware.memoryBandwidth)
    b.append(ascii: #"},"workload":{"seed":"#)
    b.append(config.workload.seed)
    b.append(ascii: #","num_requests":"#)
    b.append(config.workload.numRequests ?? 0)
    b.append(ascii: #","note":"ids \"quoted\" \\ and\nnewlines"}}"#)
    return String(decoding: b.bytes, as: UTF8.self)
}

/// The default config, small enough for debug-build tests.
func smallConfig(requests: Int = 80) -> SimulatorConfig {
    var c = SimulatorConfig.default
    c.workload.numRequests = requests
    return c
}

/// Runs `config` into an event log at `path` and returns the in-process summary and status.
@discardableResult
func runLogged(_ config: SimulatorConfig, to path: String, version: String = "0.0.0-test") throws -> (Summary, RunStatus, EventLogCounts) {
    var sim = try Simulator(config: config)
    let writer = try EventLogWriter(path: path, version: version, seed: config.workload.seed,
                                    configJSON: testConfigJSON(config))
    var sink = TeeSink(writer, MetricsReducer(config: config))
    let status = sim.run(into: &sink)
    try sink.a.finish(status: status)
    return (sink.b.summary(), status, sink.a.counts)
}

/// Reads a log into a fresh reducer built from its header.
func replay(_ path: String, allowIncomplete: Bool = false) throws -> (Summary, EventLogReader) {
    let reader = try EventLogReader(path: path, allowIncomplete: allowIncomplete)
    var metrics = try reader.makeMetricsReducer()
    try reader.read(into: &metrics)
    return (metrics.summary(), reader)
}
