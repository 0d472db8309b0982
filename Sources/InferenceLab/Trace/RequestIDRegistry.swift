/// Detects request ids used twice in one trace, without keeping the ids themselves.
///
/// A line's id is its `request_id`, or when it has none its 0-based line index as a string.
/// Duplicates anywhere in the trace are refused: the event log names requests by id, so two
/// requests with one id would make it ambiguous.
///
/// Memory is proportional to the number of *explicit* ids, not of lines:
/// - explicit ids are remembered as 64-bit hashes (FNV-1a, then a mixing step) in a set, about
///   16 bytes per id instead of a `String` each. Two different ids with the same hash would be
///   reported as a duplicate; with n ids the chance is about n²/2⁶⁵ (3·10⁻⁸ for a million ids);
///   a real duplicate is never missed;
/// - implicit ids are line indices, unique among themselves; they are remembered as ranges of
///   consecutive lines (one range for a trace without any `request_id`), and an explicit id
///   that reads as a canonical decimal integer is checked against them, and remembered, so
///   that a later implicit id can be checked against it.
struct RequestIDRegistry {
    private var explicitHashes: Set<UInt64> = []
    /// Explicit ids of the form `0`, `1`, `42` (no sign, no leading zero).
    private var explicitIndices: Set<Int> = []
    /// Line indices that took an implicit id: ascending, disjoint half-open ranges.
    private var implicitRanges: [Range<Int>] = []

    /// Records an explicit `request_id`.
    /// - Returns: false when the id was used before (by an explicit or implicit id).
    mutating func insertExplicit(_ id: String) -> Bool {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var index: Int? = 0
        var copy = id
        copy.withUTF8 { utf8 in
            for c in utf8 {
                hash = (hash ^ UInt64(c)) &* 0x0000_0100_0000_01B3
            }
            index = Self.canonicalIndex(utf8)
        }
        guard explicitHashes.insert(Self.finalize(hash)).inserted else { return false }
        if let index {
            if containsImplicit(index) { return false }
            explicitIndices.insert(index)
        }
        return true
    }

    /// Records the implicit id of the line with 0-based index `index` (indices ascend).
    /// - Returns: false when an earlier explicit id equals it.
    mutating func insertImplicit(_ index: Int) -> Bool {
        if !explicitIndices.isEmpty && explicitIndices.contains(index) { return false }
        if let last = implicitRanges.last, last.upperBound == index {
            implicitRanges[implicitRanges.count - 1] = last.lowerBound..<index + 1
        } else {
            implicitRanges.append(index..<index + 1)
        }
        return true
    }

    private func containsImplicit(_ index: Int) -> Bool {
        var lo = 0, hi = implicitRanges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if implicitRanges[mid].upperBound <= index { lo = mid + 1 } else { hi = mid }
        }
        return lo < implicitRanges.count && implicitRanges[lo].contains(index)
    }

    /// The integer an id spells in canonical decimal form (as `String(n)` writes it), or nil.
    private static func canonicalIndex(_ utf8: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !utf8.isEmpty, utf8.count <= 18 else { return nil }
        if utf8.count > 1 && utf8[0] == UInt8(ascii: "0") { return nil }
        var n = 0
        for c in utf8 {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(c - UInt8(ascii: "0"))
        }
        return n
    }

    /// A final avalanche (splitmix64's) so that the set's buckets see well-mixed bits.
    private static func finalize(_ h: UInt64) -> UInt64 {
        var z = h
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
