import InferenceLabCore

/// One simulation run as the browser drives it: a bounded number of engine steps per call, so
/// the page can draw progress between calls, then the summary, the time series and the
/// latency samples.
///
/// The simulator and the metrics reducer are the command-line tool's own (``Simulator`` over
/// ``SyntheticSource``, ``MetricsReducer``); the summary is rendered by ``SummaryJSON``, the
/// code behind `inference-lab --json`, so the same config and seed print the same text.
public struct WebRun {
    public private(set) var simulator: Simulator<SyntheticSource>
    private var sink: TeeSink<MetricsReducer, TimeSeriesSink>
    public let config: SimulatorConfig
    /// Warnings of the config's validation (the CLI prints them on stderr).
    public let warnings: [ConfigIssue]

    /// - Throws: the config's first error (``Simulator`` validates it).
    public init(config: SimulatorConfig) throws(ConfigIssue) {
        simulator = try Simulator(config: config)
        self.config = config
        warnings = config.validate().filter { $0.severity == .warning }
        sink = TeeSink(MetricsReducer(config: config), TimeSeriesSink(config: config))
    }

    /// Runs up to `maxSteps` iterations of the engine loop.
    /// - Returns: true once the run has ended.
    public mutating func advance(maxSteps: Int) -> Bool {
        var n = 0
        while n < maxSteps {
            if !simulator.advance(into: &sink) { return true }
            n += 1
        }
        return simulator.isFinished
    }

    /// Runs to the end.
    public mutating func run() {
        while !advance(maxSteps: 1 << 20) {}
    }

    public var isFinished: Bool { simulator.isFinished }
    public var status: RunStatus? { simulator.status }

    /// Fraction of the run done, in [0, 1]: requests finished or rejected over the requests
    /// to generate (or simulated time over `duration_secs`).
    public var progress: Double {
        if simulator.isFinished { return 1 }
        let w = config.workload
        if let n = w.numRequests, n > 0 {
            return min(1, Double(simulator.finishedCount + simulator.rejectedCount) / Double(n))
        }
        if let d = w.durationSecs, d > 0 { return min(0.999, simulator.now / d) }
        return 0
    }

    public var summary: Summary { sink.a.summary() }
    public var metrics: MetricsReducer { sink.a }
    public var series: TimeSeriesSink { sink.b }

    /// `inference-lab --json`'s text for this run (pretty, as the CLI prints it, without the
    /// final newline).
    public func summaryJSON(pretty: Bool = true) -> String { SummaryJSON.render(summary, pretty: pretty) }
}
