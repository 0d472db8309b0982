import Testing
@testable import InferenceLabAnalysis

@Suite("time buckets")
struct TimeBucketsTests {
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

    @Test("series added later share the windows and merge with the others")
    func addSeries() {
        var b = TimeBuckets(series: 1, capacity: 4, initialWidth: 1)
        b.add(series: 0, at: b.index(0.5), 1)
        b.add(series: 0, at: b.index(5), 1)  // width 2: index 2
        #expect(b.addSeries(2) == 1 && b.seriesCount == 3)
        #expect(b.buckets[2].count == 4 && b.buckets[2].allSatisfy { $0.count == 0 })
        b.add(series: 2, at: b.index(3), 7)  // index 1
        b.add(series: 2, at: b.index(6.5), 9)  // index 3
        _ = b.index(9)  // width 4: windows 0+1 and 2+3 merge
        #expect(b.width == 4)
        #expect(b.buckets[0].prefix(2).map(\.count) == [1, 1])
        #expect(b.buckets[2].prefix(2).map(\.sum) == [7, 9])
        #expect(b.buckets[1].allSatisfy { $0.count == 0 })
    }
}
