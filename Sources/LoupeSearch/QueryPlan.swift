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

/// A quoted phrase: its words must appear at consecutive positions. Scored as one BM25 term whose
/// frequency is the number of occurrences of the phrase and whose idf is the sum of its words'
/// (as Lucene scores phrases).
public struct PhraseQuery: Sendable, Equatable {
    public var words: [TermGroup]
    public var idf: Double { words.reduce(0) { $0 + $1.idf } }
}

/// A query turned into term groups over a given index.
///
/// Syntax: words are OR'ed; text in double quotes (`"…"`, `“…”` or `«…»`) is a phrase that every
/// result must contain. Function words are dropped from the OR words when other words remain, but
/// kept inside phrases.
public struct QueryPlan: Sendable {
    public var text: String
    /// The OR'ed words first (`orGroupCount` of them), then the phrases' other words (highlighted,
    /// scored through their phrase).
    public var groups: [TermGroup]
    public var orGroupCount: Int
    public var phrases: [PhraseQuery] = []
    /// Query words left out (function words in a query that has other words).
    public var droppedWords: [String]

    /// Splits the query text into free text and phrases.
    static func split(_ text: String) -> (free: String, phrases: [String]) {
        // Most queries have no quotes at all: `"` is 0x22; “ ” are E2 80 9C/9D; « » are C2 AB/BB.
        let bytes = text.utf8
        if !bytes.contains(0x22) && !bytes.contains(0xAB) && !bytes.contains(0xBB) && !bytes.contains(0x9C) && !bytes.contains(0x9D) {
            return (text, [])
        }
        var free = "", phrases: [String] = [], current = ""
        var inPhrase = false
        for ch in text {
            let opens = ch == "\"" || ch == "“" || ch == "«"
            let closes = ch == "\"" || ch == "”" || ch == "»"
            if inPhrase && closes {
                phrases.append(current)
                current = ""
                inPhrase = false
                free.append(" ")
            } else if !inPhrase && opens {
                inPhrase = true
                free.append(" ")
            } else if inPhrase {
                current.append(ch)
            } else {
                free.append(ch)
            }
        }
        if inPhrase { phrases.append(current) }
        return (free, phrases)
    }

    public static func make(_ text: String, reader: IndexReader, analyzer: Analyzer, bm25: BM25) throws -> QueryPlan {
        let (free, phraseTexts) = split(text)
        var phrases: [PhraseQuery] = []
        for phraseText in phraseTexts {
            let words = analyzer.foldedWords(phraseText).map(\.term)
            guard !words.isEmpty else { continue }
            phrases.append(PhraseQuery(words: try words.map { try group(for: $0, reader: reader, bm25: bm25) }))
        }
        let words = analyzer.foldedWords(free).map(\.term)
        var unique: [String] = []
        for w in words where !unique.contains(w) { unique.append(w) }
        let content = unique.filter { !StopWords.isStopWord($0) }
        let kept = content.isEmpty && phrases.isEmpty ? unique : content
        let dropped = unique.filter { !kept.contains($0) }
        var groups = try kept.map { try group(for: $0, reader: reader, bm25: bm25) }
        let orGroupCount = groups.count
        // Phrase words are highlighted too.
        for phrase in phrases {
            for g in phrase.words where !groups.contains(where: { $0.word == g.word }) { groups.append(g) }
        }
        return QueryPlan(text: text, groups: groups, orGroupCount: orGroupCount, phrases: phrases, droppedWords: dropped)
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

    /// The term group of one folded query word.
    static func group(for word: String, reader: IndexReader, bm25: BM25) throws -> TermGroup {
        var keys: [[UInt8]] = []
        var entries: [[TermInfo?]] = []
        var byLanguage: [Language: Set<String>] = [:]
        var df = 0
        for language in Language.allCases {
            let surfaceKey = TermKey.make(language, word)
            let (surface, surfaceEntries) = try statistics(surfaceKey, reader: reader)
            var candidates: [(String, [UInt8], TermInfo, [TermInfo?])] = []
            if let surface { candidates.append((word, surfaceKey, surface, surfaceEntries)) }
            if language != .other {
                let stem = Analyzer.stem(word, language: language)
                if stem != word {
                    let stemKey = TermKey.make(language, stem)
                    let (stemTotal, stemEntries) = try statistics(stemKey, reader: reader)
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
        return TermGroup(word: word, keys: keys, termsByLanguage: byLanguage, docFreq: df, idf: bm25.idf(docFreq: df), entries: entries)
    }
}
