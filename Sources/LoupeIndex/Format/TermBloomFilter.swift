/// A Bloom filter over a segment's term keys, stored in its dictionary: most query-time lookups
/// are of keys a segment does not have (a word looked up in every language's range), and the
/// filter answers those without a binary search. About 10 bits per term and 6 probes: roughly
/// 1% false positives, which then cost an ordinary lookup.
///
/// Probe `i` (0 ≤ i < 6) tests bit `(h + i · (h >> 32 | 1)) mod (64 · words)` where `h` is the
/// 64-bit FNV-1a hash of the key; bit `n` is bit `n mod 64` of little-endian u64 word `n / 64`.
public struct TermBloomFilter {
    public static let hashCount = 6
    public static let bitsPerTerm = 10

    /// FNV-1a, 64 bits.
    @inline(__always)
    public static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// The filter's words for `hashes` (one per key).
    public static func build(_ hashes: [UInt64]) -> [UInt64] {
        let words = max(1, (hashes.count * bitsPerTerm + 63) / 64)
        var bits = [UInt64](repeating: 0, count: words)
        let total = UInt64(words * 64)
        for h in hashes {
            let step = h >> 32 | 1
            var probe = h
            for _ in 0..<hashCount {
                let bit = probe % total
                bits[Int(bit / 64)] |= 1 << (bit % 64)
                probe &+= step
            }
        }
        return bits
    }

    /// False when the key is certainly absent. `words` points at the filter in the mapped file.
    @inline(__always)
    public static func mayContain(_ h: UInt64, words: UnsafeRawBufferPointer) -> Bool {
        let count = words.count / 8
        guard count > 0 else { return true }
        let total = UInt64(count * 64)
        let step = h >> 32 | 1
        var probe = h
        for _ in 0..<hashCount {
            let bit = probe % total
            let word = UInt64(littleEndian: words.loadUnaligned(fromByteOffset: Int(bit / 64) * 8, as: UInt64.self))
            if word & (1 << (bit % 64)) == 0 { return false }
            probe &+= step
        }
        return true
    }
}
