/// A Bloom filter over a segment's term keys, stored in its dictionary: most query-time lookups
/// are of keys a segment does not have (a word looked up in every language's range), and the
/// filter answers those without a binary search. About 10 bits per term and 6 probes: roughly
/// 1% false positives, which then cost an ordinary lookup.
///
/// The filter has a power-of-two number of u64 words (at least 10 bits per term), so probe `i`
/// (0 ≤ i < 6) tests bit `(h + i · (h >> 32 | 1)) & (64 · words − 1)`, where `h` is the 64-bit
/// FNV-1a hash of the key; bit `n` is bit `n mod 64` of little-endian u64 word `n / 64`.
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

    /// The hash of a key one byte longer than the one hashed to `h`.
    @inline(__always)
    public static func extend(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x100_0000_01B3 }

    /// The filter's words for `hashes` (one per key).
    public static func build(_ hashes: [UInt64]) -> [UInt64] {
        var words = 1
        while words * 64 < hashes.count * bitsPerTerm { words *= 2 }
        var bits = [UInt64](repeating: 0, count: words)
        let mask = UInt64(words * 64 - 1)
        for h in hashes {
            let step = h >> 32 | 1
            var probe = h
            for _ in 0..<hashCount {
                let bit = probe & mask
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
        // Readers check the size is a power of two; anything else cannot filter.
        guard count > 0, count & (count - 1) == 0 else { return true }
        let mask = UInt64(count * 64 - 1)
        let step = h >> 32 | 1
        var probe = h
        for _ in 0..<hashCount {
            let bit = probe & mask
            let word = UInt64(littleEndian: words.loadUnaligned(fromByteOffset: Int(bit / 64) * 8, as: UInt64.self))
            if word & (1 << (bit % 64)) == 0 { return false }
            probe &+= step
        }
        return true
    }
}
