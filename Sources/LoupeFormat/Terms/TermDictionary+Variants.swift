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
        try matches(key, byTarget: false).map(\.to)
    }

    /// The keys of the unaccented spellings whose accented spellings were indexed under `key`
    /// (a term key): `franc`+es for `frances`+es (`francés`). Empty for most keys.
    public func accentVariants(to key: [UInt8]) throws -> [[UInt8]] {
        try matches(key, byTarget: true).map(\.from)
    }

    /// The variants whose `from` (or target key) is `key`.
    private func matches(_ key: [UInt8], byTarget: Bool) throws -> [AccentVariant] {
        guard variantCount > 0 else { return [] }
        func sortKey(_ v: AccentVariant) -> [UInt8] { byTarget ? v.targetKey : v.from }
        var lo = 0, hi = variantCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortKey(try accentVariant(mid, byTarget: byTarget)).lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        var found: [AccentVariant] = []
        while lo < variantCount {
            let v = try accentVariant(lo, byTarget: byTarget)
            guard sortKey(v) == key else { break }
            found.append(v)
            lo += 1
        }
        return found
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
