/// The ranges of the workload's sampling parameters within which every sample is finite,
/// derived from the samplers' arithmetic (``Xoshiro256``, ``SyntheticSource``):
///
/// - A standard normal from the polar method is u·√(−2 ln s / s) with u² ≤ s and s ≥ 2⁻¹⁰⁴
///   (u and v are multiples of 2⁻⁵²), so |z| ≤ √(208 ln 2) < 12.01.
/// - An exponential gap is −ln(U)/rate with U ≥ 2⁻⁵³, so at most 53 ln 2 / rate < 36.8/rate.
/// - A uniform (fixed-rate) gap is 1/rate.
/// - A gamma gap has shape k = 1/cv² and scale θ = cv²/rate. The sampler computes 9·(k − ⅓),
///   so k must be finite and nonzero: 3/√max ≈ 2.2e-154 < cv < √max ≈ 1.3e154. Marsaglia and
///   Tsang's sample is d·v·θ with d = k − ⅓ (k + ⅔ when k < 1, then multiplied by a boost
///   U^(1/k) ≤ 1) and v = (1 + z/(3√d))³ ≤ (1 + 12.01/√6)³ < 206: the gap is at most
///   206/rate for cv ≤ 1 and 343·cv²/rate above.
///
/// ``SimulatorConfig/validate()`` refuses values outside these ranges, with round bounds:
/// `arrival_rate` ≥ 1e-300 and 1e-150 ≤ `cv` ≤ 1e150, and a gamma gap bound that must be
/// finite. Sums of many finite gaps can still pass the largest finite time; the simulator
/// stops with an error there (``Simulator/error``).
enum ArrivalBounds {
    /// Greater than the largest |z| a standard normal sample can take.
    static let largestNormal = 12.01
    /// The smallest accepted `arrival_rate` (the largest gap, 343·cv²/rate for gamma, 36.8/rate
    /// for Poisson, must stay finite).
    static let smallestRate = 1e-300
    /// Accepted `cv` range of gamma arrivals (1/cv² and 9/cv² must be finite and nonzero).
    static let cvRange = 1e-150...1e150

    /// Whether the pattern's gaps come from `arrival_rate`.
    static func usesRate(_ pattern: ArrivalPattern) -> Bool {
        switch pattern {
        case .poisson, .gamma, .uniform, .fixedRate, .sessions: return true
        case .burst, .batched, .closedLoop, .trace: return false
        }
    }

    /// The largest gap the pattern can draw at `rate` (and `cv` for gamma).
    static func largestGap(_ w: WorkloadConfig) -> Double {
        switch w.arrivalPattern {
        case .gamma: return 343 * max(1, w.cv * w.cv) / w.arrivalRate
        case .sessions where w.cv != 1: return 343 * max(1, w.cv * w.cv) / w.arrivalRate
        case .poisson, .sessions: return 36.8 / w.arrivalRate
        default: return 1 / w.arrivalRate
        }
    }

    /// Appends an error for a positive finite `arrival_rate` (or `cv`) outside its range.
    static func check(_ w: WorkloadConfig, into issues: inout [ConfigIssue]) {
        if w.arrivalRate < smallestRate {
            issues.append(ConfigIssue(.error, key: "workload.arrival_rate",
                "must be at least \(smallestRate) requests/s, got \(w.arrivalRate) (the largest inter-arrival gap, up to 343·max(1, cv²)/arrival_rate seconds, must be finite)"))
            return
        }
        guard w.arrivalPattern == .gamma || w.arrivalPattern == .sessions, w.cv > 0 && w.cv.isFinite else { return }
        if !cvRange.contains(w.cv) {
            issues.append(ConfigIssue(.error, key: "workload.cv",
                "must be in [\(cvRange.lowerBound), \(cvRange.upperBound)], got \(w.cv) (the gamma sampler's shape 1/cv² and 9/cv² must be finite and nonzero)"))
        } else if !largestGap(w).isFinite {
            issues.append(ConfigIssue(.error, key: "workload.cv",
                "(\(w.cv)) is too large for arrival_rate = \(w.arrivalRate): gamma gaps reach 343·cv²/arrival_rate seconds, which must be finite (cv ≤ \((w.arrivalRate * Double.greatestFiniteMagnitude / 343).squareRoot()))"))
        }
    }
}
