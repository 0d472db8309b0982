/// Sorts latency samples by value with a least-significant-digit radix sort over their bit
/// patterns: six counting passes of 11 bits instead of n·log n comparisons, and passes whose
/// digit is the same in every key are skipped (the high digits of similar latencies).
///
/// Each double maps to a `UInt64` key that orders like the values. NaN and −0.0 are left to a
/// comparison sort (the functions return nil): a comparison sort places NaN by its own rules
/// and keeps −0.0 and +0.0 in input order, which a sort by bits would not. Every other pair
/// of equal values is bitwise equal, so the result is exactly a comparison sort's.
enum RadixSort {
    /// Below this many samples a comparison sort is as fast (the functions return nil).
    static let minimumCount = 256
    private static let digitBits = 11
    private static let buckets = 1 << digitBits

    @inline(__always)
    private static func key(_ v: Double) -> UInt64 {
        let bits = v.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    private static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    @inline(__always)
    private static func sortable(_ v: Double) -> Bool {
        !v.isNaN && !(v == 0 && v.sign == .minus)
    }

    /// `values` in ascending order, or nil (see the type's notes).
    static func sorted(_ values: [Double]) -> [Double]? {
        guard values.count >= minimumCount else { return nil }
        var keys: [UInt64] = []
        keys.reserveCapacity(values.count)
        for v in values {
            guard sortable(v) else { return nil }
            keys.append(key(v))
        }
        var none: [Int] = []
        sort(&keys, carrying: &none)
        return keys.map { value($0) }
    }

    /// `values` in ascending order with `weights` permuted alongside, or nil (see the type's
    /// notes).
    static func sorted(_ values: [Double], weights: [Int]) -> (values: [Double], weights: [Int])? {
        guard values.count >= minimumCount, weights.count == values.count else { return nil }
        var keys: [UInt64] = []
        keys.reserveCapacity(values.count)
        for v in values {
            guard sortable(v) else { return nil }
            keys.append(key(v))
        }
        var carried = weights
        sort(&keys, carrying: &carried)
        return (keys.map { value($0) }, carried)
    }

    /// Sorts `keys` ascending (stable), permuting `payload` the same way unless it is empty.
    private static func sort(_ keys: inout [UInt64], carrying payload: inout [Int]) {
        let n = keys.count
        let carry = !payload.isEmpty
        var keyScratch = [UInt64](repeating: 0, count: n)
        var payloadScratch = [Int](repeating: 0, count: carry ? n : 0)
        var counts = [Int](repeating: 0, count: buckets)
        let mask = UInt64(buckets - 1)
        var shift: UInt64 = 0
        while shift < 64 {
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<c.count { c[i] = 0 }
                keys.withUnsafeBufferPointer { k in
                    for key in k { c[Int((key >> shift) & mask)] &+= 1 }
                }
            }
            // A digit shared by every key leaves the order as it is.
            if counts[Int((keys[0] >> shift) & mask)] != n {
                counts.withUnsafeMutableBufferPointer { c in
                    var total = 0
                    for i in 0..<c.count {
                        let count = c[i]
                        c[i] = total
                        total &+= count
                    }
                    keys.withUnsafeBufferPointer { k in
                        keyScratch.withUnsafeMutableBufferPointer { ks in
                            if carry {
                                payload.withUnsafeBufferPointer { p in
                                    payloadScratch.withUnsafeMutableBufferPointer { ps in
                                        for i in 0..<n {
                                            let d = Int((k[i] >> shift) & mask)
                                            let to = c[d]
                                            c[d] = to &+ 1
                                            ks[to] = k[i]
                                            ps[to] = p[i]
                                        }
                                    }
                                }
                            } else {
                                for i in 0..<n {
                                    let d = Int((k[i] >> shift) & mask)
                                    let to = c[d]
                                    c[d] = to &+ 1
                                    ks[to] = k[i]
                                }
                            }
                        }
                    }
                }
                swap(&keys, &keyScratch)
                if carry { swap(&payload, &payloadScratch) }
            }
            shift += UInt64(digitBits)
        }
    }
}
