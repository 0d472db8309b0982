import Testing
@testable import InferenceLabAnalysis

@Suite("fail-if conditions")
struct FailConditionTests {
    @Test("fail-if conditions: relative, absolute, both directions, bad input")
    func failIf() throws {
        let keys = ["p99_ttft_ms", "preemptions"]
        let up = MetricDelta(key: "p99_ttft_ms", a: 100, b: 106)
        #expect(try FailCondition(parsing: "p99_ttft_ms>+5%", keys: keys).holds(for: up))
        #expect(try !FailCondition(parsing: "p99_ttft_ms>+10%", keys: keys).holds(for: up))
        #expect(try FailCondition(parsing: "p99_ttft_ms>5", keys: keys).holds(for: up))
        #expect(try !FailCondition(parsing: "p99_ttft_ms<-5%", keys: keys).holds(for: up))
        #expect(try FailCondition(parsing: "p99_ttft_ms <= -5%", keys: keys).holds(for: MetricDelta(key: "p99_ttft_ms", a: 100, b: 95)))
        #expect(try FailCondition(parsing: "preemptions>+50%", keys: keys).holds(for: MetricDelta(key: "preemptions", a: 0, b: 3)))
        #expect(try !FailCondition(parsing: "preemptions>+50%", keys: keys).holds(for: MetricDelta(key: "preemptions", a: 0, b: 0)))
        for bad in ["p99_ttft_ms", ">5", "p99_ttft_ms>", "p99_ttft_ms>x%", "p99_tft_ms>5"] {
            #expect(throws: InputError.self) { try FailCondition(parsing: bad, keys: keys) }
        }
    }
}
