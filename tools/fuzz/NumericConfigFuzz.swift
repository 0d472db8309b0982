// libFuzzer target: the config's numeric ranges. The input sets numeric config keys (the
// list in Tests/InferenceLabCoreTests/NumericRangeProperty.swift, compiled with this file) to
// numbers from the bytes, extremes included; when SimulatorConfig.validate() accepts the
// config, a short simulation (4 requests, bounded iterations) must produce only finite times
// or stop with Simulator.error. Anything else traps.
// Linked by tools/fuzz.sh against the fuzzer-instrumented InferenceLabCore.
@testable import InferenceLabCore

/// Numbers a probe tries first: bounds of the validated ranges and of Double and Int.
private let extremes: [Double] = [
    0, -0.0, 1, -1, 0.5, 2, 3, .leastNonzeroMagnitude, .leastNormalMagnitude, 1e-300, 1e-155, 1e-150, 1e-10, 12.01, 343,
    1e6, 2_147_483_647, 2_147_483_648, 4_294_967_296, 9.2e18, 1e150, 1.34e154, 1e155, 1e300, 1e307, 1e308,
    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
]

/// The next number: one byte picks an extreme, or the next 8 bytes are a Double's bits.
private func number(_ bytes: inout ArraySlice<UInt8>) -> Double {
    guard let selector = bytes.popFirst() else { return 0 }
    if selector < 128 { return extremes[Int(selector) % extremes.count] }
    var bits: UInt64 = 0
    for _ in 0..<8 { bits = bits << 8 | UInt64(bytes.popFirst() ?? 0) }
    return Double(bitPattern: bits)
}

private let patterns: [ArrivalPattern] = [.poisson, .gamma, .uniform, .fixedRate, .burst, .batched, .closedLoop]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumericConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = ArraySlice(UnsafeBufferPointer(start: data, count: size))
    var config = NumericKnobs.base
    if let p = bytes.popFirst() {
        config.workload.arrivalPattern = patterns[Int(p) % patterns.count]
        config.workload.numConcurrentUsers = 2
        config.compute.model = [.roofline, .linear, .calibrated][Int(p / 16) % 3]
    }
    while let k = bytes.popFirst() {
        NumericKnobs.all[Int(k) % NumericKnobs.all.count].set(&config, number(&bytes))
    }
    if let violation = finiteTimeViolation(config, maxAdvances: 20_000) {
        fatalError("numeric-config: \(violation)")
    }
    return 0
}
