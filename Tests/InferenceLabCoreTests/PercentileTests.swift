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

/// The radix sort behind the percentile summaries must order exactly like a comparison sort.
@Suite struct RadixSortTests {
    /// A reproducible mix: latencies of similar size (shared high digits), negatives, zeros,
    /// infinities, subnormals, repeats.
    static func samples(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        return (0..<n).map { i in
            switch next() % 10 {
            case 0: return -Double(1 + next() % 1000) / 7
            case 1: return 0
            case 2: return [Double.infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude][Int(next() % 4)]
            case 3: return Double(i % 5)
            default: return 0.05 + Double(next() % 1_000_000) * 1e-9
            }
        }
    }

    @Test(arguments: [256, 257, 1000, 4096, 100_003])
    func sortsLikeSorted(count: Int) throws {
        let values = Self.samples(count, seed: UInt64(count))
        let radix = try #require(RadixSort.sorted(values))
        #expect(radix.map(\.bitPattern) == values.sorted().map(\.bitPattern))
    }

    @Test func carriesWeightsAlong() throws {
        let values = Self.samples(5000, seed: 7)
        let weights = values.indices.map { $0 * 3 + 1 }
        let (sorted, carried) = try #require(RadixSort.sorted(values, weights: weights))
        #expect(sorted == values.sorted())
        // Each (value, weight) pair survives the sort.
        let before = zip(values, weights).map { "\($0.0.bitPattern):\($0.1)" }.sorted()
        let after = zip(sorted, carried).map { "\($0.0.bitPattern):\($0.1)" }.sorted()
        #expect(before == after)
        // Stable: equal values keep their weights in input order.
        let ones = zip(sorted, carried).filter { $0.0 == 1 }.map(\.1)
        #expect(ones == ones.sorted())
    }

    @Test func leavesNaNAndNegativeZeroToAComparisonSort() {
        var values = Self.samples(1000, seed: 3)
        #expect(RadixSort.sorted(values) != nil)
        values[500] = -0.0
        #expect(RadixSort.sorted(values) == nil)
        values[500] = .nan
        #expect(RadixSort.sorted(values) == nil)
        #expect(RadixSort.sorted(Array(repeating: 1, count: RadixSort.minimumCount - 1)) == nil)
    }

    @Test func percentileStatsUnchangedByTheSortChosen() {
        // Above and below the radix threshold, the same samples give numpy's percentiles.
        for n in [RadixSort.minimumCount - 1, 10_000] {
            let values = (0..<n).map { Double(($0 * 7919) % n) }
            let s = Percentile.stats(values)
            let sorted = values.sorted()
            #expect(s.min == 0 && s.max == Double(n - 1))
            #expect(s.p90 == Percentile.of(sorted, 0.9) && s.p99 == Percentile.of(sorted, 0.99))
            var weighted = WeightedSamples()
            for v in values { weighted.append(v, weight: 2) }
            let w = weighted.stats()
            #expect(w.count == 2 * n && w.min == 0 && w.max == Double(n - 1))
        }
    }
}
