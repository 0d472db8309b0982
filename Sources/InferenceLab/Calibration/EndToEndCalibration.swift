/// Fits the `[engine]` overheads (and optionally the calibrated compute factors) to measured
/// serving runs with the simulator in the loop: `inference-lab calibrate --end-to-end`.
///
/// The objective is `tools/validate/fit_engine.py`'s: for each metric of
/// ``OutcomeMetric/objective`` the median over runs of |predicted / measured − 1|, averaged
/// over the metrics (a metric no run has is left out). The search is the same coordinate
/// descent: for each parameter in turn, from a step of max(value, floor), try value + step,
/// value − step and value / 2 (neither below the parameter's lower bound, 0 for costs), value × 2
/// (not above its upper bound), keep the first that lowers the
/// objective by more than 1e-5 and try again; when none does, halve the step until it falls
/// below the floor. Rounds repeat over all parameters. Everything is deterministic.
public enum EndToEndCalibration {
    /// One measured run to fit: the requests to replay and what was measured.
    public struct Run: Sendable {
        public var name: String
        public var requests: [RequestSpec]
        public var measured: Outcomes
    }

    /// A fitted value: its TOML key, where it lives in the config, its smallest search step
    /// and its bounds.
    public struct Parameter: Sendable {
        public var key: String
        public var floor: Double
        public var lowerBound: Double = 0
        public var upperBound: Double
        /// `fit_engine.py`'s START: where an `[engine]` cost starts when every fitted cost is 0
        /// in the base config (nil: not a cost; it starts from the base config's value).
        public var start: Double?
        public var get: @Sendable (SimulatorConfig) -> Double
        public var set: @Sendable (inout SimulatorConfig, Double) -> Void
    }

    /// The `[engine]` cost keys, with `fit_engine.py`'s starting points and floors.
    public static let engineParameters: [Parameter] = [
        Parameter(key: "api_request_seconds", floor: 2e-4, upperBound: 10, start: 0.005,
                  get: { $0.engine.apiRequestSeconds }, set: { $0.engine.apiRequestSeconds = $1 }),
        Parameter(key: "api_prompt_token_seconds", floor: 5e-8, upperBound: 1, start: 1e-6,
                  get: { $0.engine.apiPromptTokenSeconds }, set: { $0.engine.apiPromptTokenSeconds = $1 }),
        Parameter(key: "api_output_token_seconds", floor: 1e-6, upperBound: 1, start: 1e-5,
                  get: { $0.engine.apiOutputTokenSeconds }, set: { $0.engine.apiOutputTokenSeconds = $1 }),
        Parameter(key: "step_seconds", floor: 1e-4, upperBound: 10, start: 0.002,
                  get: { $0.engine.stepSeconds }, set: { $0.engine.stepSeconds = $1 }),
        Parameter(key: "step_request_seconds", floor: 1e-6, upperBound: 1, start: 1e-5,
                  get: { $0.engine.stepRequestSeconds }, set: { $0.engine.stepRequestSeconds = $1 }),
        Parameter(key: "step_token_seconds", floor: 1e-8, upperBound: 1, start: 0,
                  get: { $0.engine.stepTokenSeconds }, set: { $0.engine.stepTokenSeconds = $1 }),
        Parameter(key: "gpu_time_scale", floor: 0.01, lowerBound: 0.5, upperBound: 10, start: nil,
                  get: { $0.engine.gpuTimeScale }, set: { $0.engine.gpuTimeScale = $1 }),
    ]

    /// The keys fitted by default: the costs but `step_token_seconds` (as `fit_engine.py`).
    public static let defaultEngineKeys = ["api_request_seconds", "api_prompt_token_seconds", "api_output_token_seconds",
                                           "step_seconds", "step_request_seconds"]

    /// The calibrated model's weight-matmul efficiencies (`--compute`), in (0, 1].
    public static let computeParameters: [Parameter] = [
        Parameter(key: "compute_efficiency", floor: 0.01, lowerBound: 0.01, upperBound: 1, start: nil,
                  get: { $0.compute.calibration.computeEfficiency }, set: { $0.compute.calibration.computeEfficiency = $1 }),
        Parameter(key: "memory_efficiency", floor: 0.01, lowerBound: 0.01, upperBound: 1, start: nil,
                  get: { $0.compute.calibration.memoryEfficiency }, set: { $0.compute.calibration.memoryEfficiency = $1 }),
    ]

    /// The client-observed outcomes of replaying `requests` under `config`; nil when the run
    /// fails (a request that can never be scheduled, or a config error).
    public static func simulate(_ config: SimulatorConfig, _ requests: [RequestSpec]) -> Outcomes? {
        guard var sim = try? Simulator(config: config, source: ArrayRequestSource(requests)) else { return nil }
        var metrics = MetricsReducer(config: config)
        guard sim.run(into: &metrics) == .complete, sim.error == nil else { return nil }
        return Outcomes(summary: metrics.summary())
    }

    /// What the fit minimises, as `tools/validate/fit_engine.py --objective`.
    public enum Objective: String, CaseIterable, Sendable {
        /// The largest ratio of a metric's median |error| to the project's target (TTFT mean
        /// 10 %, decode ITL 5 %, E2E mean 5 %, E2E p99 10 %) plus a tenth of their mean; the mean
        /// objective when a run set lacks one of those metrics.
        case targets
        /// The mean over the objective metrics of the median |error|.
        case mean
    }

    /// The accuracy targets (median |error|) of ``Objective/targets``.
    public static let targets: [(OutcomeMetric, Double)] = [(.meanTTFT, 0.10), (.decodeITL, 0.05), (.meanE2E, 0.05), (.p99E2E, 0.10)]

