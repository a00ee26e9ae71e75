import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// The documents' titles analyzed (each in its document's language), for `title:` queries:
/// built from the document records the first time a query needs it (about 2 µs a document), then
/// kept by the searcher. Titles are scored with BM25 over titles (their own lengths and average).
final class TitleIndex {
    /// Per segment, per local document: its title's terms in order.
    private let terms: [[[String]]]
    private let languages: [[Language]]
    private let averageLength: Double
    private let docCount: Int

    init(reader: IndexReader, analyzer: Analyzer) throws {
        var terms: [[[String]]] = [], languages: [[Language]] = []
        var total = 0, count = 0
        for segment in reader.segments {
            var segmentTerms: [[String]] = [], segmentLanguages: [Language] = []
            for doc in 0..<segment.docCount {
                guard !segment.isDeleted(doc) else {
                    segmentTerms.append([])
                    segmentLanguages.append(.other)
                    continue
                }
                let record = try segment.documents.record(doc)
                let language = Language(rawValue: record.language) ?? .other
                let title = analyzer.tokens(record.title, language: language).map(\.term)
                segmentTerms.append(title)
                segmentLanguages.append(language)
                total += title.count
                count += 1
            }
            terms.append(segmentTerms)
            languages.append(segmentLanguages)
        }
        self.terms = terms
        self.languages = languages
        averageLength = count > 0 ? Double(total) / Double(count) : 0
        docCount = count
    }

    /// Per word, the positions in `title` where it occurs; `accepted[w]` holds word w's terms in
    /// the title's language (its surface and its stems).
    private func positions(_ accepted: [Set<String>], title: [String]) -> [[UInt32]] {
        accepted.map { terms in title.indices.filter { terms.contains(title[$0]) }.map { UInt32($0) } }
    }

    /// Per language, per word, the terms that count as the word in that language's titles.
    private static func acceptedTerms(_ words: [AnalyzedWord]) -> [Language: [Set<String>]] {
        var byLanguage: [Language: [Set<String>]] = [:]
        for language in Language.allCases {
            byLanguage[language] = words.map { word in
                var accepted: Set<String> = [word.word]
                if let candidate = word.candidates.first(where: { $0.language == language }) { accepted.formUnion(candidate.stems) }
                return accepted
            }
        }
        return byLanguage
    }

    /// How often the words occur together: as a word, a phrase, or within `slop` (`PhraseScorer`).
    private static func frequency(_ lists: [[UInt32]], slop: Int?) -> Int {
        guard lists.allSatisfy({ !$0.isEmpty }) else { return 0 }
        if lists.count == 1 { return lists[0].count }
        if let slop { return PhraseMatcher.windows(lists, slop: slop) }
        return PhraseMatcher.consecutive(lists)
    }

    /// The documents of segment `s` whose title holds `words` (a word, a phrase, or with `slop`
    /// a proximity), with their BM25 over titles: each word's idf from the titles holding it (a
    /// phrase's is the sum, as in text), the title's length against the average title's.
    func matches(_ words: [AnalyzedWord], slop: Int?, bm25 body: BM25, segment s: Int) -> (docs: [UInt32], scores: [Double]) {
        let accepted = Self.acceptedTerms(words)
        var wordDF = [Int](repeating: 0, count: words.count)
        var here: [(doc: UInt32, tf: Int)] = []
        for (t, segmentTerms) in terms.enumerated() {
            for (doc, title) in segmentTerms.enumerated() {
                let lists = positions(accepted[languages[t][doc]] ?? words.map { _ in [] }, title: title)
                for w in lists.indices where !lists[w].isEmpty { wordDF[w] += 1 }
                let tf = Self.frequency(lists, slop: slop)
                if tf > 0 && t == s { here.append((UInt32(doc), tf)) }
            }
        }
        var titles = BM25(docCount: docCount, averageDocLength: averageLength)
        titles.k1 = body.k1
        titles.b = body.b
        let idf = wordDF.reduce(0.0) { $0 + titles.idf(docFreq: max(1, $1)) }
        let scores = here.map { titles.score(idf: idf, tf: Double($0.tf), docLength: Double(terms[s][Int($0.doc)].count)) }
        return (here.map(\.doc), scores)
    }
}
