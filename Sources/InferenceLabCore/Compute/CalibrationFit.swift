/// One measured step: what ran and how long it took.
public struct CalibrationSample: Sendable, Equatable {
    public enum Phase: String, Sendable, CaseIterable { case prefill, decode }
    public var phase: Phase
    /// GPUs the measurement ran on (tensor parallelism).
    public var tensorParallelSize: Int
    /// The scheduled requests.
    public var batch: [ScheduledChunk]
    /// Measured seconds.
    public var seconds: Double
    /// Where it came from, for reports (e.g. `line 4 prefill`).
    public var label: String
    /// The model that ran, when it is not the fit's configured one (files that mix models
    /// name it per line); nil: the configuration's model.
    public var model: ModelConfig?

    public init(phase: Phase, tensorParallelSize: Int, batch: [ScheduledChunk], seconds: Double, label: String = "") {
        self.phase = phase
        self.tensorParallelSize = tensorParallelSize
        self.batch = batch
        self.seconds = seconds
        self.label = label
    }

    /// `requests` identical requests of `tokens` new tokens at context `context`.
    public init(phase: Phase, tensorParallelSize: Int, requests: Int, tokens: Int, context: Int,
                seconds: Double, label: String = "") {
        self.init(phase: phase, tensorParallelSize: tensorParallelSize,
                  batch: Array(repeating: ScheduledChunk(context: context, tokens: tokens), count: max(requests, 0)),
                  seconds: seconds, label: label)
    }
}

/// Fits ``CalibrationFactors`` to measured step times by least squares on the relative
/// error (every point counts alike whether it took 10 ms or 10 s), with a Nelder–Mead search
/// over the factors the samples exercise. Deterministic: same samples, same factors.
public enum CalibrationFit {
    /// Which fixed overhead the fit estimates. Over one model they cannot be told apart
    /// (both are constant per step), so exactly one is fitted and the other kept as given.
    public enum Overhead: String, Sendable, CaseIterable { case layer, step }

    /// The fitted factors and the model's prediction for every sample.
    public struct Result: Sendable {
        public var factors: CalibrationFactors
        public var predictions: [Double]
        /// |predicted − measured| / measured for every sample.
        public var absoluteRelativeErrors: [Double]
    }

    /// Predicted seconds for each sample under `factors`; `config` gives the hardware and
    /// model, each sample its own tensor-parallel degree.
    public static func predict(_ samples: [CalibrationSample], config: SimulatorConfig,
                               factors: CalibrationFactors) -> [Double] {
        prepared(samples, config: config).map { CalibratedRoofline.seconds($0.terms, roofline: $0.roofline, factors: factors) }
    }

    /// Typical efficiencies of an H100-class GPU, where ``fit(_:config:start:overhead:)``
    /// starts by default.
    public static let fitStart = CalibrationFactors(computeEfficiency: 0.7, memoryEfficiency: 0.9,
                                                    attentionComputeEfficiency: 0.7,
                                                    attentionMemoryEfficiency: 0.7, interconnectEfficiency: 0.8)