    /// The objective and its parts: per metric, the median |error| over the runs that have it.
    public static func objective(predicted: [Outcomes?], measured: [Outcomes], kind: Objective) -> (score: Double, perMetric: [OutcomeMetric: Double]) {
        let (mean, parts) = objective(predicted: predicted, measured: measured)
        guard kind == .targets, mean.isFinite, targets.allSatisfy({ parts[$0.0] != nil }) else { return (mean, parts) }
        let ratios = targets.map { parts[$0.0]! / $0.1 }
        return (ratios.max()! + 0.1 * ratios.reduce(0, +) / Double(ratios.count), parts)
    }

    /// The mean objective and its parts: per metric, the median |error| over the runs that have it.
    public static func objective(predicted: [Outcomes?], measured: [Outcomes]) -> (score: Double, perMetric: [OutcomeMetric: Double]) {
        if predicted.contains(where: { $0 == nil }) { return (.infinity, [:]) }
        var perMetric: [OutcomeMetric: Double] = [:]
        for m in OutcomeMetric.objective {
            let errors = zip(predicted, measured).compactMap { p, meas in Outcomes.error(m, predicted: p!, measured: meas).map(abs) }
            if !errors.isEmpty { perMetric[m] = median(errors) }
        }
        guard !perMetric.isEmpty else { return (.infinity, [:]) }
        let score = OutcomeMetric.objective.compactMap { perMetric[$0] }.reduce(0, +) / Double(perMetric.count)
        return (score, perMetric)
    }

    /// Median of a non-empty list (the mean of the two middle values for an even count).
    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// The result of a fit.
    public struct Fit: Sendable {
        /// The base config with the fitted values.
        public var config: SimulatorConfig
        public var before: [Outcomes?]
        public var after: [Outcomes?]
        public var scoreBefore: Double
        public var scoreAfter: Double
        /// Simulation rounds (one per objective evaluation, each over every run).
        public var evaluations: Int
        /// Whether the search stopped because it reached its evaluation limit.
        public var stoppedAtLimit = false

        public init(config: SimulatorConfig, before: [Outcomes?], after: [Outcomes?], scoreBefore: Double,
                    scoreAfter: Double, evaluations: Int) {
            self.config = config
            self.before = before
            self.after = after
            self.scoreBefore = scoreBefore
            self.scoreAfter = scoreAfter
            self.evaluations = evaluations
        }
    }

    /// Fits `parameters` of `base` to `runs`, with at most `rounds` rounds and
    /// `maxEvaluations` objective evaluations. `progress` receives a line per improvement.
    /// When `base` cannot replay a run (``simulate(_:_:)`` is nil) nothing is fitted: the
    /// result is `base`, with that run's entry of ``Fit/before`` nil.
    public static func fit(base: SimulatorConfig, runs: [Run], parameters: [Parameter], objective kind: Objective = .mean,
                           rounds: Int = 2, maxEvaluations: Int = 300, progress: (String) -> Void = { _ in }) -> Fit {
        let measured = runs.map(\.measured)
        var evaluations = 0
        func evaluate(_ config: SimulatorConfig) -> (Double, [Outcomes?]) {
            evaluations += 1
            let predicted = runs.map { simulate(config, $0.requests) }
            return (objective(predicted: predicted, measured: measured, kind: kind).score, predicted)
        }
        let (scoreBefore, before) = evaluate(base)
        // A run the base config cannot replay is an input error, not something to fit around.
        if before.contains(where: { $0 == nil }) {
            return Fit(config: base, before: before, after: before, scoreBefore: scoreBefore, scoreAfter: scoreBefore, evaluations: evaluations)
        }
        var config = base
        let costs = parameters.filter { $0.start != nil }
        if !costs.isEmpty && costs.allSatisfy({ $0.get(base) == 0 }) {
            for p in costs { p.set(&config, p.start!) }
        }
        var (best, bestPredicted) = config.engine == base.engine && config.compute == base.compute
            ? (scoreBefore, before) : evaluate(config)
        var stopped = false
        search: for round in 0..<max(rounds, 0) {
            for p in parameters {
                var step = max(p.get(config), p.floor)
                var improved = true
                while improved {
                    improved = false
                    let value = p.get(config)
                    for candidate in [value + step, value - step, value * 2, value / 2] {
                        let c = min(max(candidate, p.lowerBound), p.upperBound)
                        guard c != value else { continue }
                        guard evaluations < maxEvaluations else { stopped = true; break search }
                        var trial = config
                        p.set(&trial, c)
                        let (score, predicted) = evaluate(trial)
                        if score < best - 1e-5 {
                            best = score
                            bestPredicted = predicted
                            config = trial
                            improved = true
                            progress("round \(round + 1): \(p.key) = \(c) -> objective \(score)")
                            break
                        }
                    }
                    if !improved && step > p.floor {
                        step /= 2
                        improved = step >= p.floor
                    }
                }
            }
        }
        if best > scoreBefore { return Fit(config: base, before: before, after: before, scoreBefore: scoreBefore, scoreAfter: scoreBefore, evaluations: evaluations) }
        var result = Fit(config: config, before: before, after: bestPredicted, scoreBefore: scoreBefore, scoreAfter: best, evaluations: evaluations)
        result.stoppedAtLimit = stopped
        return result
    }
}

extension EndToEndCalibration.Run {
    /// A measured serving run (`inference-lab convert --measured` output): its requests to
    /// replay and its measured outcomes, named `name` in messages.
    public init(name: String, measured run: MeasuredRun) {
        self.init(name: name, requests: run.traceRequests(), measured: run.outcomes())
    }
}
