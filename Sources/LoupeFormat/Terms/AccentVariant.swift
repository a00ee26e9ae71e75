/// One entry of a dictionary's accent variants (docs/FORMAT.md, "Terms"): a word written with
/// accents in the segment's documents was indexed under `to`, where the same word typed without
/// its accents stems to the key `from`. `francés` (Spanish) is indexed as `frances`, while
/// `frances` stems to `franc`: the entry `franc`+es → `frances` lets a query typed without accents
/// reach the stem the accented word was indexed under.
public struct AccentVariant: Hashable, Comparable, Sendable {
    /// The unaccented spelling's term key (its stem, then the language byte).
    public var from: [UInt8]
    /// The term the accented spelling was indexed under, in the same language (no language byte).
    public var to: [UInt8]

    public init(from: [UInt8], to: [UInt8]) {
        self.from = from
        self.to = to
    }

    /// The key `to` is a term of: `to` then `from`'s language byte.
    public var targetKey: [UInt8] { to + [from.last ?? 0] }

    /// Byte order of `from`, then of `to`: the order the dictionary stores them in.
    public static func < (a: AccentVariant, b: AccentVariant) -> Bool {
        if a.from != b.from { return a.from.lexicographicallyPrecedes(b.from) }
        return a.to.lexicographicallyPrecedes(b.to)
    }
}
