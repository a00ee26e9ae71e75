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
