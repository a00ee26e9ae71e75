import Foundation
import LoupeIndex
import LoupeTestSupport
import Testing

/// DOCX, ODT, PPTX and EPUB files — real ones, made by pandoc, in `Corpus/` — give their text in
/// document order, a line per paragraph, and their title from the package's metadata; damaged
/// packages are skipped with a reason, never a crash.
@Suite struct OfficeExtractionTests {
    func extract(_ path: String) throws -> Result<ExtractedDocument, ExtractionFailure> {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Corpus/" + path)))
        return ExtractorRegistry.standard.extract(bytes, fileName: path)
    }

    func text(_ document: ExtractedDocument) -> String { String(decoding: document.text, as: UTF8.self) }

    @Test func wordDocument() throws {
        let document = try extract("fr/niger-fleuve-sahel.docx").get()
        #expect(document.title == "Le fleuve Niger, artère du Sahel")
        let lines = text(document).split(separator: "\n").map(String.init)
        #expect(lines.contains("Un fleuve en boucle"), "\(lines.prefix(4))")
        #expect(lines.contains { $0.hasPrefix("Au Mali, le fleuve s’étale chaque année dans le delta intérieur : pêcheurs bozo") })
        // Headings and paragraphs in document order.
        let body = text(document)
        let order = ["Un fleuve en boucle", "Le delta intérieur", "Menaces", "pinasses"].map { body.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && zip(order, order.dropFirst()).allSatisfy { $0! < $1! })
        #expect(ExtractorRegistry.standard.extractor(for: "a.DOCX").kind == "docx")
    }

    @Test func openDocumentText() throws {
        let document = try extract("es/lago-chad.odt").get()
        #expect(document.title == "El lago Chad se encoge")
        #expect(text(document).contains("la Unión Africana estudian un trasvase desde el río Ubangui."))
        #expect(text(document).split(separator: "\n").contains("Un lago compartido"))
    }

    @Test func powerPointSlidesInTheirOrder() throws {
        let document = try extract("fr/routes-sel.pptx").get()
        #expect(document.title == "Les routes du sel au Sahara")
        let body = text(document)
        let order = ["Taoudeni", "barres de sel", "L’azalaï", "Tombouctou", "Aujourd’hui", "camions"].map { body.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && zip(order, order.dropFirst()).allSatisfy { $0! < $1! }, "\(body)")
        #expect(body.split(separator: "\n").contains("Taoudeni"))
    }

    @Test func epubBook() throws {
        let document = try extract("en/djenne-great-mosque.epub").get()
        #expect(document.title == "The Great Mosque of Djenné")
        let body = text(document)
        // Chapters in spine order; a chapter's <title> (its file name) is not text.
        let order = ["A building of earth", "The crépissage", "river Bani", "A fragile heritage"].map { body.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && zip(order, order.dropFirst()).allSatisfy { $0! < $1! })
        #expect(!body.contains("xhtml"))
    }

    @Test func damagedPackagesAreSkippedWithAReason() throws {
        let docx = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Corpus/fr/niger-fleuve-sahel.docx")))
        var rng = SplitMix(seed: 5)
        let cases: [(String, [UInt8])] = [
            ("truncated.docx", Array(docx.prefix(docx.count / 2))),
            ("text.odt", Array("not a zip at all".utf8)),
            ("empty.epub", []),
            // Flipped bytes inside the compressed members: inflate or the XML reader must notice.
            ("flipped.docx", { var b = docx; for _ in 0..<40 { b[200 + rng.below(b.count - 400)] ^= 0x5A }; return b }()),
        ]
        for (name, bytes) in cases {
            switch ExtractorRegistry.standard.extract(bytes, fileName: name) {
            case .success(let document):
                // A flip may land in a part that is not read (or in text); then the text is whatever survived.
                #expect(name == "flipped.docx", "\(name) gave \(document.text.count) bytes of text")
            case .failure(let failure):
                #expect(failure.description.hasSuffix("; skipped"), "\(name): \(failure)")
                if name != "flipped.docx" { #expect(failure.description.contains("ZIP") || failure == .empty, "\(name): \(failure)") }
            }
        }
        // Random bytes never crash the ZIP or XML readers.
        for i in 0..<300 {
            var bytes = docx
            for _ in 0..<(1 + rng.below(20)) { bytes[rng.below(bytes.count)] = UInt8(rng.below(256)) }
            if i % 3 == 0 { bytes = Array(bytes.prefix(rng.below(bytes.count))) }
            _ = ExtractorRegistry.standard.extract(bytes, fileName: "fuzz\(i).docx")
            _ = ExtractorRegistry.standard.extract(bytes, fileName: "fuzz\(i).epub")
        }
    }

    @Test func indexedAndFoundLikeAnyDocument() throws {
        let dir = TemporaryDirectory()
        for path in ["fr/niger-fleuve-sahel.docx", "es/lago-chad.odt", "en/djenne-great-mosque.epub", "fr/routes-sel.pptx"] {
            try dir.write("docs/" + path, Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Corpus/" + path))))
        }
        try dir.write("docs/broken.docx", "PK not really")
        let summary = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        #expect(summary.documents == 4)
        #expect(summary.kinds == ["docx": 1, "odt": 1, "epub": 1, "pptx": 1])
        #expect(summary.skipped.map(\.path) == ["broken.docx"])
        let reader = try IndexReader(path: dir.path + "/index")
        var titles: [String: String] = [:]
        try reader.forEachLiveDocument { _, record in titles[record.path] = record.title }
        #expect(titles["en/djenne-great-mosque.epub"] == "The Great Mosque of Djenné")
    }
}
