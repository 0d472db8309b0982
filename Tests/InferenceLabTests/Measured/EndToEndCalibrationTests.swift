import Testing
@testable import InferenceLab
@testable import InferenceLabCore

@Suite("calibrate --end-to-end: outcomes, comparison and the fit")
struct EndToEndCalibrationTests {
    /// A small node (Llama-3.1-8B on one H100, the calibrated profile) and `n` Poisson arrivals.
    static func base(requests n: Int = 40, rate: Double = 8, seed: UInt64 = 3) throws -> SimulatorConfig {
        var c = try ConfigLoader.parse("""
            [hardware]
            preset = "h100-sxm"
            [model]
            preset = "llama-3.1-8b"
            [compute]
            preset = "h100-sxm"
            [scheduler]
            async_scheduling = true
            [workload]
            arrival_pattern = "poisson"
            arrival_rate = \(rate)
            num_requests = \(n)
            seed = \(seed)
            [workload.input_len_dist]
            type = "uniform"
            min = 200
            max = 1200
            [workload.output_len_dist]
            type = "uniform"
            min = 50
            max = 200
            """, file: "<test>").config
        c.engine = EngineConfig()
        return c
    }

    /// The simulation as a client measures it (per request, client clock).
    static func measure(_ config: SimulatorConfig) throws -> MeasuredRun {
        var sim = try Simulator(config: config)
        var recorder = MeasuredRecorder()
        #expect(sim.run(into: &recorder) == .complete)
        return recorder.run()
    }

    @Test("MeasuredRecorder's outcomes equal the MetricsReducer's, with engine overheads")
    func recorderMatchesReducer() throws {
        var c = try Self.base()
        c.engine = EngineConfig(apiRequestSeconds: 0.01, apiPromptTokenSeconds: 2e-6, apiOutputTokenSeconds: 2e-5,
                                stepSeconds: 0.002, stepRequestSeconds: 3e-5)
        var sim = try Simulator(config: c)
        var sink = TeeSink(MeasuredRecorder(), MetricsReducer(config: c))
        sim.run(into: &sink)
        let recorded = sink.a.run().outcomes()
        let reduced = Outcomes(summary: sink.b.summary())
        #expect(recorded.values.count == OutcomeMetric.allCases.count)
        for m in OutcomeMetric.allCases {
            let a = try #require(recorded[m]), b = try #require(reduced[m])
            #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(m.rawValue): recorder \(a), reducer \(b)")
        }
        #expect(sink.a.requests.allSatisfy { $0.succeeded && $0.outputTokens > 0 })
    }

