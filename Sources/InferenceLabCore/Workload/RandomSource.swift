/// xoshiro256** seeded through SplitMix64: fast, reproducible on every platform.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&x); s1 = splitMix(&x); s2 = splitMix(&x); s3 = splitMix(&x)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1]: safe for logarithms.
    public mutating func nextOpenUnit() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// Exponential with the given rate.
    public mutating func nextExponential(rate: Double) -> Double { -logarithm(nextOpenUnit()) / rate }

    /// Standard normal (Marsaglia's polar method; the spare sample is discarded so the stream
    /// position depends only on the number of calls).
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUnit() - 1, v = 2 * nextUnit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * squareRoot(-2 * logarithm(s) / s) }
        }
    }

    /// Gamma(shape, scale) by Marsaglia and Tsang (shape < 1 via the boost u^(1/shape)).
    public mutating func nextGamma(shape: Double, scale: Double) -> Double {
        if shape < 1 {
            let boost = power(nextOpenUnit(), 1 / shape)
            return nextGamma(shape: shape + 1, scale: scale) * boost
        }
        let d = shape - 1.0 / 3.0, c = 1 / squareRoot(9 * d)
        while true {
            var x: Double, v: Double
            repeat { x = nextStandardNormal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = nextOpenUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if logarithm(u) < 0.5 * x * x + d * (1 - v + logarithm(v)) { return d * v * scale }
        }
    }
}
