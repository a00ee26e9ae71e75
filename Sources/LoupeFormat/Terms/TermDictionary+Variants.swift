/// The accent variants of a dictionary (`AccentVariant`, docs/FORMAT.md "Terms"): found by a
/// binary search over their starts (ordered by `from`, or by target key), read in place.
extension TermDictionary {
    /// The number of accent variants the segment holds.
    public var accentVariantCount: Int { variantCount }

    /// The `i`-th variant in `from` order (in target order with `byTarget`), every read checked
    /// against the section's bounds.
    public func accentVariant(_ i: Int, byTarget: Bool = false) throws -> AccentVariant {
        var starts = ByteReader(byTarget ? variantStartsByTarget : variantStarts, offset: i * 4, file: file)
        let start = Int(try starts.readUInt32())
        guard start < variantArea.count else { throw IndexError.corrupt(file: file, reason: "accent variant \(i) starts past its section") }
        var r = ByteReader(variantArea, offset: start, file: file)
        let from = try r.readBytes(try r.readVarInt(max: 1 << 16))
        let to = try r.readBytes(try r.readVarInt(max: 1 << 16))
        guard from.count >= 2, !to.isEmpty else { throw IndexError.corrupt(file: file, reason: "accent variant \(i) is empty") }
        return AccentVariant(from: Array(from), to: Array(to))
    }

    /// The terms that accented spellings were indexed under where their unaccented spelling stems
    /// to `key` (a term key, language byte last), in byte order; empty for most keys.
    public func accentVariants(of key: [UInt8]) throws -> [[UInt8]] {
        try matches(key, byTarget: false)
    }

    /// The keys of the unaccented spellings whose accented spellings were indexed under `key`
    /// (a term key): `franc`+es for `frances`+es (`francés`). Empty for most keys.
    public func accentVariants(to key: [UInt8]) throws -> [[UInt8]] {
        try matches(key, byTarget: true)
    }

    /// The `i`-th entry's `from` and `to` in place (no copy), bounds checked.
    @inline(__always)
    func entryBytes(_ i: Int, byTarget: Bool) throws -> (from: UnsafeRawBufferPointer, to: UnsafeRawBufferPointer) {
        let starts = byTarget ? variantStartsByTarget : variantStarts
        let start = Int(starts.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
        var r = ByteReader(variantArea, offset: start, file: file)
        let from = try r.readBytes(try r.readVarInt(max: 1 << 16))
        let to = try r.readBytes(try r.readVarInt(max: 1 << 16))
        guard from.count >= 2, !to.isEmpty else { throw IndexError.corrupt(file: file, reason: "accent variant \(i) is empty") }
        return (from, to)
    }

    /// Compares an entry's sort key — `from`, or with `byTarget` its target key (`to`, then
    /// `from`'s language byte) — with `key`, bytewise (<0, 0, >0).
    @inline(__always)
    private func compare(_ entry: (from: UnsafeRawBufferPointer, to: UnsafeRawBufferPointer), byTarget: Bool, _ key: UnsafeRawBufferPointer) -> Int {
        guard byTarget else { return compareBytes(entry.from, key) }
        let head = compareBytes(entry.to, UnsafeRawBufferPointer(rebasing: key.prefix(entry.to.count)))
        if head != 0 { return head }
        // `to` is a prefix of `key` (or equal to all of it): the language byte comes next.
        guard key.count > entry.to.count else { return 1 }
        let language = entry.from[entry.from.count - 1], next = key[entry.to.count]
        if language != next { return Int(language) - Int(next) }
        return key.count == entry.to.count + 1 ? 0 : -1
    }

    /// The variants whose `from` (or with `byTarget` whose target key) is `key` — their `to` (their
    /// `from`) — found by a binary search that reads entries in place, then the run of equal keys.
    private func matches(_ key: [UInt8], byTarget: Bool) throws -> [[UInt8]] {
        guard variantCount > 0, key.count >= 2 else { return [] }
        // Almost every key has no variant: a hash set of the keys that do answers first.
        let hash = key.withUnsafeBytes { TermBloomFilter.hash($0) }
        guard variantHashes.contains(byTarget ? hash ^ Self.targetSalt : hash) else { return [] }
        return try key.withUnsafeBytes { key in
            // The first entry whose prefix is not below the key's: every one before it sorts
            // before the key. Entries sharing the key's prefix are compared whole.
            let prefixes = byTarget ? variantTargetPrefixes : variantFromPrefixes
            let wanted = Self.prefix(key)
            guard prefixes.count == variantCount else { throw IndexError.corrupt(file: file, reason: "accent variant index out of step") }
            var lo = 0, hi = variantCount
            while lo < hi {
                let mid = (lo + hi) / 2
                if prefixes[mid] < wanted { lo = mid + 1 } else { hi = mid }
            }
            var found: [[UInt8]] = []
            while lo < variantCount && prefixes[lo] == wanted {
                let entry = try entryBytes(lo, byTarget: byTarget)
                let order = compare(entry, byTarget: byTarget, key)
                if order > 0 { break }
                if order == 0 { found.append(Array(byTarget ? entry.from : entry.to)) }
                lo += 1
            }
            return found
        }
    }

    /// Distinguishes target keys' hashes from `from` keys' in the one set.
    private static let targetSalt: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The hashes of every `from` key and (salted) every target key (FNV-1a, as the Bloom filter's),
    /// for `init`: a few microseconds per thousand variants.
    static func variantKeyHashes(count: Int, entry: (Int) throws -> (from: UnsafeRawBufferPointer, to: UnsafeRawBufferPointer)) throws -> HashBits {
        var hashes = HashBits(capacity: count * 2)
        for i in 0..<count {
            let (from, to) = try entry(i)
            hashes.insert(TermBloomFilter.hash(from))
            let h = (TermBloomFilter.hash(to) ^ UInt64(from[from.count - 1])) &* 0x100_0000_01B3  // over `to` + language byte
            hashes.insert(h ^ targetSalt)
        }
        return hashes
    }

    /// Every accent variant, in `from` order (for merges and `loupe check`).
    public func allAccentVariants() throws -> [AccentVariant] {
        try (0..<variantCount).map { try accentVariant($0) }
    }

    /// Every accent variant in target order (for `loupe check`).
    public func allAccentVariantsByTarget() throws -> [AccentVariant] {
        try (0..<variantCount).map { try accentVariant($0, byTarget: true) }
    }
}

/// A filter of 64-bit hashes in one bit array (at least 16 bits per hash, a power of two): each
/// hash sets two bits, taken from its low and high halves. `contains` is false for a hash never
/// inserted but for about 1% of them — enough for a pre-check whose false positives only cost
/// the search it guards — and reads at most two words, where a hash set's probe hashes the value
/// again and reads a larger table.
struct HashBits {
    private var words: [UInt64]
    private let mask: UInt64

    init(capacity: Int) {
        var bits = 64
        while bits < capacity * 16 { bits *= 2 }
        words = [UInt64](repeating: 0, count: bits / 64)
        mask = UInt64(bits - 1)
    }

    mutating func insert(_ h: UInt64) {
        let a = h & mask, b = (h >> 32) & mask
        words[Int(a >> 6)] |= 1 << (a & 63)
        words[Int(b >> 6)] |= 1 << (b & 63)
    }

    @inline(__always)
    func contains(_ h: UInt64) -> Bool {
        let a = h & mask, b = (h >> 32) & mask
        return words[Int(a >> 6)] & (1 << (a & 63)) != 0 && words[Int(b >> 6)] & (1 << (b & 63)) != 0
    }
}
