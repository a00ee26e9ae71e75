import Foundation
import LoupeIndex
import LoupeTestSupport
import Testing

/// PDFs, made once by `scripts/pdf-fixtures/make.py` (Tests/Fixtures/pdf/), read through the
/// real poppler in the helper `loupe-pdf`: every page's text in order with a form feed between
/// pages, the title from the document information; encrypted, scanned, damaged and hostile files
/// are skipped with a reason and the run goes on.
@Suite struct PDFExtractionTests {
    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Tests/Fixtures/pdf/" + name)))
    }

    func text(_ document: ExtractedDocument) -> String { String(decoding: document.text, as: UTF8.self) }

    @Test func pagesInOrderWithTheirAccents() throws {
        let document = try ExtractorRegistry.standard.extract(try fixture("carnet-sahel.pdf"), fileName: "carnet-sahel.pdf").get()
        #expect(document.title == "Carnet de route — Sahel")
        #expect(document.cut == nil)
        let pages = text(document).split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        #expect(pages.count == 3)
        guard pages.count == 3 else { return }
        #expect(pages[0].contains("Les pêcheurs bozo et les éleveurs peuls s’y partagent l’eau."), "\(pages[0])")
        #expect(pages[1].contains("Nigeria, Níger, Chad y Camerún comparten el lago"))
        #expect(pages[1].contains("Ubangui") && !pages[0].contains("Ubangui") && !pages[2].contains("Ubangui"))
        #expect(pages[2].contains("Every year the crépissage renews"))
        #expect(ExtractorRegistry.standard.extractor(for: "A.PDF").kind == "pdf")
    }

    @Test func titleFromTheFirstLineWhenTheFileHasNone() throws {
        let document = try ExtractorRegistry.standard.extract(try fixture("sans-titre.pdf"), fileName: "sans-titre.pdf").get()
        #expect(document.title == "Le fleuve Niger au Sahel")
    }

    @Test func unreadableFilesAreSkippedWithTheirReason() throws {
        let good = try fixture("carnet-sahel.pdf")
        let cases: [(String, [UInt8], String)] = [
            ("chiffre.pdf", try fixture("chiffre.pdf"), "encrypted"),
            ("scan.pdf", try fixture("scan.pdf"), "no text layer"),
            ("truncated.pdf", Array(good.prefix(300)), "damaged"),
            ("text.pdf", Array("just some text".utf8), "not a PDF"),
            ("empty.pdf", [], "not a PDF"),
        ]
        for (name, bytes, reason) in cases {
            switch ExtractorRegistry.standard.extract(bytes, fileName: name) {
            case .success(let document): Issue.record("\(name) gave \(document.text.count) bytes of text")
            case .failure(let failure):
                #expect(failure.description.contains(reason) && failure.description.hasSuffix("; skipped"), "\(name): \(failure)")
            }
        }
        // Random damage never crashes the run: each file is text or a reason.
        var rng = SplitMix(seed: 11)
        for i in 0..<25 {
            var bytes = good
            for _ in 0..<(1 + rng.below(30)) { bytes[5 + rng.below(bytes.count - 5)] = UInt8(rng.below(256)) }
            if i % 4 == 0 { bytes = Array(bytes.prefix(5 + rng.below(bytes.count - 5))) }
            if case .failure(let failure) = ExtractorRegistry.standard.extract(bytes, fileName: "fuzz\(i).pdf") {
                #expect(failure.description.hasSuffix("; skipped"))
            }
        }
    }

    @Test func limitsCutTheTextAndSayWhy() throws {
        var extractor = PDFExtractor()
        extractor.maxPages = 2
        let document = try extractor.extract(try fixture("carnet-sahel.pdf"), fileName: "carnet-sahel.pdf").get()
        #expect(document.cut == "only the first 2 of 3 pages")
        #expect(text(document).split(separator: "\u{0C}").count == 2)
        #expect(!text(document).contains("crépissage"))
    }

    /// The bounds hold whatever the helper does: one that hangs is killed at the deadline, one
    /// that crashes or talks nonsense gives a reason.
    @Test func aHelperThatHangsCrashesOrLiesIsBounded() throws {
        let dir = TemporaryDirectory()
        let scripts = [
            ("hang", "exec sleep 30", "took longer than 0.3 s"),
            ("crash", "kill -SEGV $$", "signal 11"),
            ("nonsense", "cat >/dev/null; echo hello", "malformed"),
            ("fails", "echo 'bad xref table' >&2; exit 11", "bad xref table"),
        ]
        for (name, body, _) in scripts {
            try dir.write(name, "#!/bin/sh\n\(body)\n")
            chmod(dir.path + "/" + name, 0o755)
        }
        for (name, _, reason) in scripts {
            var extractor = PDFExtractor(helper: dir.path + "/" + name)
            extractor.maxSeconds = 0.3
            let started = Date()
            let result = extractor.extract(try fixture("carnet-sahel.pdf"), fileName: "x.pdf")
            #expect(Date().timeIntervalSince(started) < 20, "\(name) was not stopped")
            guard case .failure(let failure) = result else {
                Issue.record("\(name) succeeded")
                continue
            }
            #expect(failure.description.contains(reason), "\(name): \(failure)")
        }
    }

    @Test func indexedBesideOtherFilesAndTheRunGoesOn() throws {
        let dir = TemporaryDirectory()
        for name in ["carnet-sahel.pdf", "chiffre.pdf", "scan.pdf", "sans-titre.pdf"] { try dir.write("docs/" + name, try fixture(name)) }
        try dir.write("docs/broken.pdf", "%PDF-1.4 not really")
        try dir.write("docs/note.txt", "Une note sur le Sahel.")
        let summary = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 2))
        #expect(summary.documents == 3)
        #expect(summary.kinds == ["pdf": 2, "text": 1])
        #expect(summary.skipped.map(\.path).sorted() == ["broken.pdf", "chiffre.pdf", "scan.pdf"])
        let reader = try IndexReader(path: dir.path + "/index")
        var titles: [String: String] = [:]
        try reader.forEachLiveDocument { _, record in titles[record.path] = record.title }
        #expect(titles["carnet-sahel.pdf"] == "Carnet de route — Sahel")
    }
}
