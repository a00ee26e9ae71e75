import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// A property of every snippet and passage: each highlight is a matched word as written (its
/// text analyzes to one of the query's terms), and no word of the shown text that the index
/// matches to the query is left unmarked — over random documents mixing the forms people type: plurals, elisions
/// with both apostrophes, capitals, accents or none, full width, dotted acronyms, possessives.
@Suite struct HighlightPropertyTests {
    static let vocabulary = [
        "soldat", "soldats", "Soldats", "l’armée", "l'armée", "L’ARMÉE", "armée", "armee", "México", "mexico", "ＭＥＸＩＣＯ",
        "U.S.A.", "USA", "usa", "Macron's", "Macron’s", "macron", "d’Afrique", "Afrique", "afrique", "Niger", "nigérien",
        "Côte", "d’Ivoire", "sahel", "Sahel", "sahélien", "œuvre", "oeuvre", "ﬁnal", "final",
    ]
    static let filler = ["le", "la", "et", "des", "camions", "marché", "route", "ville", "the", "river", "plus", "quand", "pendant", "loin"]
    static let queries = ["soldat", "armée", "mexico", "usa", "macron", "afrique", "niger", "sahel", "oeuvre", "final", "côte ivoire"]

    @Test func everyHighlightIsAMatchAndEveryMatchIsHighlighted() throws {
        var rng = SplitMix(seed: 21)
        let dir = TemporaryDirectory()
        for d in 0..<40 {
            var words: [String] = []
            for i in 0..<(30 + rng.below(250)) {
                words.append(rng.below(3) == 0 ? Self.vocabulary[rng.below(Self.vocabulary.count)] : Self.filler[rng.below(Self.filler.count)])
                if i % (5 + rng.below(9)) == 4 { words[words.count - 1] += ". " + (rng.below(2) == 0 ? "Puis" : "Then") }
            }
            try dir.write("docs/\(["fr", "en", "es"][d % 3])/d\(d).txt", words.joined(separator: " ") + ".")
        }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        let analyzer = try Analyzer()
        var checked = 0
        for query in Self.queries {
            let plan = try searcher.plan(query)
            let response = try searcher.respond(to: query, k: 10, passages: 3)
            #expect(!response.hits.isEmpty, "\(query)")
            for hit in response.hits {
                let terms = plan.groups.reduce(into: Set<String>()) { $0.formUnion($1.termsByLanguage[hit.language] ?? []) }
                for shown in [hit.snippet] + hit.passages.map(\.snippet) {
                    checked += check(shown, terms: terms, language: hit.language, analyzer: analyzer, context: "\(query) in \(hit.path)")
                }
            }
        }
        #expect(checked > 500, "only \(checked) words checked")
    }

    /// Checks one shown text; returns how many words it looked at.
    func check(_ snippet: Snippet, terms: Set<String>, language: Language, analyzer: Analyzer, context: String) -> Int {
        let text = Array(snippet.text.utf8)
        // Byte offset of every scalar boundary, to turn highlights into byte ranges.
        var byteOfScalar: [Int] = []
        for (i, b) in text.enumerated() where b & 0xC0 != 0x80 { byteOfScalar.append(i) }
        byteOfScalar.append(text.count)
        let marked = snippet.highlights.map { byteOfScalar[$0.lowerBound]..<byteOfScalar[$0.upperBound] }
        func matches(_ bytes: ArraySlice<UInt8>) -> Bool {
            Array(bytes).withUnsafeBufferPointer { raw in
                [true, false].contains { isName in analyzer.term(raw: raw, language: language, isName: isName).map(terms.contains) ?? false }
            }
        }
        // Every highlight is a matching word.
        for range in marked {
            #expect(matches(text[range]), "\(context): marked \(String(decoding: text[range], as: UTF8.self)) in \(snippet.text)")
        }
        // Every word the index would match here is (inside) a highlight. Words are analyzed in
        // their context, as the index does (a capitalized word inside a sentence is a name, kept
        // unstemmed); the first word of a passage that starts inside a sentence ("…") is left
        // out, as its context is cut off.
        var words = 0
        text.withUnsafeBufferPointer { buffer in
            analyzer.forEachTerm(in: buffer, language: language) { term, position, start, end in
                words += 1
                guard terms.contains(term), !(position == 0 && snippet.text.hasPrefix("…")) else { return }
                let visible = Apostrophes.visibleSpan(in: buffer, start: start, end: end)
                #expect(marked.contains { $0.lowerBound <= visible.lowerBound && visible.upperBound <= $0.upperBound },
                        "\(context): \(String(decoding: text[start..<end], as: UTF8.self)) unmarked in \(snippet.text)")
            }
        }
        return words
    }
}