    @Test("replaying a recorded run reproduces it exactly")
    func replayIsExact() throws {
        let c = try Self.base()
        let run = try Self.measure(c)
        let replayed = try #require(EndToEndCalibration.simulate(c, run.traceRequests()))
        let comparison = OutcomeComparison(predicted: replayed, measured: run.outcomes())
        // Exact but for the arrival times' rounding to 1e-7 s (as the converters write them).
        for row in comparison.rows { #expect(abs(row.error ?? 1) < 1e-5, "\(row.metric.rawValue): \(row.error ?? .nan)") }
        #expect(comparison.objectiveError.map { $0 < 1e-5 } == true)
    }

    @Test("comparison by hand: signed errors, missing sides, objective")
    func comparisonByHand() {
        let predicted = Outcomes(values: [.meanTTFT: 120, .p99TTFT: 90, .requestThroughput: 5, .duration: 10])
        let measured = Outcomes(values: [.meanTTFT: 100, .p99TTFT: 100, .requestThroughput: 4, .meanITL: 7])
        let c = OutcomeComparison(predicted: predicted, measured: measured)
        func row(_ m: OutcomeMetric) -> OutcomeComparison.Row { c.rows.first { $0.metric == m }! }
        #expect(abs(row(.meanTTFT).error! - 0.2) < 1e-12)           // 120 / 100 − 1
        #expect(abs(row(.p99TTFT).error! + 0.1) < 1e-12)            // 90 / 100 − 1
        #expect(abs(row(.requestThroughput).error! - 0.25) < 1e-12) // 5 / 4 − 1
        #expect(row(.meanITL).error == nil && row(.meanITL).predicted == nil)
        #expect(row(.duration).error == nil && row(.duration).measured == nil)
        // Objective: mean of |+20 %|, |−10 %|, |+25 %| (the objective metrics both sides have).
        #expect(abs(c.objectiveError! - 0.55 / 3) < 1e-12)
        #expect(OutcomeComparison.percent(0.2) == "+20.0 %" && OutcomeComparison.percent(-0.1) == "-10.0 %")
        let text = c.renderText(header: ["h"])
        #expect(text.contains("\nTTFT mean (ms)              120.00        100.00    +20.0 %\n"), "\(text)")
        #expect(text.contains("\nITL mean (ms)                    -          7.00          -\n"))
        let json = c.renderJSON(log: "a", measuredFile: "b", source: "vllm-bench", requests: nil)
        #expect(json.contains(#""mean_ttft_ms": {"predicted": 120, "measured": 100, "error_pct": 19.999999999999996}"#), "\(json)")
        #expect(json.contains(#""mean_itl_ms": {"predicted": null, "measured": 7, "error_pct": null}"#))
        #expect(json.contains(#""measured_requests": null"#))
    }

    @Test("the objective is fit_engine.py's: mean over metrics of the median |error| across runs")
    func objectiveByHand() {
        let measured = [Outcomes(values: [.meanTTFT: 100, .requestThroughput: 10]),
                        Outcomes(values: [.meanTTFT: 100, .requestThroughput: 10]),
                        Outcomes(values: [.meanTTFT: 100])]
        let predicted: [Outcomes?] = [Outcomes(values: [.meanTTFT: 110, .requestThroughput: 9]),
                                      Outcomes(values: [.meanTTFT: 70, .requestThroughput: 13]),
                                      Outcomes(values: [.meanTTFT: 105])]
        let (score, parts) = EndToEndCalibration.objective(predicted: predicted, measured: measured)
        // TTFT |errors| 0.1, 0.3, 0.05 → median 0.1; throughput 0.1, 0.3 → median 0.2.
        #expect(abs(parts[.meanTTFT]! - 0.1) < 1e-12 && abs(parts[.requestThroughput]! - 0.2) < 1e-12)
        #expect(abs(score - 0.15) < 1e-12)
        #expect(EndToEndCalibration.objective(predicted: [nil, predicted[1], predicted[2]], measured: measured).score == .infinity)
        // targets: with TTFT mean, decode ITL, E2E mean and E2E p99 medians 0.2, 0.05, 0.1, 0.1
        // the ratios to 10, 5, 5, 10 % are 2, 1, 2, 1: max 2 + 0.1 × mean 1.5 = 2.15.
        let m = Outcomes(values: [.meanTTFT: 100, .decodeITL: 10, .meanE2E: 1000, .p99E2E: 2000])
        let p = Outcomes(values: [.meanTTFT: 120, .decodeITL: 10.5, .meanE2E: 1100, .p99E2E: 1800])
        let t = EndToEndCalibration.objective(predicted: [p], measured: [m], kind: .targets).score
        #expect(abs(t - 2.15) < 1e-9, "\(t)")
        // Without all four target metrics, targets falls back to the mean.
        #expect(EndToEndCalibration.objective(predicted: predicted, measured: measured, kind: .targets).score == score)
    }

    @Test("round trip: the fit recovers engine values the measurements were simulated with")
    func roundTrip() throws {
        var truth = try Self.base()
        truth.engine = EngineConfig(apiRequestSeconds: 0.012, stepSeconds: 0.003)
        truth.workload.numRequests = 25
        var runs: [EndToEndCalibration.Run] = []
        for (rate, seed) in [(4.0, UInt64(1)), (12.0, UInt64(2))] {
            var c = truth
            c.workload.arrivalRate = rate
            c.workload.seed = seed
            let m = try Self.measure(c)
            runs.append(.init(name: "rate \(rate)", requests: m.traceRequests(), measured: m.outcomes()))
        }
        // Two keys and small runs keep the debug-build test short (each evaluation simulates both runs).
        let keys = ["api_request_seconds", "step_seconds"]
        let parameters = EndToEndCalibration.engineParameters.filter { keys.contains($0.key) }
        let fit = EndToEndCalibration.fit(base: try Self.base(), runs: runs, parameters: parameters, rounds: 2, maxEvaluations: 60)
        #expect(fit.scoreBefore > 0.05, "the base (no overheads) is far off: \(fit.scoreBefore)")
        #expect(fit.scoreAfter < 0.01, "objective after the fit: \(fit.scoreAfter) in \(fit.evaluations) evaluations")
        let e = fit.config.engine
        #expect(abs(e.apiRequestSeconds / 0.012 - 1) < 0.1, "api_request_seconds \(e.apiRequestSeconds)")
        #expect(abs(e.stepSeconds / 0.003 - 1) < 0.1, "step_seconds \(e.stepSeconds)")
        // Deterministic: the same inputs give the same search (checked on its first steps).
        let a = EndToEndCalibration.fit(base: try Self.base(), runs: runs, parameters: parameters, rounds: 1, maxEvaluations: 6)
        let b = EndToEndCalibration.fit(base: try Self.base(), runs: runs, parameters: parameters, rounds: 1, maxEvaluations: 6)
        #expect(a.config.engine == b.config.engine && a.scoreAfter == b.scoreAfter && a.stoppedAtLimit)
    }
}
