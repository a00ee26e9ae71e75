import Foundation
import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// `--passages N`: a long document's best passages, cut at sentence boundaries, ranked by their
/// own score, shown in document order, each with its line (or page) and its matches marked.
@Suite struct PassageTests {
    static let filler = "Le marché ouvre tôt et les camions arrivent de la capitale avant l’aube. "

    func respond(_ docs: [String: String], _ query: String, passages: Int, k: Int = 1) throws -> SearchResponse {
        let dir = TemporaryDirectory()
        for (name, text) in docs { try dir.write("docs/" + name, text) }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        return try Searcher(reader: IndexReader(path: dir.path + "/index")).respond(to: query, k: k, passages: passages)
    }

    func marked(_ s: Snippet) -> [String] {
        let scalars = Array(s.text.unicodeScalars)
        return s.highlights.map { String(String.UnicodeScalarView(scalars[$0])) }
    }

    @Test func passagesAreRankedPlacedAndMarked() throws {
        var lines: [String] = []
        for i in 0..<40 {
            switch i {
            case 5: lines.append("Les soldats de l’armée quittent Gao.")
            case 20: lines.append("À Tombouctou, l’armée malienne et les soldats russes patrouillent ensemble le long du fleuve.")
            case 33: lines.append("Un soldat raconte son retour.")
            default: lines.append(Self.filler + Self.filler)
            }
        }
        let response = try respond(["rapport.txt": lines.joined(separator: "\n")], "soldats armée tombouctou", passages: 3)
        let hit = try #require(response.hits.first)
        #expect(hit.passages.count == 3)
        // Document order, one per matching line, each placed on its line.
        #expect(hit.passages.map(\.line) == [6, 21, 34])
        // The passage with all three words is the best; the one with only `soldat` the weakest.
        #expect(hit.passages.map(\.rank) == [2, 1, 3])
        #expect(hit.passages[1].score > hit.passages[0].score && hit.passages[0].score > hit.passages[2].score)
        #expect(marked(hit.passages[1].snippet) == ["Tombouctou", "armée", "soldats"])
        #expect(marked(hit.passages[2].snippet) == ["soldat"])
        // Whole sentences: a passage starts at its sentence, and no filler sentence is cut.
        #expect(hit.passages[0].snippet.text.hasPrefix("…Les soldats de l’armée quittent Gao."))
        for p in hit.passages {
            #expect(p.snippet.text.unicodeScalars.count <= PassageBuilder().maxLength + 2)
            #expect(p.page == nil)
        }
        // The JSON contract grows: "passages" beside the snippet.
        let json = hit.json.rendered
        #expect(json.contains("\"passages\": [{\"text\": \"…Les soldats de l’armée quittent Gao."), "\(json.prefix(400))")
        #expect(json.contains("\"line\": 21") && json.contains("\"rank\": 1"))
        // Fewer passages asked: the best ones, still in document order.
        let two = try #require(try respond(["rapport.txt": lines.joined(separator: "\n")], "soldats armée tombouctou", passages: 2).hits.first)
        #expect(two.passages.map(\.line) == [6, 21])
    }

    @Test func passagesDoNotOverlapAndLongSentencesAreCut() throws {
        let long = (0..<60).map { "mot\($0)" }.joined(separator: " ")
        let text = "Début. " + long + " Sahel " + long + " Sahel " + long + ". Fin du Sahel."
        let response = try respond(["long.txt": text], "sahel", passages: 5)
        let hit = try #require(response.hits.first)
        let offsets = hit.passages.map(\.snippet.textOffset)
        #expect(offsets == offsets.sorted())
        #expect(hit.passages.count == 3, "\(hit.passages.map(\.snippet.text))")
        for p in hit.passages {
            #expect(marked(p.snippet).allSatisfy { $0 == "Sahel" })
            #expect(p.snippet.text.unicodeScalars.count <= PassageBuilder().maxLength + 2)
        }
    }

