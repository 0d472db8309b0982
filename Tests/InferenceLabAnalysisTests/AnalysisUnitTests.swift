import Foundation
import Testing
@testable import InferenceLabAnalysis

@Suite("analysis building blocks")
struct AnalysisUnitTests {
    @Test("time buckets double their width and merge pairwise, keeping totals")
    func buckets() {
        var b = TimeBuckets(series: 1, capacity: 4, initialWidth: 1)
        for t in [0.0, 0.5, 1.5, 3.9] { b.add(series: 0, at: b.index(t), 1) }
        #expect(b.width == 1 && b.used == 4)
        let i = b.index(7.5)  // past 4 windows: width 2, index 3
        #expect(b.width == 2 && i == 3)
        b.add(series: 0, at: i, 5)
        #expect(b.buckets[0].prefix(4).map(\.count) == [3, 1, 0, 1])
        #expect(b.buckets[0].reduce(0) { $0 + $1.sum } == 9)
        #expect(b.buckets[0][3].max == 5)
        _ = b.index(100)
        #expect(b.width == 32 && b.used == 4)
        #expect(b.buckets[0][0].sum == 9)
    }

    @Test("axis ticks are 1/2/2.5/5 × 10ⁿ and cover the data")
    func axis() {
        let a = AxisScale(lo: 0, hi: 61.4, target: 5)
        #expect(a.ticks == [0, 20, 40, 60, 80])
        let t = AxisScale(lo: 0, hi: 61.4, target: 5, tight: true)
        #expect(t.ticks == [0, 20, 40, 60] && t.upper == 61.4)
        #expect(AxisScale(lo: 0, hi: 1, target: 4).ticks == [0, 0.25, 0.5, 0.75, 1])
        #expect(AxisScale(lo: 5, hi: 5).ticks.count >= 2)
        #expect(TextFormat.compact(12_500) == "12.5k" && TextFormat.compact(2e6) == "2M" && TextFormat.compact(0.25) == "0.25")
    }

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

    @Test("request diff: matched by id, counts, top by |ΔE2E|")
    func requestDiff() {
        func r(_ id: String, _ ttft: Double, _ e2e: Double) -> RequestOutcome {
            var o = RequestOutcome(id: id, status: .finished, arrival: 0)
            o.firstToken = ttft
            o.finish = e2e
            return o
        }
        var d = RequestLatencyDiff(top: 2)
        for o in [r("a", 1, 5), r("b", 1, 5), r("c", 1, 5), r("x", 1, 1)] { d.addReference(o) }
        for o in [r("c", 1, 9), r("a", 2, 4), r("b", 1, 5), r("y", 1, 1)] { d.addOther(o) }
        d.finish()
        #expect(d.matched == 3 && d.onlyInA == 1 && d.onlyInB == 1)
        #expect(d.slower == 1 && d.faster == 1 && d.unchanged == 1)
        #expect(d.top.map(\.id) == ["c", "a"])
        #expect(d.top[0].e2eDelta == 4)
        // B read first (A from stdin): deltas are still B − A.
        var swapped = RequestLatencyDiff(top: 1, referenceIsA: false)
        swapped.addReference(r("c", 1, 9))
        swapped.addOther(r("c", 1, 5))
        #expect(swapped.top.first?.e2eDelta == 4)
    }

    @Test("SLO: a one-token request has no TPOT and meets that target")
    func slo() {
        var one = RequestOutcome(id: "b", status: .finished, arrival: 0)
        one.firstToken = 0.1; one.finish = 0.1; one.outputTokens = 1
        var many = RequestOutcome(id: "a", status: .finished, arrival: 0)
        many.firstToken = 0.1; many.finish = 0.6; many.outputTokens = 3
        let slo = ServiceLevelObjective(ttftMs: 150, tpotMs: 200)
        #expect(slo.isMet(by: one))
        #expect(!slo.isMet(by: many))
        #expect(ServiceLevelObjective(ttftMs: 150, tpotMs: 250).isMet(by: many))
        #expect(!ServiceLevelObjective(ttftMs: 99).isMet(by: one))
        var counter = GoodputCounter(objective: slo)
        counter.add(one); counter.add(many)
        counter.add(RequestOutcome(id: "r", status: .rejected(.promptTooLong), arrival: 0))
        #expect(counter.completed == 2 && counter.met == 1 && counter.attainment == 0.5)
        #expect(counter.goodput(duration: 0.5) == 2)
    }

    @Test("the CDF keeps at most the requested points, ending at 100 %")
    func cdf() {
        let samples = (1...1000).map(Double.init)
        let points = ReportData.cdf(samples, points: 100)
        #expect(points.count == 101)
        #expect(points.first?.x == 1 && points.last?.x == 1000 && points.last?.y == 1)
        #expect(ReportData.cdf([3, 1].sorted()).map(\.y) == [0.5, 1])
    }

    @Test("text formatting")
    func format() {
        #expect(TextFormat.fixed(2.345, 2) == "2.35" || TextFormat.fixed(2.345, 2) == "2.34")
        #expect(TextFormat.fixed(-0.5, 1) == "-0.5")
        #expect(TextFormat.signed(1.5) == "+1.50" && TextFormat.signed(-1.5) == "-1.50" && TextFormat.signed(0) == "0.00")
        #expect(TextFormat.number(.nan) == "" && TextFormat.number(3) == "3")
        #expect(HTMLText.escape("<a href=\"x\">&") == "&lt;a href=&quot;x&quot;&gt;&amp;")
    }
}
