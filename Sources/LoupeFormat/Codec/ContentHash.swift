/// The 64-bit hash of a file's raw bytes that `DocumentRecord.contentHash` stores (for
/// incremental re-indexing: an unchanged hash means unchanged content). Four independent lanes
/// take 32 bytes a step, so hashing runs at memory speed rather than at one multiply per byte;
/// docs/FORMAT.md (§4.5) defines it exactly.
public enum ContentHash {
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let finalMultiplier: UInt64 = 0xBF58_476D_1CE4_E5B9

    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var v0: UInt64 = 1, v1: UInt64 = 2, v2: UInt64 = 3, v3: UInt64 = 4
        @inline(__always) func step(_ v: inout UInt64, _ word: UInt64) {
            v = (v ^ word) &* multiplier
            v ^= v >> 32
        }
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            while i + 32 <= n {
                step(&v0, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                step(&v1, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
                step(&v2, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
                step(&v3, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
                i += 32
            }
            // The tail: whole words, then the last 1–7 bytes zero-padded, into lanes 0, 1, 2, 3 in turn.
            var lane = 0
            while i < n {
                var word: UInt64 = 0
                let take = min(8, n - i)
                for k in 0..<take { word |= UInt64(base.load(fromByteOffset: i + k, as: UInt8.self)) << (8 * UInt64(k)) }
                switch lane {
                case 0: step(&v0, word)
                case 1: step(&v1, word)
                case 2: step(&v2, word)
                default: step(&v3, word)
                }
                lane += 1
                i += take
            }
        }
        @inline(__always) func mix(_ x: UInt64) -> UInt64 {
            var x = x
            x ^= x >> 31
            x = x &* finalMultiplier
            x ^= x >> 29
            return x
        }
        var h = UInt64(n)
        h = mix(h ^ v0)
        h = mix(h ^ v1)
        h = mix(h ^ v2)
        h = mix(h ^ v3)
        return h
    }

    public static func of(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { of($0) } }
}
