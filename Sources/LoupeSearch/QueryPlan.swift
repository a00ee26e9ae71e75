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
    /// Per key, its dictionary entry in each segment (by segment index; nil where absent).
    var entries: [[TermInfo?]] = []
}

/// A query turned into term groups over a given index.
public struct QueryPlan: Sendable {
    public var text: String
    public var groups: [TermGroup]
    /// Query words left out (function words in a query that has other words).
    public var droppedWords: [String]

    public static func make(_ text: String, reader: IndexReader, analyzer: Analyzer, bm25: BM25) throws -> QueryPlan {
        let words = analyzer.foldedWords(text).map(\.term)
        var unique: [String] = []
        for w in words where !unique.contains(w) { unique.append(w) }
        let content = unique.filter { !StopWords.isStopWord($0) }
        let kept = content.isEmpty ? unique : content
        let dropped = unique.filter { !kept.contains($0) }
        var groups: [TermGroup] = []
        /// Summed statistics over segments, and each segment's entry.
        func statistics(_ key: [UInt8]) throws -> (total: TermInfo?, entries: [TermInfo?]) {
            var total: TermInfo?
            var entries: [TermInfo?] = []
            entries.reserveCapacity(reader.segments.count)
            for segment in reader.segments {
                let found = try segment.terms.lookup(key)
                entries.append(found)
                guard let info = found else { continue }
                if var t = total {
                    t.docFreq += info.docFreq
                    t.totalTermFreq += info.totalTermFreq
                    t.nameFreq += info.nameFreq
                    total = t
                } else {
                    total = info
                }
            }
            return (total, entries)
        }
        for word in kept {
            var keys: [[UInt8]] = []
            var entries: [[TermInfo?]] = []
            var byLanguage: [Language: Set<String>] = [:]
            var df = 0
            for language in Language.allCases {
                let surfaceKey = TermKey.make(language, word)
                let (surface, surfaceEntries) = try statistics(surfaceKey)
                var candidates: [(String, [UInt8], TermInfo, [TermInfo?])] = []
                if let surface { candidates.append((word, surfaceKey, surface, surfaceEntries)) }
                if language != .other {
                    let stem = Analyzer.stem(word, language: language)
                    if stem != word {
                        let stemKey = TermKey.make(language, stem)
                        let (stemTotal, stemEntries) = try statistics(stemKey)
                        if let stemInfo = stemTotal {
                            let nameUses = surface?.nameFreq ?? 0
                            let plainUses = stemInfo.totalTermFreq - stemInfo.nameFreq
                            if nameUses < plainUses { candidates.append((stem, stemKey, stemInfo, stemEntries)) }
                        }
                    }
                }
                guard !candidates.isEmpty else { continue }
                keys += candidates.map(\.1)
                entries += candidates.map(\.3)
                byLanguage[language] = Set(candidates.map(\.0))
                df += candidates.map(\.2.docFreq).max() ?? 0
            }
            df = min(df, reader.docCount)
            groups.append(TermGroup(word: word, keys: keys, termsByLanguage: byLanguage, docFreq: df, idf: bm25.idf(docFreq: df),
                                    entries: entries))
        }
        return QueryPlan(text: text, groups: groups, droppedWords: dropped)
    }
}
