/// The outcomes of one run: a value per metric, where known.
public struct Outcomes: Sendable, Equatable {
    public var values: [OutcomeMetric: Double] = [:]

    public init(values: [OutcomeMetric: Double] = [:]) { self.values = values }

    public subscript(_ metric: OutcomeMetric) -> Double? {
        get { values[metric] }
        set { values[metric] = newValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    /// The client-observed outcomes of a simulation, from its summary.
    public init(summary s: Summary) {
        if s.ttft.count > 0 {
            self[.meanTTFT] = s.ttft.mean; self[.p50TTFT] = s.ttft.p50
            self[.p90TTFT] = s.ttft.p90; self[.p99TTFT] = s.ttft.p99
        }
        if s.itl.count > 0 { self[.meanITL] = s.itl.mean; self[.p50ITL] = s.itl.p50; self[.p99ITL] = s.itl.p99 }
        if s.tpot.count > 0 { self[.meanTPOT] = s.tpot.mean; self[.p50TPOT] = s.tpot.p50; self[.p99TPOT] = s.tpot.p99 }
        if s.e2e.count > 0 {
            self[.meanE2E] = s.e2e.mean; self[.p50E2E] = s.e2e.p50
            self[.p90E2E] = s.e2e.p90; self[.p99E2E] = s.e2e.p99
        }
        if s.completed > 0, s.ttft.count > 0, s.e2e.count > 0 {
            self[.decodeITL] = Self.decodeITL(meanE2E: s.e2e.mean, meanTTFT: s.ttft.mean,
                                              meanOutput: Double(s.totalOutputTokens) / Double(s.completed))
        }
        if s.duration > 0 {
            self[.duration] = s.duration
            self[.outputThroughput] = s.outputThroughput
            self[.requestThroughput] = s.requestThroughput
        }
    }

    /// (mean E2E − mean TTFT) / (mean output − 1), nil when the mean output is at most one token.
    static func decodeITL(meanE2E: Double, meanTTFT: Double, meanOutput: Double) -> Double? {
        meanOutput > 1 ? (meanE2E - meanTTFT) / (meanOutput - 1) : nil
    }

    /// The signed relative error predicted / measured − 1 of `metric` (nil when either side
    /// lacks it or the measured value is 0).
    public static func error(_ metric: OutcomeMetric, predicted: Outcomes, measured: Outcomes) -> Double? {
        guard let p = predicted[metric], let m = measured[metric], m != 0 else { return nil }
        return p / m - 1
    }
}
