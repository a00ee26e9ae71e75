import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

@Suite struct SnippetTests {
    func search(_ docs: [String: String], _ query: String) throws -> SearchResponse {
        let dir = TemporaryDirectory()
        for (name, text) in docs { try dir.write("docs/" + name, text) }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        return try Searcher(reader: IndexReader(path: dir.path + "/index")).respond(to: query)
    }

    func highlightedWords(_ s: Snippet) -> [String] {
        let scalars = Array(s.text.unicodeScalars)
        return s.highlights.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    @Test func passageHoldsTheRarestWordsAndHighlightsThem() throws {
        let filler = String(repeating: "The weather was calm and the roads were open to traffic all day long. ", count: 12)
        let text = filler + "In Niamey the French ambassador left after the coup in Niger. " + filler + "Niger is large. " + filler
        let response = try search(["a.txt": text, "b.txt": "Niger river flows."], "niamey ambassador")
        let hit = try #require(response.hits.first)
        #expect(hit.path == "a.txt")
        let snippet = hit.snippet
        #expect(snippet.text.unicodeScalars.count >= 120 && snippet.text.unicodeScalars.count <= 245)
        #expect(snippet.text.hasPrefix("…") && snippet.text.hasSuffix("…"))
        #expect(highlightedWords(snippet) == ["Niamey", "ambassador"])
        #expect(!snippet.text.contains("\n"))
    }

    @Test func highlightsAreUnicodeScalarOffsetsOfTheOriginalSpelling() throws {
        let response = try search(["fr.txt": "Les soldats de l’armée malienne sont arrivés à México hier soir avec l’armée."], "armee mexico")
        let snippet = try #require(response.hits.first?.snippet)
        // The elided article is not part of the match (with either apostrophe).
        #expect(highlightedWords(snippet) == ["armée", "México", "armée"])
        #expect(!snippet.text.hasPrefix("…") && !snippet.text.hasSuffix("…"))
    }

    @Test func highlightsLeaveOutElisionsAndPossessivesOnly() throws {
        let response = try search(["fr.txt": "L'Armée et l’armée quittent N’Djamena; qu’Abidjan attende. Macron's plan, Macron’s plan."],
                                  "armee ndjamena abidjan macron")
        let snippet = try #require(response.hits.first?.snippet)
        #expect(highlightedWords(snippet) == ["Armée", "armée", "N’Djamena", "Abidjan", "Macron", "Macron"])
    }

    @Test func shortDocumentsAreShownWhole() throws {
        let response = try search(["x.txt": "Emmanuel Macron a parlé.\n\nFin."], "macron")
        #expect(response.hits.first?.snippet.text == "Emmanuel Macron a parlé. Fin.")
    }
}
