import Testing
@testable import InferenceLabAnalysis

@Suite("report data")
struct ReportDataTests {
    @Test("the CDF keeps at most the requested points, ending at 100 %")
    func cdf() {
        let samples = (1...1000).map(Double.init)
        let points = ReportData.cdf(samples, points: 100)
        #expect(points.count == 101)
        #expect(points.first?.x == 1 && points.last?.x == 1000 && points.last?.y == 1)
        #expect(ReportData.cdf([3, 1].sorted()).map(\.y) == [0.5, 1])
    }
}
