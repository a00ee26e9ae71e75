import LoupeAnalysis
import LoupeIndex

/// One query word as it is searched: the dictionary terms that count as that word, scored as a
/// single BM25 term (their frequencies add up in a document).
///
/// For each stemming language L the word `q` (folded) becomes `L:stem_L(q)` plus `L:q` — unless
/// `q` is used in L's documents mainly as a name (its name occurrences are at least the plain uses
/// of its stem), in which case only `L:q`: so `paris` does not match the French stem `pari`, nor
/// `mali` the French `mal`. Documents of no known language have unstemmed terms: `other:q`.
public struct TermGroup: Sendable, Equatable {
    /// The folded query word.
    public var word: String
    /// Dictionary keys that count as the word.
    public var keys: [[UInt8]]
    /// The terms per language, for highlighting.
    public var termsByLanguage: [Language: Set<String>]
    /// Documents containing the word: per language the larger of its terms' counts, summed over
    /// languages (each document has one language, so languages never overlap).
    public var docFreq: Int
    public var idf: Double
}

/// A query turned into term groups over a given index.
public struct QueryPlan: Sendable {
    public var text: String
    public var groups: [TermGroup]
    /// Query words left out (function words in a query that has other words).
    public var droppedWords: [String]
    /// Dictionary entries found while planning, per segment name and key (saves a second lookup).
    var found: [String: [[UInt8]: TermInfo]] = [:]

    /// The segment's entry for `key` (looked up again only if planning did not see it).
    func termInfo(_ key: [UInt8], in segment: SegmentReader) throws -> TermInfo? {
        if let perSegment = found[segment.name] { return perSegment[key] }
        return try segment.terms.lookup(key)
    }

    public static func make(_ text: String, reader: IndexReader, analyzer: Analyzer, bm25: BM25) throws -> QueryPlan {
        let words = analyzer.foldedWords(text).map(\.term)
        var unique: [String] = []
        for w in words where !unique.contains(w) { unique.append(w) }
        let content = unique.filter { !StopWords.isStopWord($0) }
        let kept = content.isEmpty ? unique : content
        let dropped = unique.filter { !kept.contains($0) }
        var groups: [TermGroup] = []
        var found: [String: [[UInt8]: TermInfo]] = [:]
        for segment in reader.segments { found[segment.name] = [:] }
        /// Summed statistics over segments, remembering each segment's entry.
        func statistics(_ key: [UInt8]) throws -> TermInfo? {
            var total: TermInfo?
            for segment in reader.segments {
                guard let info = try segment.terms.lookup(key) else { continue }
                found[segment.name]?[key] = info
                if var t = total {
                    t.docFreq += info.docFreq
                    t.totalTermFreq += info.totalTermFreq
                    t.nameFreq += info.nameFreq
                    total = t
                } else {
                    total = info
                }
            }
            return total
        }
        for word in kept {
            var keys: [[UInt8]] = []
            var byLanguage: [Language: Set<String>] = [:]
            var df = 0
            for language in Language.allCases {
                let surfaceKey = TermKey.make(language, word)
                let surface = try statistics(surfaceKey)
                var candidates: [(String, [UInt8], TermInfo)] = []
                if let surface { candidates.append((word, surfaceKey, surface)) }
                if language != .other {
                    let stem = Analyzer.stem(word, language: language)
                    if stem != word {
                        let stemKey = TermKey.make(language, stem)
                        if let stemInfo = try statistics(stemKey) {
                            let nameUses = surface?.nameFreq ?? 0
                            let plainUses = stemInfo.totalTermFreq - stemInfo.nameFreq
                            if nameUses < plainUses { candidates.append((stem, stemKey, stemInfo)) }
                        }
                    }
                }
                guard !candidates.isEmpty else { continue }
                keys += candidates.map(\.1)
                byLanguage[language] = Set(candidates.map(\.0))
                df += candidates.map(\.2.docFreq).max() ?? 0
            }
            df = min(df, reader.docCount)
            groups.append(TermGroup(word: word, keys: keys, termsByLanguage: byLanguage, docFreq: df, idf: bm25.idf(docFreq: df)))
        }
        return QueryPlan(text: text, groups: groups, droppedWords: dropped, found: found)
    }
}
