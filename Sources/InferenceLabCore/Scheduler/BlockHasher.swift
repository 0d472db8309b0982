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
/// every block after it in the chain, gets a *private* hash (bit 63 set) that only the same
/// request can ever look up again (after a preemption); ``BlockPool`` keeps those in a
/// per-request registry instead of its hash table.
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

    /// Extends `hashes` to cover every full block of the request's known tokens.
    func extend(_ hashes: inout [UInt64], of request: Request, prefixHashes: [UInt64]) {
        let full = request.numTokens / blockSize
        var i = hashes.count
        guard i < full else { return }
        let covered = min(request.promptTokens, prefixHashes.count * hashBlockSize)
        var parent: UInt64 = i > 0 ? hashes[i - 1] : 0x5EED
        // Reserve for the request's whole life at once: `reserveCapacity(full)` would
        // reallocate to the exact size on every new block.
        if hashes.capacity < full { hashes.reserveCapacity(max(full, (request.promptTokens + request.maxTokens) / blockSize)) }
        while i < full {
            let start = i * blockSize, end = start + blockSize
            var key: UInt64
            let shared = end <= covered
            if shared {
                key = 0xC0FFEE
                var t = start
                while t < end {
                    let j = t / hashBlockSize
                    let segmentEnd = min(end, (j + 1) * hashBlockSize)
                    key = BlockHasher.mix(key, prefixHashes[j])
                    key = BlockHasher.mix(key, UInt64(t - j * hashBlockSize) << 32 | UInt64(segmentEnd - t))
                    t = segmentEnd
                }
            } else {
                key = BlockHasher.mix(0xDEAD_BEEF ^ request.serial, UInt64(i))
                key = BlockHasher.mix(key, request.serial)
            }
            parent = BlockHasher.mix(parent, key)
            if shared {
                parent &= ~BlockHasher.privateBit
                if parent == 0 { parent = 1 }
            } else {
                parent |= BlockHasher.privateBit
            }
            hashes.append(parent)
            i += 1
        }
    }
}
