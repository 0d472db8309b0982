import Testing
import Foundation
@testable import InferenceLabCore

@Suite struct PercentileTests {

    @Test func numpyLinearGoldenValues() {
        // numpy.percentile([1, 2, 3, 4], q): position q·(n − 1).
        let s = Percentile.stats([4, 1, 3, 2])
        #expect(s.count == 4 && s.min == 1 && s.max == 4 && s.mean == 2.5)
        #expect(abs(s.p50 - 2.5) < 1e-12)
        #expect(abs(s.p90 - 3.7) < 1e-12)
        #expect(abs(s.p95 - 3.85) < 1e-12)
        #expect(abs(s.p99 - 3.97) < 1e-12)
        // 1…10: p90 = 9.1, p99 = 9.91, p50 = 5.5.
        let t = Percentile.stats((1...10).map(Double.init))
        #expect(abs(t.p50 - 5.5) < 1e-12 && abs(t.p90 - 9.1) < 1e-12 && abs(t.p99 - 9.91) < 1e-12)
        // One sample: every percentile is it.
        let one = Percentile.stats([7])
        #expect(one.p50 == 7 && one.p99 == 7 && one.min == 7 && one.max == 7)
        #expect(Percentile.stats([]).count == 0)
        #expect(Percentile.of([0, 10], 0.25) == 2.5)
    }

    @Test func weightedSamplesEqualTheExpandedSamples() {
        var rng = Xoshiro256(seed: 7)
        for round in 0..<20 {
            var w = WeightedSamples()
            var expanded: [Double] = []
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                // Few distinct values so runs repeat and merge.
                let v = Double(rng.next() % 12) * 0.25
                let k = 1 + Int(rng.next() % 5)
                w.append(v, weight: k)
                expanded.append(contentsOf: repeatElement(v, count: k))
            }
            let a = w.stats(), b = Percentile.stats(expanded)
            #expect(a.count == b.count, "round \(round)")
            #expect(a.min == b.min && a.max == b.max, "round \(round)")
            #expect(a.p50 == b.p50 && a.p90 == b.p90 && a.p95 == b.p95 && a.p99 == b.p99, "round \(round)")
            #expect(abs(a.mean - b.mean) <= 1e-12 * max(1, abs(b.mean)), "round \(round)")
        }
    }

    @Test func scaledStats() {
        let s = Percentile.stats([0.001, 0.002]).scaled(by: 1000)
        #expect(abs(s.mean - 1.5) < 1e-12 && abs(s.max - 2) < 1e-12)
    }
}
