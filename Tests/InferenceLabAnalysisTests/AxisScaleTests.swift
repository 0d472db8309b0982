import Testing
@testable import InferenceLabAnalysis

@Suite("axis scale")
struct AxisScaleTests {
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
}
