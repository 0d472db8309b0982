extension LengthDistribution {
    /// Draws one length: clamped to at least 1, then truncated toward zero (the original's rule).
    public func sample(using rng: inout Xoshiro256) -> Int {
        let value: Double
        switch self {
        case .fixed(let v): return max(v, 1)
        case .uniform(let lo, let hi):
            let span = UInt64(hi - lo + 1)
            return lo + Int(rng.next() % span)
        case .normal(let mean, let sd): value = mean + sd * rng.nextStandardNormal()
        case .lognormal(let mu, let sigma): value = exponential(mu + sigma * rng.nextStandardNormal())
        }
        let clamped = max(value, 1)
        return clamped >= Double(Int32.max) ? Int(Int32.max) : Int(clamped)
    }
}