    @Test func aPDFsPassagesSayTheirPage() throws {
        let pdf = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Tests/Fixtures/pdf/carnet-sahel.pdf")))
        let dir = TemporaryDirectory()
        try dir.write("docs/carnet.pdf", pdf)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let response = try Searcher(reader: IndexReader(path: dir.path + "/index")).respond(to: "niger chad mosque", passages: 3)
        let hit = try #require(response.hits.first)
        #expect(hit.passages.map(\.page) == [1, 2, 3], "\(hit.passages.map(\.snippet.text))")
    }

    @Test func passagesNameTheirSectionAndHideHeadingMarks() throws {
        let markdown = "# Rapport annuel\n\nIntroduction sans rapport.\n\n## 3. Bilan\n\nLe fleuve Niger a débordé.\n\n## 4. Perspectives\n\nLe Niger reste fragile.\n"
        let html = "<html><body><h1>Guide</h1><p>Intro.</p><h2>Crues du Niger</h2><p>Le Niger monte en septembre.</p></body></html>"
        let response = try respond(["rapport.md": markdown, "guide.html": html], "niger", passages: 3, k: 2)
        let md = try #require(response.hits.first { $0.path == "rapport.md" })
        #expect(md.passages.map(\.section) == ["3. Bilan", "4. Perspectives"])
        #expect(md.passages.map(\.line) == [7, 11])
        #expect(md.title == "Rapport annuel")
        let page = try #require(response.hits.first { $0.path == "guide.html" })
        #expect(page.passages.first?.section == "Crues du Niger")
        // Shown text never carries the marks.
        for hit in response.hits {
            #expect(!hit.snippet.text.contains("#"), "\(hit.snippet.text)")
            for p in hit.passages { #expect(!p.snippet.text.contains("#"), "\(p.snippet.text)") }
        }
        #expect(md.json.rendered.contains("\"section\": \"3. Bilan\""))
    }

    /// A match in a heading (a short line) shows the heading and the start of the sentence after
    /// it, cut at a word, not the heading's few words alone; a passage never runs into the next
    /// section.
    @Test func aHeadingsPassageGoesOnIntoItsText() throws {
        let long = "Les crues du fleuve ont noyé les cultures de décrue, emporté des greniers entiers et forcé des milliers de familles à quitter leurs villages pour des camps installés sur les hauteurs, loin des champs qu’elles cultivaient depuis des générations et des marchés où elles vendaient leurs récoltes."
        let markdown = "# Rapport\n\n## 6. Le grand retrait\n\n\(long)\n\n## 7. Perspectives\n\nCourt.\n"
        let hit = try #require(try respond(["rapport.md": markdown], "retrait", passages: 1).hits.first)
        let passage = try #require(hit.passages.first)
        #expect(passage.section == "6. Le grand retrait")
        #expect(passage.snippet.text.hasPrefix("…6. Le grand retrait Les crues du fleuve ont noyé"), "\(passage.snippet.text)")
        #expect(passage.snippet.text.hasSuffix("…") && !passage.snippet.text.contains("Perspectives"))
        #expect(passage.snippet.text.unicodeScalars.count <= PassageBuilder().maxLength + 2)
        #expect(marked(passage.snippet) == ["retrait"])
    }

    /// Heading marks are Markdown's, HTML's and EPUB's: in a plain text a line starting with `# `
    /// (a shell prompt, a comment) is text, shown as written, and names no section.
    @Test func aPlainTextsHashLinesAreText() throws {
        let text = "Notes de terrain\n\n# niger : relevé du fleuve à Niamey\n\nLe débit baisse.\n"
        let response = try respond(["notes.txt": text, "notes.md": text], "niamey", passages: 1, k: 2)
        let plain = try #require(response.hits.first { $0.path == "notes.txt" })
        #expect(plain.snippet.text.contains("# niger : relevé du fleuve à Niamey"), "\(plain.snippet.text)")
        #expect(plain.passages.first?.section == nil)
        #expect(plain.passages.first?.snippet.text.contains("# niger") == true)
        let markdown = try #require(response.hits.first { $0.path == "notes.md" })
        #expect(!markdown.snippet.text.contains("#"))
        #expect(markdown.passages.first?.section == "niger : relevé du fleuve à Niamey")
    }
}
