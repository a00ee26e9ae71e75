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
    /// The terms per language, for highlighting (from the keys).
    public var termsByLanguage: [Language: Set<String>] {
        var map: [Language: Set<String>] = [:]
        for key in keys {
            if let (language, term) = TermKey.split(key) { map[language, default: []].insert(term) }
        }
        return map
    }
    /// Documents containing the word: per language the larger of its terms' counts, summed over
    /// languages (each document has one language, so languages never overlap).
    public var docFreq: Int
    public var idf: Double
    /// Per key, its dictionary entry in each segment (by segment index; nil where absent).
    var entries: [[TermInfo?]] = []
}

/// A quoted phrase: its words must appear at consecutive positions. Scored as one BM25 term whose
/// frequency is the number of occurrences of the phrase and whose idf is the sum of its words'
/// (as Lucene scores phrases).
public struct PhraseQuery: Sendable, Equatable {
    public var words: [TermGroup]
    public var idf: Double { words.reduce(0) { $0 + $1.idf } }
}

/// A parsed query looked up in a given index: its words as term groups with their statistics.
/// See `ParsedQuery` for the syntax.
public struct QueryPlan: Sendable {
    public var text: String
    /// The OR'ed words first (`orGroupCount` of them), then the phrases' other words (highlighted,
    /// scored through their phrase).
    public var groups: [TermGroup]
    public var orGroupCount: Int
    public var phrases: [PhraseQuery] = []
    /// Query words left out (function words in a query that has other words).
    public var droppedWords: [String]

    public static func make(_ query: ParsedQuery, reader: IndexReader, bm25: BM25) throws -> QueryPlan {
        let phrases = try query.phrases.map { words in PhraseQuery(words: try words.map { try group(for: $0, reader: reader, bm25: bm25) }) }
        var groups = try query.words.map { try group(for: $0, reader: reader, bm25: bm25) }
        let orGroupCount = groups.count
        // Phrase words are highlighted too.
        for phrase in phrases {
            for g in phrase.words where !groups.contains(where: { $0.word == g.word }) { groups.append(g) }
        }
        return QueryPlan(text: query.text, groups: groups, orGroupCount: orGroupCount, phrases: phrases, droppedWords: query.droppedWords)
    }

    /// Summed statistics of a key over segments, and each segment's entry.
    static func statistics(_ key: [UInt8], reader: IndexReader) throws -> (total: TermInfo?, entries: [TermInfo?]) {
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

    /// The term group of one analyzed query word.
    static func group(for analyzed: AnalyzedWord, reader: IndexReader, bm25: BM25) throws -> TermGroup {
        let word = analyzed.word
        var keys: [[UInt8]] = []
        var entries: [[TermInfo?]] = []
        var df = 0
        for candidate in analyzed.candidates {
            let (surface, surfaceEntries) = try statistics(candidate.surfaceKey, reader: reader)
            var found: [([UInt8], TermInfo, [TermInfo?])] = []
            if let surface { found.append((candidate.surfaceKey, surface, surfaceEntries)) }
            if let stemKey = candidate.stemKey {
                let (stemTotal, stemEntries) = try statistics(stemKey, reader: reader)
                if let stemInfo = stemTotal {
                    let nameUses = surface?.nameFreq ?? 0
                    let plainUses = stemInfo.totalTermFreq - stemInfo.nameFreq
                    if nameUses < plainUses { found.append((stemKey, stemInfo, stemEntries)) }
                }
            }
            guard !found.isEmpty else { continue }
            keys += found.map(\.0)
            entries += found.map(\.2)
            df += found.map(\.1.docFreq).max() ?? 0
        }
        df = min(df, reader.docCount)
        return TermGroup(word: word, keys: keys, docFreq: df, idf: bm25.idf(docFreq: df), entries: entries)
    }
}
