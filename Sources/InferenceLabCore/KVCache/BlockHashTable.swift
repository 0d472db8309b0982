// Speed only: a hash table specialised for block hashes (already mixed, never 0), so the
// prefix cache needs no general-purpose hasher and a probe touches one cache line.

/// An open-addressing hash table from block hash to block id, for the prefix cache.
///
/// Block hashes are already uniformly mixed 64-bit values (never 0), so a Fibonacci
/// multiply picks the bucket and no general-purpose hasher runs. Linear probing with
/// backward-shift deletion keeps lookups short; the table doubles at half load. Keys and
/// values sit side by side, so a probe touches one cache line.
struct BlockHashTable: Sendable {
    private struct Entry: Sendable {
        var key: UInt64
        var value: Int32
    }
    private var entries: [Entry]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 1024) {
        var capacity = 16
        while capacity < minimumCapacity { capacity <<= 1 }
        entries = Array(repeating: Entry(key: 0, value: -1), count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always) private var mask: Int { entries.count - 1 }

    @inline(__always) private func bucket(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The value stored for `key`.
    func find(_ key: UInt64) -> Int32? {
        entries.withUnsafeBufferPointer { e in
            let mask = e.count - 1
            var i = bucket(key)
            while true {
                let k = e[i].key
                if k == key { return e[i].value }
                if k == 0 { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// Stores `value` for `key` if the key is absent.
    /// - Returns: false if the key was already present (nothing changes).
    @discardableResult
    mutating func insert(_ key: UInt64, _ value: Int32) -> Bool {
        if (count + 1) * 2 > entries.count { grow() }
        let shift = self.shift
        let inserted = entries.withUnsafeMutableBufferPointer { e -> Bool in
            let mask = e.count - 1
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let k = e[i].key
                if k == key { return false }
                if k == 0 {
                    e[i] = Entry(key: key, value: value)
                    return true
                }
                i = (i + 1) & mask
            }
        }
        if inserted { count += 1 }
        return inserted
    }

    /// Replaces the value of a present key.
    mutating func update(_ key: UInt64, _ value: Int32) {
        var i = bucket(key)
        while entries[i].key != key { i = (i + 1) & mask }
        entries[i].value = value
    }

    /// Removes `key` if present.
    mutating func remove(_ key: UInt64) {
        _ = remove(key, onlyIf: nil)
    }

    /// Removes `key` if it maps to `value` (any value when nil), in one probe.
    /// - Returns: whether it was removed; false when absent or mapped to another value.
    mutating func remove(_ key: UInt64, onlyIf value: Int32?) -> Bool {
        let shift = self.shift
        let removed = entries.withUnsafeMutableBufferPointer { e -> Bool in
            let mask = e.count - 1
            @inline(__always) func home(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift) }
            var i = home(key)
            while true {
                let k = e[i].key
                if k == 0 { return false }
                if k == key { break }
                i = (i + 1) & mask
            }
            if let value, e[i].value != value { return false }
            // Backward-shift deletion: pull later entries of the probe run into the hole.
            var hole = i
            var j = (i + 1) & mask
            while e[j].key != 0 {
                let h = home(e[j].key)
                // Move j into the hole unless its home lies cyclically in (hole, j].
                let distanceToHole = (j - hole) & mask
                let distanceToHome = (j - h) & mask
                if distanceToHome >= distanceToHole {
                    e[hole] = e[j]
                    hole = j
                }
                j = (j + 1) & mask
            }
            e[hole] = Entry(key: 0, value: -1)
            return true
        }
        if removed { count -= 1 }
        return removed
    }

    private mutating func grow() {
        let old = entries
        let capacity = entries.count * 2
        entries = Array(repeating: Entry(key: 0, value: -1), count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for e in old where e.key != 0 { insert(e.key, e.value) }
    }
}
