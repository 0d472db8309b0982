// Elementary functions in plain Swift. The core links no C math library, so it builds for
// Embedded Swift on wasm32, and a seed gives bit-identical workloads on every platform
// (libm implementations differ in the last bit, which would change sampled lengths).

@inline(__always) func squareRoot(_ x: Double) -> Double { x.squareRoot() }

/// Natural logarithm, within 1 ulp for finite positive `x`.
func logarithm(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return x }
    // x = m · 2^e with m in [√½, √2).
    var e = Double(x.exponent)
    var m = x.significand  // [1, 2), exact (subnormals are normalised by `significand`)
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    // log(1 + f) = 2·atanh(s) with s = f/(2 + f), |s| ≤ 0.1716, written as
    // f − f²/2 + s·(f²/2 + R), R = Σ_{k≥1} 2·s^(2k)/(2k + 1): the large terms f and f²/2 are
    // exact or nearly so, and the series only corrects them, which keeps the error < 1 ulp.
    let f = m - 1
    let s = f / (2 + f)
    let z = s * s
    var r = 0.0
    var k = 27.0
    while k >= 3 {
        r = z * (2 / k + r)
        k -= 2
    }
    let hfsq = 0.5 * f * f
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    return e * ln2Hi - ((hfsq - (s * (hfsq + r) + e * ln2Lo)) - f)
}

/// e^x, within 1 ulp.
func exponential(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709.782712893384 { return .infinity }
    if x < -745.1332191019412 { return 0 }
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    // x = k·ln2 + r, |r| ≤ ln2/2. ln2Hi has 32 significant bits, so k·ln2Hi and hi are exact.
    let k = (x * 1.4426950408889634).rounded()
    let hi = x - k * ln2Hi
    let lo = k * ln2Lo
    let r = hi - lo
    // exp(r) = 1 + r + r·c/(2 − c) with c = r − (r·coth(r/2) − 2), and
    // r·coth(r/2) = 2 + Σ_{n≥1} 2·B_2n/(2n)! · r^(2n) (Bernoulli numbers), to r^14.
    let t = r * r
    let p1 = 1.0 / 6, p2 = -1.0 / 360, p3 = 1.0 / 15_120, p4 = -1.0 / 604_800
    let p5 = 1.0 / 23_950_080, p6 = -1382.0 / (2730.0 * 479_001_600), p7 = 14.0 / (6.0 * 87_178_291_200)
    let c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * (p5 + t * (p6 + t * p7))))))
    let y = 1 - ((lo - (r * c) / (2 - c)) - hi)
    return scaled(y, by: Int(k))
}

/// x^y for x > 0.
func power(_ x: Double, _ y: Double) -> Double { exponential(y * logarithm(x)) }

/// v · 2^k without overflow in the intermediate.
private func scaled(_ v: Double, by k: Int) -> Double {
    var v = v, k = k
    while k > 1000 { v *= 0x1p1000; k -= 1000 }
    while k < -1000 { v *= 0x1p-1000; k += 1000 }
    return v * Double(sign: .plus, exponent: k, significand: 1)
}
