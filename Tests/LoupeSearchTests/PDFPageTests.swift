import Foundation
import LoupeIndex
import LoupeSearch
import Testing

/// A hit in a PDF says the page its snippet's match is on; other documents have no page.
@Suite struct PDFPageTests {
    @Test func snippetsSayTheirPage() throws {
        let dir = TemporaryDirectory()
        let pdf = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Tests/Fixtures/pdf/carnet-sahel.pdf")))
        try dir.write("docs/carnet-sahel.pdf", pdf)
        try dir.write("docs/note.txt", "Le lac Tchad et le fleuve Ubangui.\u{0C}Un saut de page qui ne compte pas.")
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        for (query, page) in [("pêcheurs", 1), ("camerun", 2), ("crepissage", 3), ("\"mud plaster\"", 3)] {
            let response = try searcher.respond(to: query, k: 5)
            let hit = response.hits.first { $0.path == "carnet-sahel.pdf" }
            #expect(hit?.page == page, "\(query)")
            #expect(hit?.title == "Carnet de route — Sahel")
            #expect(hit.map { $0.snippet.highlights.count > 0 } == true, "\(query)")
        }
        let response = try searcher.respond(to: "ubangui", k: 5)
        #expect(Set(response.hits.map(\.path)) == ["carnet-sahel.pdf", "note.txt"])
        for hit in response.hits {
            #expect(hit.page == (hit.path == "note.txt" ? nil : 2))
            let json = hit.json.rendered
            #expect(json.contains("\"page\": 2") == (hit.path == "carnet-sahel.pdf"), "\(json)")
        }
    }
}

/// Every document format is found by its accented words, with the match marked in the snippet
/// and the title from the file's own metadata.
@Suite struct FormatSearchTests {
    @Test func eachFormatIsFoundWithItsSnippetAndTitle() throws {
        let dir = TemporaryDirectory()
        let files = ["fr/niger-fleuve-sahel.docx", "es/lago-chad.odt", "fr/routes-sel.pptx", "en/djenne-great-mosque.epub",
                     "fr/historique-debian.pdf", "en/lake-chad-shrinking.md", "fr/musique-malienne-kora.html"]
        for path in files {
            try dir.write("docs/" + path, Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Corpus/" + path))))
        }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 2))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        // (query, file, title, a word the snippet must mark, as written in the file)
        let cases = [
            ("riziculteurs", "fr/niger-fleuve-sahel.docx", "Le fleuve Niger, artère du Sahel", "riziculteurs"),
            ("trasvase ubangui", "es/lago-chad.odt", "El lago Chad se encoge", "trasvase"),
            ("azalai", "fr/routes-sel.pptx", "Les routes du sel au Sahara", "azalaï"),
            ("crepissage", "en/djenne-great-mosque.epub", "The Great Mosque of Djenné", "crépissage"),
            ("fondateur murdock", "fr/historique-debian.pdf", "Bref historique de Debian", "Murdock"),
            ("transaqua", "en/lake-chad-shrinking.md", "Lake Chad: a shrinking lake, a growing crisis", "Transaqua"),
            ("griots", "fr/musique-malienne-kora.html", nil as String?, "griots"),
        ]
        for (query, path, title, word) in cases {
            let hit = try #require(try searcher.respond(to: query, k: 3).hits.first, "\(query)")
            #expect(hit.path == path, "\(query)")
            if let title { #expect(hit.title == title, "\(query)") }
            let scalars = Array(hit.snippet.text.unicodeScalars)
            let marked = hit.snippet.highlights.map { String(String.UnicodeScalarView(scalars[$0])) }
            #expect(marked.contains { $0.lowercased() == word.lowercased() }, "\(query): \(marked) in \(hit.snippet.text)")
            #expect((hit.page != nil) == path.hasSuffix(".pdf"))
        }
    }
}
