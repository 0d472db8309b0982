import Testing
@testable import InferenceLabCore

/// Sampling parameters are validated for the range in which their samplers are finite, and a
/// run refuses to produce a time that is not finite.
@Suite("numeric ranges")
struct NumericRangeTests {
    static let extremes: [Double] = [
        -.infinity, -1e308, -1, 0, 5e-324, 1e-300, 1e-155, 1e-150, 1e-10, 0.5, 1, 2, 3, 1e6,
        2_147_483_647, 2_147_483_648, 1e150, 1e155, 1e300, .greatestFiniteMagnitude, .infinity, .nan,
    ]

    @Test("every numeric key over a grid of extreme values: refused, or a run with finite times only")
    func extremeGrid() {
        for knob in NumericKnobs.all {
            for value in Self.extremes {
                var config = NumericKnobs.base
                knob.set(&config, value)
                if let violation = finiteTimeViolation(config) {
                    Issue.record("\(knob.key) = \(value): \(violation)")
                }
            }
        }
    }

    func errors(_ c: SimulatorConfig) -> [ConfigIssue] { c.validate().filter { $0.severity == .error } }

    @Test("gamma cv: refused outside [1e-150, 1e150], where 1/cv² over- or underflows; accepted at the bounds")
    func gammaCV() {
        var c = NumericKnobs.base
        c.workload.arrivalPattern = .gamma
        for cv in [1e-155, 1.4e155, 1e-151, 2e150] {
            c.workload.cv = cv
            #expect(errors(c).map(\.key) == ["workload.cv"], "cv \(cv)")
        }
        for cv in [1e-150, 1e150, 0.25, 4] {
            c.workload.cv = cv
            #expect(errors(c).isEmpty, "cv \(cv)")
            #expect(finiteTimeViolation(c) == nil, "cv \(cv)")
        }
        // Within range, but gaps up to 343·cv²/rate would overflow.
        c.workload.cv = 1e150
        c.workload.arrivalRate = 1e-10
        #expect(errors(c).map(\.key) == ["workload.cv"])
        #expect(errors(c).first?.message.contains("343·cv²/arrival_rate") == true)
    }

    @Test("arrival_rate below 1e-300 is refused for every rate-driven pattern")
    func arrivalRate() {
        for pattern in [ArrivalPattern.poisson, .gamma, .uniform, .fixedRate] {
            var c = NumericKnobs.base
            c.workload.arrivalPattern = pattern
            c.workload.arrivalRate = 5e-324
            #expect(errors(c).map(\.key) == ["workload.arrival_rate"], "\(pattern)")
            c.workload.arrivalRate = 1e-300
            #expect(errors(c).isEmpty, "\(pattern)")
        }
    }

    @Test("normal and lognormal lengths: mean ± 12.01·std_dev must be finite")
    func lengthDistributions() {
        var c = NumericKnobs.base
        c.workload.inputLengths = .normal(mean: 1e308, stdDev: 1e307)
        #expect(errors(c).map(\.key) == ["workload.input_len_dist.std_dev"])
        c.workload.inputLengths = .lognormal(mean: -1e300, stdDev: 1e300)
        #expect(errors(c).isEmpty)
        c.workload.outputLengths = .lognormal(mean: 0, stdDev: 1.5e307)
        #expect(errors(c).map(\.key) == ["workload.output_len_dist.std_dev"])
    }

    @Test("a step that would take forever stops the run with an error naming the key behind it")
    func nonFiniteStep() throws {
        for (key, change) in [("hardware.compute_flops", { (c: inout SimulatorConfig) in c.hardware.computeFlops = 1e-300 }),
                              ("hardware.memory_bandwidth", { (c: inout SimulatorConfig) in c.hardware.memoryBandwidth = 1e-300 }),
                              ("compute.per_token_seconds", { (c: inout SimulatorConfig) in
                                  c.compute = ComputeConfig(model: .linear, baseSeconds: 0, perTokenSeconds: 1e307, perRequestSeconds: 0) }),
                              ("compute.memory_efficiency", { (c: inout SimulatorConfig) in
                                  c.compute.model = .calibrated; c.compute.calibration.memoryEfficiency = 5e-324 })] {
            var c = NumericKnobs.base
            change(&c)
            var sim = try Simulator(config: c)
            var sink = FiniteTimeSink()
            let status = sim.run(into: &sink)
            #expect(status == .failed, "\(key)")
            #expect(sim.error?.key == key, "\(key): \(String(describing: sim.error))")
            #expect(sim.error?.message.contains("would take") == true)
            #expect(sink.firstBad == nil && sim.stepCount == 1)
        }
    }

    @Test("a finite step time over work that is not finite (linear model, 1e308 parameters) stops the run (found by fuzzing)")
    func nonFiniteWork() throws {
        var c = NumericKnobs.base
        c.compute = ComputeConfig(model: .linear, baseSeconds: 0.01, perTokenSeconds: 0, perRequestSeconds: 0)
        c.model.numParameters = 1e308
        c.scheduler.numGPUBlocksOverride = 1000
        var sim = try Simulator(config: c)
        var sink = FiniteTimeSink()
        #expect(sim.run(into: &sink) == .failed)
        #expect(sim.error?.key == "model.num_parameters", "\(String(describing: sim.error))")
        #expect(sink.firstBad == nil)
    }

    @Test("finite steps that add up past the largest finite time stop the run too")
    func clockOverflow() throws {
        var c = scenarioConfig(base: 1e308)
        c.workload.numRequests = 1
        let source = ArrayRequestSource([req("a", prompt: 16, out: 4)])
        var sim = try Simulator(config: c, source: source)
        var sink = FiniteTimeSink()
        #expect(sim.run(into: &sink) == .failed)
        #expect(sim.error?.key == "compute.base_seconds")
        #expect(sink.firstBad == nil)
    }

    @Test("an arrival time that is not finite stops the run with an error, first or later")
    func nonFiniteArrival() throws {
        for requests in [[req("a", at: .infinity, prompt: 16, out: 4)],
                         [req("a", prompt: 16, out: 4), req("b", at: .nan, prompt: 16, out: 4)]] {
            var sim = try Simulator(config: scenarioConfig(), source: ArrayRequestSource(requests))
            var sink = FiniteTimeSink()
            #expect(sim.run(into: &sink) == .failed)
            #expect(sim.error?.key == "workload.arrival_rate")
            #expect(sim.error?.message.contains("request \(requests.count) would arrive") == true, "\(String(describing: sim.error))")
            #expect(sink.firstBad == nil)
        }
        var closed = NumericKnobs.base
        closed.workload.arrivalPattern = .closedLoop
        closed.workload.numConcurrentUsers = 1
        closed.workload.thinkTime = 1e308
        closed.workload.numRequests = 3
        var sim = try Simulator(config: closed)
        var sink = NullSink()
        #expect(sim.run(into: &sink) == .failed)
        #expect(sim.error?.key == "workload.think_time")
    }
}