    /// Fits the factors.
    ///
    /// - Parameters:
    ///   - start: the factors to start from; those the samples do not exercise, and the
    ///     overhead not fitted, stay as given.
    ///   - overhead: which overhead to fit.
    public static func fit(_ samples: [CalibrationSample], config: SimulatorConfig,
                           start: CalibrationFactors = fitStart,
                           overhead: Overhead = .layer) -> Result {
        let points = prepared(samples, config: config)
        // Which factors the data can inform.
        var usesInterconnect = false, usesAttention = false
        for p in points {
            if p.terms.collectiveBytes > 0 { usesInterconnect = true }
            if p.terms.attentionFlops > 0 || p.terms.kvBytes > 0 { usesAttention = true }
        }
        // Parameter vector: efficiencies as they are, the overhead in units of 100 µs.
        let overheadScale = 1e-4, tokenScale = 1e-6
        func factors(_ x: [Double]) -> CalibrationFactors {
            var f = start
            f.computeEfficiency = x[0]
            f.memoryEfficiency = x[1]
            if usesAttention { f.attentionComputeEfficiency = x[2]; f.attentionMemoryEfficiency = x[3] }
            if usesInterconnect { f.interconnectEfficiency = x[4] }
            switch overhead {
            case .layer: f.layerOverheadSeconds = x[5] * overheadScale
            case .step: f.stepOverheadSeconds = x[5] * overheadScale
            }
            f.tokenOverheadSeconds = x[6] * tokenScale
            return f
        }
        func objective(_ x: [Double]) -> Double {
            for i in 0..<5 where !(x[i] > 0.01 && x[i] <= 1) { return .infinity }
            if !(x[5] >= 0 && x[6] >= 0) { return .infinity }
            let f = factors(x)
            var sum = 0.0
            for p in points {
                let e = CalibratedRoofline.seconds(p.terms, roofline: p.roofline, factors: f) / p.seconds - 1
                sum += e * e
            }
            // A whisper of pull towards efficiency 1 keeps factors the data cannot see (a
            // bound that never binds) from drifting.
            var pull = 0.0
            for i in 0..<5 { pull += (1 - x[i]) * (1 - x[i]) }
            return sum + 1e-9 * pull
        }
        let startOverhead = overhead == .layer ? start.layerOverheadSeconds : start.stepOverheadSeconds
        var x = [start.computeEfficiency, start.memoryEfficiency, start.attentionComputeEfficiency,
                 start.attentionMemoryEfficiency, start.interconnectEfficiency, startOverhead / overheadScale,
                 start.tokenOverheadSeconds / tokenScale]
        for i in 0..<5 { x[i] = min(max(x[i], 0.05), 1) }
        // Restarting from the best point escapes the simplex collapsing early.
        for _ in 0..<6 { x = nelderMead(objective, from: x, steps: [0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 0.2], iterations: 4000) }
        let f = factors(x)
        let predictions = points.map { CalibratedRoofline.seconds($0.terms, roofline: $0.roofline, factors: f) }
        var errors: [Double] = []
        for (p, y) in zip(points, predictions) { errors.append(abs(y / p.seconds - 1)) }
        return Result(factors: f, predictions: predictions, absoluteRelativeErrors: errors)
    }

    private struct Point { var terms: RooflineTerms; var roofline: Roofline; var seconds: Double }

    private static func prepared(_ samples: [CalibrationSample], config: SimulatorConfig) -> [Point] {
        var cache: [(tp: Int, model: ModelConfig?, roofline: Roofline)] = []
        return samples.map { s in
            let roofline: Roofline
            if let hit = cache.first(where: { $0.tp == s.tensorParallelSize && $0.model == s.model }) {
                roofline = hit.roofline
            } else {
                var c = config
                c.hardware.tensorParallelSize = s.tensorParallelSize
                if let model = s.model { c.model = model }
                roofline = Roofline(c)
                cache.append((s.tensorParallelSize, s.model, roofline))
            }
            return Point(terms: roofline.terms(of: s.batch), roofline: roofline, seconds: s.seconds)
        }
    }

    /// Nelder–Mead simplex minimisation (standard coefficients 1, 2, ½, ½).
    static func nelderMead(_ f: ([Double]) -> Double, from x0: [Double], steps: [Double], iterations: Int) -> [Double] {
        let n = x0.count
        var simplex: [[Double]] = [x0]
        for i in 0..<n {
            var v = x0
            v[i] += steps[i]
            if f(v) == .infinity { v[i] = x0[i] - steps[i] }
            simplex.append(v)
        }
        var values = simplex.map(f)
        for _ in 0..<iterations {
            let order = (0...n).sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if values[n] - values[0] <= 1e-15 * (abs(values[0]) + 1e-30) { break }
            var centroid = [Double](repeating: 0, count: n)
            for v in simplex[0..<n] { for i in 0..<n { centroid[i] += v[i] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = along(-1), fr = f(reflected)
            if fr < values[0] {
                let expanded = along(-2), fe = f(expanded)
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected; values[n] = fr
            } else {
                let contracted = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = f(contracted)
                if fc < min(fr, values[n]) {
                    simplex[n] = contracted; values[n] = fc
                } else {
                    for j in 1...n {
                        simplex[j] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[j][$0] - simplex[0][$0]) }
                        values[j] = f(simplex[j])
                    }
                }
            }
        }
        var best = 0
        for j in 1...n where values[j] < values[best] { best = j }
        return simplex[best]
    }
}

/// The median of `values` (mean of the middle two for an even count); 0 when empty.
public func medianOf(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
