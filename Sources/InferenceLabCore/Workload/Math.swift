// Elementary functions in plain Swift. The core links no C math library, so it builds for
// Embedded Swift on wasm32, and a seed gives bit-identical workloads on every platform
// (libm implementations differ in the last bit, which would change sampled lengths).

@inline(__always) func squareRoot(_ x: Double) -> Double { x.squareRoot() }

/// Natural logarithm, accurate to about 1 ulp for finite positive `x`.
func logarithm(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return x }
    // x = m · 2^e with m in [√½, √2).
    var e = Double(x.exponent)
    var m = x.significand  // [1, 2)
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    // log(m) = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var term = s, sum = s
    var k = 3.0
    while k < 40 {
        term *= s2
        sum += term / k
        k += 2
    }
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    return e * ln2Hi + (2 * sum + e * ln2Lo)
}

/// e^x, accurate to about 1 ulp.
func exponential(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709.782712893384 { return .infinity }
    if x < -745.1332191019412 { return 0 }
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    let k = (x * 1.4426950408889634).rounded()
    let r = (x - k * ln2Hi) - k * ln2Lo  // |r| ≤ ln2/2
    // Taylor series to degree 17: error < 1e-18 for |r| ≤ 0.35.
    var term = 1.0, sum = 1.0
    var n = 1.0
    while n <= 17 {
        term *= r / n
        sum += term
        n += 1
    }
    return scaled(sum, by: Int(k))
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
