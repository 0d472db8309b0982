/// Chained block hashes standing in for vLLM's token-content hashes.
///
/// Token identity: a prompt token at position t covered by the trace's prefix hash entry
/// j = t / B (B = hash block size) is "token t mod B of hash h_j"; every other token (the rest
/// of the prompt, and all outputs) is unique to its request. A KV block whose tokens are all
/// covered gets a content key from the (hash, offset range) segments it spans; a block with
/// any unique token gets a key unique to the request. As in vLLM the hash of block i chains
/// the hash of block i − 1, so two requests share block i exactly when their first
/// (i + 1)·bs tokens are identical. When B ≠ bs the mapping works token by token, so any
/// combination of sizes is exact: a KV block is shared iff all its tokens are.
///
/// The top bit tells the two kinds apart: a block with a token unique to its request, and so
/// every block after it in the chain, gets a *private* key (bit 63 set) that only the same
/// request can ever look up again (after a preemption); ``BlockPool`` keeps those in a
/// per-request registry instead of its hash table. Two private blocks hold the same tokens
/// exactly when they are the same block of the same request, so a private key is simply that
/// pair (request serial, block index) — computed on demand, never stored — while shared keys
/// are chained hashes, computed once per request and kept.
struct BlockHasher: Sendable {
    let blockSize: Int
    let hashBlockSize: Int

    static let privateBit: UInt64 = 1 << 63

    /// Whether `hash` belongs to a block that only its own request can share.
    @inline(__always) static func isPrivate(_ hash: UInt64) -> Bool { hash & privateBit != 0 }

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = (a ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9 ^ (b &+ 0x94D0_49BB_1331_11EB)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z == 0 ? 1 : z
    }

    /// Blocks of the request whose tokens the trace's prefix hashes cover entirely.
    @inline(__always)
    func sharedBlockCount(promptTokens: Int, prefixHashes: [UInt64]) -> Int {
        prefixHashes.isEmpty ? 0 : min(promptTokens, prefixHashes.count * hashBlockSize) / blockSize
    }

    /// The key of block `index` of a request: its chained shared hash, or its private key.
    /// - Precondition: `shared` holds the hashes of the first `min(index + 1, sharedCount)`
    ///   blocks (``extend(_:to:prefixHashes:)``).
    @inline(__always)
    static func key(serial: UInt64, index: Int, shared: [UInt64]) -> UInt64 {
        if index < shared.count { return shared[index] }
        // Injective for serials below 2^39 and indices below 2^24; beyond, a mixed 63-bit key.
        if serial < 1 << 39 && index < 1 << 24 { return privateBit | serial << 24 | UInt64(index) }
        return privateBit | mix(serial ^ 0xDEAD_BEEF, UInt64(index)) >> 1
    }

    /// Extends `hashes` to the chained hashes of the first `blocks` shared blocks.
    func extend(_ hashes: inout [UInt64], to blocks: Int, prefixHashes: [UInt64]) {
        var i = hashes.count
        guard i < blocks else { return }
        var parent: UInt64 = i > 0 ? hashes[i - 1] : 0x5EED
        hashes.reserveCapacity(blocks)
        while i < blocks {
            let start = i * blockSize, end = start + blockSize
            var key: UInt64 = 0xC0FFEE
            var t = start
            while t < end {
                let j = t / hashBlockSize
                let segmentEnd = min(end, (j + 1) * hashBlockSize)
                key = BlockHasher.mix(key, prefixHashes[j])
                key = BlockHasher.mix(key, UInt64(t - j * hashBlockSize) << 32 | UInt64(segmentEnd - t))
                t = segmentEnd
            }
            parent = BlockHasher.mix(parent, key) & ~BlockHasher.privateBit
            if parent == 0 { parent = 1 }
            hashes.append(parent)
            i += 1
        }
    }
}
