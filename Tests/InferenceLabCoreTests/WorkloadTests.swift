import Testing
import Foundation
@testable import InferenceLabCore

/// Distance in units in the last place of `b`.
private func ulps(_ a: Double, _ b: Double) -> Double {
    if a == b { return 0 }
    return abs(a - b) / b.ulp
}

@Suite struct WorkloadTests {

    @Test func logarithmMatchesFoundationWithin2Ulp() {
        var rng = Xoshiro256(seed: 1)
        var worst = 0.0
        for i in 0..<20_000 {
            let x: Double
            switch i % 4 {
            case 0: x = Foundation.exp((rng.nextUnit() - 0.5) * 1400)     // 1e-304 … 1e304
            case 1: x = 0.5 + rng.nextUnit()                              // around 1
            case 2: x = 1 + (rng.nextUnit() - 0.5) * 1e-6                 // very close to 1
            default: x = rng.nextOpenUnit()                               // (0, 1]: arrival sampling
            }
            worst = max(worst, ulps(logarithm(x), Foundation.log(x)))
        }
        #expect(worst <= 2, "worst \(worst) ulp")
        #expect(logarithm(1) == 0)
        #expect(logarithm(0) == -.infinity && logarithm(-1).isNaN && logarithm(.infinity) == .infinity)
    }

    @Test func exponentialMatchesFoundationWithin2Ulp() {
        var rng = Xoshiro256(seed: 2)
        var worst = 0.0
        for i in 0..<20_000 {
            let x: Double
            switch i % 3 {
            case 0: x = (rng.nextUnit() - 0.5) * 1400                     // −700 … 700
            case 1: x = (rng.nextUnit() - 0.5) * 20                       // lognormal lengths
            default: x = (rng.nextUnit() - 0.5) * 1e-3
            }
            worst = max(worst, ulps(exponential(x), Foundation.exp(x)))
        }
        #expect(worst <= 2, "worst \(worst) ulp")
        #expect(exponential(0) == 1)
        #expect(exponential(1000) == .infinity && exponential(-1000) == 0)
    }

    @Test func xoshiroIsDeterministicAndMatchesTheReference() {
        // xoshiro256** seeded with SplitMix64(42), first outputs computed with a reference
        // implementation.
        var a = Xoshiro256(seed: 42)
        #expect(a.next() == 0x1578_0b2e_0c2e_c716)
        #expect(a.next() == 0x6104_d986_6d11_3a7e)
        #expect(a.next() == 0xae17_5332_39e4_99a1)
        var b = Xoshiro256(seed: 123), c = Xoshiro256(seed: 123), d = Xoshiro256(seed: 124)
        var same = true, differs = false
        for _ in 0..<1000 {
            let x = b.next(), y = c.next(), z = d.next()
            same = same && x == y
            differs = differs || x != z
        }
        #expect(same && differs)
    }

