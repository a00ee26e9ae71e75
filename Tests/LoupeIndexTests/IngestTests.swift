import Foundation
import Testing
@testable import LoupeIndex

@Suite struct IngestTests {
    @Test func htmlTextAndTitleAreExtractedWithoutScriptsOrStyles() throws {
        let html = """
            <!DOCTYPE html><html><head><title>L&rsquo;arm&eacute;e &amp; le Mali</title>
            <style>.x { color: red } zzstylezz</style><script>var zzscriptzz = 1;</script></head>
            <body><h1>Heading</h1><p>Premier&nbsp;paragraphe &#8217;ok&#x27;.</p><!-- zzcommentzz --><p>Second</p></body></html>
            """
        guard case .success(let doc) = TextExtractor.extract(Array(html.utf8), fileName: "a.html") else {
            Issue.record("extraction failed")
            return
        }
        let text = String(decoding: doc.text, as: UTF8.self)
        #expect(doc.title == "L’armée & le Mali")
        #expect(text.contains("Premier\u{A0}paragraphe ’ok'."))
        #expect(text.contains("Second"))
        #expect(text.contains("Heading"))
        for hidden in ["zzstylezz", "zzscriptzz", "zzcommentzz", "<p>", "color"] { #expect(!text.contains(hidden)) }
    }

    @Test func titlesComeFromMarkdownHeadingsOrTheFirstLine() throws {
        guard case .success(let md) = TextExtractor.extract(Array("\n\nsome intro\n# The Title\nbody".utf8), fileName: "x.md"),
              case .success(let txt) = TextExtractor.extract(Array("\u{FEFF}\n  First line  \nsecond".utf8), fileName: "x.txt")
        else {
            Issue.record("extraction failed")
            return
        }
        #expect(md.title == "The Title")
        #expect(txt.title == "First line")
    }

    @Test func badFilesAreRejectedWithAReason() {
        #expect(TextExtractor.extract([0x41, 0x00, 0x42], fileName: "a.txt") == .failure(.binary))
        #expect(TextExtractor.extract([0x41, 0xC3, 0x28], fileName: "a.txt") == .failure(.invalidUTF8(offset: 1)))
        #expect(TextExtractor.extract([0xED, 0xA0, 0x80], fileName: "a.txt") == .failure(.invalidUTF8(offset: 0)))
        #expect(TextExtractor.extract(Array(" \n\t".utf8), fileName: "a.txt") == .failure(.empty))
    }

    @Test func walkerSkipsHiddenUnknownAndIgnoredFiles() throws {
        let dir = TemporaryDirectory()
        try dir.write("b.txt", "b")
        try dir.write("a/c.md", "c")
        try dir.write("a/d.HTML", "<p>d</p>")
        try dir.write(".hidden.txt", "h")
        try dir.write(".git/e.txt", "e")
        try dir.write("image.png", [0x89, 0x50])
        try dir.write("SOURCES.md", "s")
        try dir.write("drafts/f.txt", "f")
        try dir.write(".loupeignore", "# comment\nSOURCES.md\ndrafts/\n")
        let files = try CorpusWalker.walk(dir.path).files.map(\.relativePath)
        #expect(files == ["a/c.md", "a/d.HTML", "b.txt"])
    }

    @Test func oneBadFileNeverAbortsTheRun() throws {
        let dir = TemporaryDirectory()
        try dir.write("docs/good.txt", "Les soldats sont partis de Gao.")
        try dir.write("docs/binary.txt", [0x00, 0x01, 0x02, 0x03])
        try dir.write("docs/latin1.txt", [0x63, 0x61, 0x66, 0xE9])
        let warnings = Warnings()
        let summary = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", warning: { warnings.add($0) })
        #expect(summary.documents == 1)
        let reasons = Dictionary(uniqueKeysWithValues: warnings.all.map { ($0.path, $0.reason) })
        #expect(reasons["binary.txt"]?.contains("binary") == true)
        #expect(reasons["latin1.txt"]?.contains("UTF-8") == true)
        #expect(summary.skipped.count == 2)
    }

    @Test func missingCorpusIsAClearError() {
        #expect(throws: IndexError.invalidInput("corpus directory not found: /nonexistent/dir")) {
            try IndexBuilder.build(corpus: "/nonexistent/dir", index: NSTemporaryDirectory() + "/unused-index")
        }
    }
}

final class Warnings: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [SkippedFile] = []
    func add(_ s: SkippedFile) { lock.lock(); items.append(s); lock.unlock() }
    var all: [SkippedFile] { lock.lock(); defer { lock.unlock() }; return items }
}
