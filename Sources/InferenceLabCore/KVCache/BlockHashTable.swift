/// An open-addressing hash table from block hash to block id, for the prefix cache.
///
/// Block hashes are already uniformly mixed 64-bit values (never 0), so a Fibonacci
/// multiply picks the bucket and no general-purpose hasher runs. Linear probing with
/// backward-shift deletion keeps lookups short; the table doubles at half load.
struct BlockHashTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 1024) {
        var capacity = 16
        while capacity < minimumCapacity { capacity <<= 1 }
        keys = Array(repeating: 0, count: capacity)
        values = Array(repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always) private var mask: Int { keys.count - 1 }

    @inline(__always) private func bucket(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The value stored for `key`.
    func find(_ key: UInt64) -> Int32? {
        var i = bucket(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for `key` if the key is absent.
    /// - Returns: false if the key was already present (nothing changes).
    @discardableResult
    mutating func insert(_ key: UInt64, _ value: Int32) -> Bool {
        if (count + 1) * 2 > keys.count { grow() }
        var i = bucket(key)
        while true {
            let k = keys[i]
            if k == key { return false }
            if k == 0 {
                keys[i] = key
                values[i] = value
                count += 1
                return true
            }
            i = (i + 1) & mask
        }
    }

    /// Replaces the value of a present key.
    mutating func update(_ key: UInt64, _ value: Int32) {
        var i = bucket(key)
        while keys[i] != key { i = (i + 1) & mask }
        values[i] = value
    }

    /// Removes `key` if present.
    mutating func remove(_ key: UInt64) {
        var i = bucket(key)
        while true {
            let k = keys[i]
            if k == 0 { return }
            if k == key { break }
            i = (i + 1) & mask
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole.
        var hole = i
        var j = (i + 1) & mask
        while keys[j] != 0 {
            let home = bucket(keys[j])
            // Move j into the hole unless its home lies cyclically in (hole, j].
            let distanceToHole = (j - hole) & mask
            let distanceToHome = (j - home) & mask
            if distanceToHome >= distanceToHole {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        keys[hole] = 0
        values[hole] = -1
        count -= 1
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let capacity = keys.count * 2
        keys = Array(repeating: 0, count: capacity)
        values = Array(repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for i in 0..<oldKeys.count where oldKeys[i] != 0 { insert(oldKeys[i], oldValues[i]) }
    }
}