    @Test func syntheticSourceIsDeterministic() {
        let w = WorkloadConfig(arrivalPattern: .poisson, arrivalRate: 5, numRequests: 200, seed: 9)
        var s1 = SyntheticSource(w), s2 = SyntheticSource(w)
        var a: [RequestSpec] = [], b: [RequestSpec] = []
        while s1.peekArrivalTime() != nil { a.append(s1.next()) }
        while s2.peekArrivalTime() != nil { b.append(s2.next()) }
        #expect(a.count == 200 && a == b)
        #expect(a.map(\.id) == (0..<200).map(String.init))
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.arrivalTime <= $1.arrivalTime })
    }

    /// Gaps and lengths of `n` synthetic requests.
    private func sample(_ w: WorkloadConfig) -> (gaps: [Double], prompts: [Int]) {
        var s = SyntheticSource(w)
        var gaps: [Double] = [], prompts: [Int] = []
        var last = 0.0
        while s.peekArrivalTime() != nil {
            let r = s.next()
            gaps.append(r.arrivalTime - last)
            last = r.arrivalTime
            prompts.append(r.promptTokens)
        }
        return (gaps, prompts)
    }

    private func meanAndCV(_ x: [Double]) -> (Double, Double) {
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
        return (mean, variance.squareRoot() / mean)
    }

    @Test func gammaArrivalsWithCV1HaveTheRightMeanAndCV() {
        // 100k gaps at 5 req/s: the standard error of the mean is 0.2/√1e5 ≈ 0.00063.
        let w = WorkloadConfig(arrivalPattern: .gamma, arrivalRate: 5, cv: 1, numRequests: 100_000,
                               inputLengths: .fixed(10), outputLengths: .fixed(10), seed: 3)
        let (mean, cv) = meanAndCV(sample(w).gaps)
        #expect(abs(mean - 0.2) < 0.003, "mean \(mean)")
        #expect(abs(cv - 1) < 0.02, "cv \(cv)")
    }

    @Test func gammaArrivalsWithCV2() {
        // shape 1/4 (the boosted branch of the sampler).
        let w = WorkloadConfig(arrivalPattern: .gamma, arrivalRate: 5, cv: 2, numRequests: 100_000,
                               inputLengths: .fixed(10), outputLengths: .fixed(10), seed: 4)
        let (mean, cv) = meanAndCV(sample(w).gaps)
        #expect(abs(mean - 0.2) < 0.006, "mean \(mean)")
        #expect(abs(cv - 2) < 0.1, "cv \(cv)")
    }

    @Test func poissonArrivals() {
        let w = WorkloadConfig(arrivalPattern: .poisson, arrivalRate: 2, numRequests: 100_000,
                               inputLengths: .fixed(10), outputLengths: .fixed(10), seed: 5)
        let (mean, cv) = meanAndCV(sample(w).gaps)
        #expect(abs(mean - 0.5) < 0.008, "mean \(mean)")
        #expect(abs(cv - 1) < 0.02, "cv \(cv)")
    }

    @Test func lognormalLengthMedianIsExpMu() {
        // μ 6.9, σ 0.7: median e^6.9 ≈ 992.3 (truncation lowers it by < 1); the median's
        // standard error is ≈ 1.25·992·0.7/√1e5 ≈ 2.7.
        let w = WorkloadConfig(arrivalPattern: .batched, numRequests: 100_000,
                               inputLengths: .lognormal(mean: 6.9, stdDev: 0.7), outputLengths: .fixed(1), seed: 6)
        let prompts = sample(w).prompts.sorted()
        let median = Double(prompts[prompts.count / 2])
        #expect(abs(median - Foundation.exp(6.9)) < 15, "median \(median)")
        #expect(prompts.first! >= 1)
    }

    @Test func lengthDistributions() {
        var rng = Xoshiro256(seed: 8)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let u = LengthDistribution.uniform(min: 3, max: 7).sample(using: &rng)
            #expect((3...7).contains(u))
            seen.insert(u)
            #expect(LengthDistribution.normal(mean: -10, stdDev: 1).sample(using: &rng) == 1)  // clamped to ≥ 1
        }
        #expect(seen == Set(3...7))
        #expect(LengthDistribution.fixed(0).sample(using: &rng) == 1)
        #expect(LengthDistribution.fixed(12).sample(using: &rng) == 12)
    }

    @Test func fixedRateAndBatchedArrivals() {
        let u = sample(WorkloadConfig(arrivalPattern: .uniform, arrivalRate: 4, numRequests: 5,
                                      inputLengths: .fixed(1), outputLengths: .fixed(1)))
        #expect(u.gaps.allSatisfy { abs($0 - 0.25) < 1e-12 })
        let b = sample(WorkloadConfig(arrivalPattern: .batched, numRequests: 5,
                                      inputLengths: .fixed(1), outputLengths: .fixed(1)))
        #expect(b.gaps == [0, 0, 0, 0, 0])
    }
}
