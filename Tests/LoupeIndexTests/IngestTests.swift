import Foundation
import LoupeAnalysis
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeIngest
@testable import LoupeRead
@testable import LoupeStorage

@Suite struct IngestTests {
    @Test func htmlTextAndTitleAreExtractedWithoutScriptsOrStyles() throws {
        let html = """
            <!DOCTYPE html><html><head><title>L&rsquo;arm&eacute;e &amp; le Mali</title>
            <style>.x { color: red } zzstylezz</style><script>var zzscriptzz = 1;</script></head>
            <body><h1>Heading</h1><p>Premier&nbsp;paragraphe &#8217;ok&#x27;.</p><!-- zzcommentzz --><p>Second</p></body></html>
            """
        guard case .success(let doc) = ExtractorRegistry.standard.extract(Array(html.utf8), fileName: "a.html") else {
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
        guard case .success(let md) = ExtractorRegistry.standard.extract(Array("\n\nsome intro\n# The Title\nbody".utf8), fileName: "x.md"),
              case .success(let txt) = ExtractorRegistry.standard.extract(Array("\u{FEFF}\n  First line  \nsecond".utf8), fileName: "x.txt")
        else {
            Issue.record("extraction failed")
            return
        }
        #expect(md.title == "The Title")
        #expect(txt.title == "First line")
    }

    /// Markdown is indexed as its text: no emphasis or code marks, links and images as their text
    /// (never their URLs), no list or quote markers, headings as `# Title` (the marks are not
    /// words; shown text leaves them out) — and one line per source line.
    @Test func markdownLosesItsMarkupButKeepsItsLines() throws {
        let source = """
            # Lake **Chad** report ##

            *Explainer* — see [the map](http://example.com/map "Map") and ![a photo](img/p.png).

            - The **Chari** river, `code`, snake_case_word and ~~old~~ news
            2. First [ref link][r1], escaped \\*star\\*
            > > quoted _emphasis_ text
            | Col A | Col B |
            |---|:---:|
            ```
            let a = *b*
            ```
            [r1]: http://ref.example.org/
            <https://auto.example.net> and <b>bold</b>
            ***
            """
        guard case .success(let md) = ExtractorRegistry.standard.extract(Array(source.utf8), fileName: "a.md") else {
            Issue.record("not extracted")
            return
        }
        let lines = String(decoding: md.text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines == [
            "# Lake Chad report", "", "Explainer — see the map and a photo.", "",
            "The Chari river, code, snake_case_word and old news", "First ref link, escaped *star*", "quoted emphasis text",
            "  Col A   Col B  ", "", "", "let a = *b*", "", "", "https://auto.example.net and bold", "",
        ])
        #expect(md.title == "Lake Chad report")
    }

    @Test func badFilesAreRejectedWithAReason() {
        #expect(ExtractorRegistry.standard.extract([0x41, 0x00, 0x42], fileName: "a.txt") == .failure(.binary))
        #expect(ExtractorRegistry.standard.extract(Array(" \n\t".utf8), fileName: "a.txt") == .failure(.empty))
        // Bytes that are not UTF-8 are text in another charset, not a reason to skip the file.
        for bytes: [UInt8] in [[0x41, 0xC3, 0x28], [0xED, 0xA0, 0x80]] {
            guard case .success(let document) = ExtractorRegistry.standard.extract(bytes, fileName: "a.txt") else {
                Issue.record("\(bytes) not decoded")
                continue
            }
            #expect(TextDecoding.firstInvalidUTF8(document.text[...]) == nil)
        }
    }

    /// Text files in legacy encodings are decoded to UTF-8, and say which encoding they were in.
    @Test func legacyEncodingsAreDecodedAndNamed() throws {
        let french = "Les élèves de l’école française ont visité le château. Ça coûte 20 € : déjà, où, garçon, cœur.\n"
        let plain = "Les élèves de l'école française ont visité le château. Ça coûte cher : déjà, où, garçon.\n"
        func decoded(_ data: Data?) -> (String, String)? {
            guard let data, case .success(let d) = ExtractorRegistry.standard.extract(Array(data), fileName: "a.txt") else { return nil }
            return (String(decoding: d.text, as: UTF8.self), d.charset)
        }
        // ’, € and œ are in Windows-1252's 0x80–0x9F.
        #expect(decoded(french.data(using: .windowsCP1252))?.0 == french)
        #expect(decoded(french.data(using: .windowsCP1252))?.1 == "windows-1252")
        let latin1 = try #require(decoded(plain.data(using: .isoLatin1)))
        #expect(latin1.0 == plain)
        #expect(["ISO-8859-1", "windows-1252"].contains(latin1.1), "\(latin1.1)")
        let spanish = "El niño español comió paella con la señorita García. ¿Cuánto cuesta? Mañana será otro día.\n"
        #expect(decoded(spanish.data(using: .isoLatin1))?.0 == spanish)
        // UTF-16 with a byte order mark either way, and little-endian without one.
        #expect(decoded(Data([0xFF, 0xFE]) + french.data(using: .utf16LittleEndian)!)?.0 == french)
        #expect(decoded(Data([0xFF, 0xFE]) + french.data(using: .utf16LittleEndian)!)?.1 == "UTF-16LE")
        #expect(decoded(Data([0xFE, 0xFF]) + french.data(using: .utf16BigEndian)!)?.0 == french)
        #expect(decoded(plain.data(using: .utf16LittleEndian))?.0 == plain)
        #expect(decoded(plain.data(using: .utf16BigEndian))?.1 == "UTF-16BE")
        // UTF-8 with one bad byte stays UTF-8: the byte becomes U+FFFD, the accents stay.
        let damaged = Array(french.utf8.prefix(40)) + [0xE9] + Array(french.utf8.dropFirst(40))
        let repaired = try #require(decoded(Data(damaged)))
        #expect(repaired.1 == "UTF-8")
        #expect(repaired.0.contains("élèves") && repaired.0.contains("\u{FFFD}") && repaired.0.contains("château"))
        // Binary stays binary.
        #expect(ExtractorRegistry.standard.extract([0x00, 0x01, 0xFF, 0x00, 0x10, 0x80, 0x00, 0x00, 0x07, 0x00], fileName: "a.txt") == .failure(.binary))
    }

    @Test func oneScanDecidesBinaryBlankAndValidAtEveryPosition() {
        // A NUL in the first 8 KiB marks a binary file, wherever it falls in the 8-byte steps; past
        // 8 KiB it is text. White space alone is empty; one visible byte anywhere makes it text.
        for offset in [0, 1, 7, 8, 15, 4096, 8191] {
            var bytes = [UInt8](repeating: 0x61, count: 9000)
            bytes[offset] = 0
            #expect(ExtractorRegistry.standard.extract(bytes, fileName: "a.txt") == .failure(.binary), "NUL at \(offset)")
        }
        var late = [UInt8](repeating: 0x61, count: 9000)
        late[8192] = 0
        #expect(ExtractorRegistry.standard.extract(late, fileName: "a.txt").map(\.text) == .success(late))
        for offset in [0, 7, 8, 100, 8191, 8192, 20000] {
            var bytes = [UInt8](repeating: 0x20, count: 20001)
            #expect(ExtractorRegistry.standard.extract(bytes, fileName: "a.txt") == .failure(.empty))
            bytes[offset] = 0x78
            #expect(ExtractorRegistry.standard.extract(bytes, fileName: "a.txt").map(\.text) == .success(bytes), "x at \(offset)")
        }
        var accented = Array(String(repeating: "é", count: 10).utf8) + [0xC3]
        // A cut-off last character: UTF-8 all the same, the cut one replaced.
        #expect(ExtractorRegistry.standard.extract(accented, fileName: "a.txt").map(\.title) == .success("éééééééééé\u{FFFD}"))
        accented.removeLast()
        #expect(ExtractorRegistry.standard.extract(accented, fileName: "a.txt").map(\.title) == .success("éééééééééé"))
    }

    @Test func titlesAreTrimmedAndCutAsCharacters() {
        func title(_ text: String, _ name: String = "a.txt") -> String? {
            guard case .success(let doc) = ExtractorRegistry.standard.extract(Array(text.utf8), fileName: name) else { return nil }
            return doc.title
        }
        #expect(title(" \t \r\n\t  Le Mali \t\r\nsuite") == "Le Mali")
        // A combining mark after the leading space makes one character with it: kept, as String trimming does.
        #expect(title(" \u{301}a") == " \u{301}a")
        #expect(title(String(repeating: "a", count: 200)) == String(repeating: "a", count: 200))
        #expect(title(String(repeating: "é", count: 300)) == String(repeating: "é", count: 200))
        #expect(title(String(repeating: "e\u{301}", count: 150)) == String(repeating: "e\u{301}", count: 150))
        #expect(title("<title>T</title><p>x</p>", "PAGE.HTM") == "T")
        #expect(title("# Titre\ncorps", "notes.MarkDown") == "Titre")
        #expect(title("# Titre\ncorps", "notes.txt") == "# Titre")
    }

    @Test func filesAreReadWholeWhateverTheirSize() throws {
        let dir = TemporaryDirectory()
        for size in [0, 1, 4095, 4096, 4097, 200_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try dir.write("f\(size).txt", bytes)
            let opened = try CorpusWalker.read(dir.path + "/f\(size).txt", sizeLimit: .max)
            #expect(opened.bytes == bytes)
            #expect(opened.size == size)
        }
        #expect(try CorpusWalker.read(dir.path + "/f4097.txt", sizeLimit: 4096).bytes == nil)
    }

    @Test func walkFindsFilesInByteWisePathOrder() throws {
        let dir = TemporaryDirectory()
        // `-` < `.` < `/` < `0` < `A` < `_` < `a` < `é`: a directory's files come where its name
        // followed by `/` sorts, not where its bare name does.
        let paths = ["a.txt", "a/b.txt", "a/a/z.txt", "a-b.txt", "a0.txt", "A.txt", "_.txt", "é.txt", "a/b/c.txt", "a.b/x.txt", "b/a.txt", "ab.txt"]
        for (i, path) in paths.enumerated() { try dir.write(path, "file \(i)") }
        let walked = try CorpusWalker.walk(dir.path, statFiles: false).files.map(\.relativePath)
        #expect(walked == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func filesReadThroughKeptDirectoriesMatchFilesReadByPath() throws {
        let dir = TemporaryDirectory()
        for d in 0..<5 { for f in 0..<3 { try dir.write("d\(d)/f\(f).txt", "directory \(d), file \(f)") } }
        // Room for two directories: the other three's files are read by their absolute path.
        let handles = DirectoryHandles(capacity: 2)
        var files: [CorpusFile] = []
        _ = try CorpusWalker.walk(dir.path, statFiles: false, directories: handles) { files.append($0) }
        #expect(files.count == 15)
        #expect(files.filter { $0.directory >= 0 }.count == 6)
        for file in files {
            #expect(try CorpusWalker.read(file, in: handles, sizeLimit: .max).bytes == CorpusWalker.read(file.absolutePath))
        }
    }

    /// Descriptors the process has open on files under `directory` (other tests run meanwhile).
    func openDescriptors(under directory: String) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd)
            return target?.hasPrefix(directory + "/") == true
        }.count
    }

    @Test(arguments: [0, 1, 3])
    func prefetchedFilesReadAsFilesReadByPathAndNoneStaysOpen(prefetchChunks: Int) throws {
        let dir = TemporaryDirectory()
        for d in 0..<6 { for f in 0..<7 { try dir.write("d\(d)/f\(f).txt", "directory \(d), file \(f)") } }
        do {
            let feed = try CorpusFeed(root: dir.path, filesPerChunk: 4, prefetchChunks: prefetchChunks)
            // The files are cached: start the prefetch as a read from the disk would.
            feed.noteUncachedRead()
            var paths: [String] = []
            // Every chunk read whole, in order (the prefetch stays `prefetchChunks` ahead).
            var index = 0
            while let files = feed.chunk(index) {
                for file in files {
                    paths.append(file.relativePath)
                    #expect(try CorpusWalker.read(file, in: feed.directories, sizeLimit: .max).bytes == CorpusWalker.read(file.absolutePath))
                }
                index += 1
            }
            #expect(paths.count == 42)
            #expect(paths == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            guard case .success(let walked) = feed.finish() else { throw IndexError.invalidInput("walk failed") }
            // Each directory's 7 files as a chunk of 4 and one of 3: the walk hands out the files it
            // holds before it reads the next directory.
            #expect(walked.files == 42 && walked.chunks == 12)
        }
        // The directories the walk kept are closed with it too.
        #expect(try openDescriptors(under: dir.path) == 0)
        // A build that stops early: chunks taken and dropped, chunks never taken.
        do {
            let feed = try CorpusFeed(root: dir.path, filesPerChunk: 4, prefetchChunks: prefetchChunks)
            feed.noteUncachedRead()
            // Time for the prefetch to open what its window allows, so that there is some to close.
            usleep(20_000)
            if let first = feed.chunk(0) { CorpusFeed.close(first) }
            _ = feed.chunk(2).map { CorpusFeed.close($0) }
            _ = feed.finish()
        }
        #expect(try openDescriptors(under: dir.path) == 0)
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
        #expect(summary.documents == 2)  // the Latin-1 file is read as such
        let reasons = Dictionary(uniqueKeysWithValues: warnings.all.map { ($0.path, $0.reason) })
        #expect(reasons["binary.txt"]?.contains("binary") == true)
        #expect(reasons["latin1.txt"] == nil)
        #expect(summary.skipped.count == 1)
    }

    @Test func missingCorpusIsAClearError() {
        #expect(throws: IndexError.corpusNotFound(path: "/nonexistent/dir")) {
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

/// An HTML page's `<meta>` description and keywords are indexed (a line each, after the text),
/// and its `lang` decides the language when the text cannot.
@Suite struct HTMLMetadataTests {
    @Test func metaTextAndLanguageHint() throws {
        let page = """
            <!DOCTYPE html><html lang="es-MX"><head><title>Nota</title>
            <meta name="description" content="Crónica de la sequía &amp; el agua">
            <meta name=keywords content='Yucatán, cenotes'>
            <meta property="og:title" content="ignored"></head>
            <body><p>Pozos.</p></body></html>
            """
        let document = try HTMLExtractor().extract(Array(page.utf8), fileName: "nota.html").get()
        let text = String(decoding: document.text, as: UTF8.self)
        #expect(text.hasSuffix("\nCrónica de la sequía & el agua\nYucatán, cenotes"), "\(text)")
        #expect(!text.contains("ignored"))
        #expect(document.languageHint == "es")
        // Too little text to detect: the hint is the document's language.
        let dir = TemporaryDirectory()
        try dir.write("docs/nota.html", page)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        #expect(try IndexReader(path: dir.path + "/index").record(0).language == Language.spanish.rawValue)
        // Already in the text: not repeated.
        let again = try HTMLExtractor().extract(Array("<html><head><meta name=description content=\"Pozos.\"></head><body><p>Pozos.</p></body></html>".utf8),
                                                fileName: "b.html").get()
        #expect(String(decoding: again.text, as: UTF8.self) == "Pozos.")
    }
}

/// Progress reports: with `measureTotal` the walk stats files, so reports carry the bytes found;
/// without, they do not (no stat per file).
@Suite struct ProgressTotalTests {
    @Test func progressKnowsTheTotalBytesWhenAsked() throws {
        let dir = TemporaryDirectory()
        var total = 0
        for i in 0..<300 {
            let text = "Document \(i) " + String(repeating: "sahel niger fleuve ", count: 50 + i)
            total += text.utf8.count
            try dir.write("docs/d\(i).txt", text)
        }
        final class Reports: @unchecked Sendable {
            let lock = NSLock()
            var all: [IndexProgress] = []
            func add(_ p: IndexProgress) { lock.lock(); all.append(p); lock.unlock() }
        }
        for measure in [true, false] {
            let reports = Reports()
            var options = IndexOptions(threads: 2, filesPerChunk: 4)
            options.measureTotal = measure
            _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index-\(measure)", options: options,
                                       progress: { reports.add($0) })
            let last = try #require(reports.all.last)
            #expect(last.bytesDone == total)
            #expect(reports.all.allSatisfy { ($0.bytesTotal != nil) == measure || $0.phase == .merging })
            if measure {
                #expect(reports.all.compactMap(\.bytesTotal).max() == total)
                #expect(reports.all.allSatisfy { p in p.bytesTotal.map { p.bytesDone <= $0 } ?? true })
            }
        }
    }
}
