import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// The title is a field of its own (`TitleField`): a word or a phrase in a document's title lifts
/// it above a document that only has it in its text, in plain, boolean and phrase queries alike.
@Suite struct TitleFieldTests {
    // Same length, same words, one occurrence of "sahel" each: only the titles differ (a text's
    // first line is its title; the HTML one's is its <title>).
    static let documents: [String: String] = [
        "a-body.txt": "Rapport annuel des missions\nLes équipes ont parcouru le Sahel pendant la saison sèche avec les habitants.",
        "b-title.txt": "Rapport annuel du Sahel\nLes équipes ont parcouru les missions pendant la saison sèche avec les habitants.",
        "c-page.html": "<html><head><title>Saison sèche</title></head><body><p>Rapport annuel des missions.</p><p>Les équipes ont parcouru le Sahel avec les habitants.</p></body></html>",
        "d-other.txt": "Notes de terrain\nLa pluie est tombée sur la ville toute la journée et les rues étaient vides.",
    ]

    nonisolated(unsafe) static let index = makeSmallIndex(documents)

    func ranked(_ query: String, strategy: RetrievalStrategy = .maxScore) throws -> [String] {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        return try searcher.search(query, k: 10, strategy: strategy).hits.map { try searcher.reader.record($0.doc).path }
    }

    @Test func aWordInTheTitleLiftsTheDocument() throws {
        for strategy in RetrievalStrategy.allCases {
            let found = try ranked("sahel", strategy: strategy)
            #expect(found.first == "b-title.txt", "\(strategy): \(found)")
            #expect(Set(found) == ["a-body.txt", "b-title.txt", "c-page.html"])
        }
        // An HTML title counts as much as a first line.
        #expect(try ranked("sèche").first == "c-page.html")
        #expect(try ranked("sahel AND rapport").first == "b-title.txt")
    }

    @Test func theTitleCountsInFrequencyAndLength() throws {
        let (_, reader) = try #require(Self.index)
        let searcher = try Searcher(reader: reader)
        let hits = try searcher.search("sahel", k: 10).hits
        let top = try #require(hits.first)
        let explanation = try searcher.explain(try searcher.plan("sahel"), doc: top.doc)
        // Once in the text (its first line), once in the title field.
        func all(_ e: Explanation) -> [Explanation] { [e] + e.details.flatMap(all) }
        #expect(all(explanation).first { $0.description == "tf" }?.value == 2, "\(explanation)")
        // Document lengths count the title's words too.
        let analyzer = try Analyzer()
        let text = try #require(Self.documents["b-title.txt"])
        let (segment, local) = try #require(reader.locate(top.doc))
        #expect(Int(segment.documents.length(local)) == analyzer.tokens(text, language: .french).count + analyzer.tokens("Rapport annuel du Sahel", language: .french).count)
        #expect(analyzer.tokens("Rapport annuel du Sahel", language: .french).count == 4)
    }

    @Test func phrasesMatchInTheTitleButNeverAcrossFields() throws {
        #expect(try ranked("\"rapport annuel du sahel\"") == ["b-title.txt"])
        // The text's last word and the title's first are a field apart.
        #expect(try ranked("\"habitants rapport\"").isEmpty)
        #expect(try ranked("\"habitants rapport\"~3").isEmpty)
        #expect(try ranked("\"vides notes\"~3").isEmpty)
    }
}
