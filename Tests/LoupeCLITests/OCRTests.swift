import Foundation
import LoupeTestSupport
import Testing

/// `loupe index --ocr` on scans made at test time (`scripts/ocr-fixtures.py`: French, Spanish
/// and English sentences rendered with DejaVu Sans to a PNG, a JPEG, a two-page TIFF and an
/// image-only two-page PDF), recognised by the real Tesseract through the real `loupe-ocr`.
@Suite(.serialized) struct OCRTests {
    let cli = CLITests()

    /// The scans, their expected words, and an index of them built with `--ocr`.
    final class Scans: Sendable {
        let dir = TemporaryDirectory()
        var corpus: String { dir.path + "/scans" }
        var index: String { dir.path + "/index" }
        /// File → [(page, words)].
        let expected: [String: [(page: Int, words: [String])]]
        let firstRun: CLITests.Run

        init() throws {
            let make = Process()
            make.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            make.arguments = [repositoryRoot() + "/scripts/ocr-fixtures.py", dir.path + "/scans"]
            try make.run()
            make.waitUntilExit()
            guard make.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/scans/expected.json"))) as? [String: [[String: Any]]] ?? [:]
            try FileManager.default.removeItem(atPath: dir.path + "/scans/expected.json")
            var expected: [String: [(page: Int, words: [String])]] = [:]
            for (file, pages) in json {
                expected[file] = pages.map { ($0["page"] as? Int ?? 0, $0["words"] as? [String] ?? []) }
            }
            self.expected = expected
            try "Un texte ordinaire, sans scan.\n".write(toFile: dir.path + "/scans/notes.txt", atomically: true, encoding: .utf8)
            firstRun = try CLITests().loupe(["index", dir.path + "/scans", "--index", dir.path + "/index", "--ocr"])
        }
    }

    static let scans = Result { try Scans() }

    func hits(_ query: String, index: String) throws -> [[String: Any]] {
        let run = try cli.loupe(["search", query, "--json", "-k", "5", "--index", index])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return object?["hits"] as? [[String: Any]] ?? []
    }

    @Test func everyAccentedWordAndNameIsFoundInItsFileAndPage() throws {
        let scans = try Self.scans.get()
        #expect(scans.firstRun.status == 0, "\(scans.firstRun.stderr)")
        #expect(scans.firstRun.stdout.contains("Kinds: image 3, pdf 1, text 1") || scans.firstRun.stdout.contains("image 3"), "\(scans.firstRun.stdout)")
        #expect(scans.firstRun.stdout.contains("OCR: 6 pages (6 recognised"), "\(scans.firstRun.stdout)")
        var checked = 0
        for (file, pages) in scans.expected.sorted(by: { $0.key < $1.key }) {
            let paged = file.hasSuffix(".pdf") || file.hasSuffix(".tiff")
            for (page, words) in pages {
                for word in words {
                    let found = try hits(word, index: scans.index).first { $0["path"] as? String == file }
                    guard let found else {
                        Issue.record("\(word) not found in \(file)")
                        continue
                    }
                    #expect(found["ocr"] as? Bool == true, "\(word) in \(file): not marked OCR")
                    #expect((found["ocr_confidence"] as? Int ?? 0) > 50, "\(word) in \(file): confidence \(found["ocr_confidence"] ?? "none")")
                    if paged { #expect(found["page"] as? Int == page, "\(word) in \(file): page \(found["page"] ?? "none"), expected \(page)") }
                    checked += 1
                }
            }
        }
        #expect(checked == 83, "every expected word, in every file")
        // The text output says where: the page and OCR, and shows the words as recognised.
        let run = try cli.loupe(["search", "l’armée française", "-k", "1", "--index", scans.index])
        #expect(run.stdout.contains("scan-fr.png · fr · OCR"), "\(run.stdout)")
        #expect(run.stdout.contains("armée française"))
        let pdf = try cli.loupe(["search", "Malabo Bioko", "-k", "1", "--index", scans.index, "--passages", "1"])
        #expect(pdf.stdout.contains("scanned.pdf") && pdf.stdout.contains("page 2, OCR"), "\(pdf.stdout)")
        // A plain text file is not OCR.
        let plain = try hits("ordinaire", index: scans.index)
        #expect(plain.first?["path"] as? String == "notes.txt" && plain.first?["ocr"] == nil)
    }

    /// Recognised once: a full rebuild takes every page from the cache (the helper is never run,
    /// as a wrapper that logs its runs shows), and the index is the same.
    @Test func aScanIsRecognisedOnce() throws {
        let scans = try Self.scans.get()
        let log = scans.dir.path + "/helper-runs.log"
        let wrapper = scans.dir.path + "/counting-helper.sh"
        let real = (CLITests.binary as NSString).deletingLastPathComponent + "/loupe-ocr"
        try "#!/bin/sh\necho run >> '\(log)'\nexec '\(real)' \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let env = ["LOUPE_OCR_HELPER": wrapper]
        let again = try cli.loupe(["index", scans.corpus, "--index", scans.index, "--full"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("OCR: 6 pages (0 recognised, 6 from the cache)"), "\(again.stdout)")
        let runs = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
        #expect(runs == 1, "the helper ran \(runs) times; only its --check should")
        #expect(try hits("Ouagadougou", index: scans.index).first?["path"] as? String == "scan-fr.png")
    }

    /// The index remembers --ocr: an update reads a new scan without being told; --no-ocr drops
    /// the scans; the page limit cuts a document, which stats and status list.
    @Test func theSettingIsRememberedAndLimitsAreListed() throws {
        let scans = try Self.scans.get()
        let fixture = CLITests.Fixture()
        let corpus = fixture.dir.path + "/docs"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: scans.corpus + "/scanned.pdf", toPath: corpus + "/scanned.pdf")
        let first = try cli.loupe(["index", corpus, "--index", fixture.index, "--ocr", "--ocr-max-pages", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("scanned.pdf: indexed in part: OCR of the first 1 of 2 pages"), "\(first.stderr)")
        let stats = try cli.loupe(["stats", "--index", fixture.index])
        #expect(stats.stdout.contains("ocr:        fra+spa+eng") && stats.stdout.contains("scanned.pdf: OCR of the first 1 of 2 pages"), "\(stats.stdout)")
        let status = try cli.loupe(["status", "--json", "--index", fixture.index])
        let partial = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["partial"] as? [[String: String]]
        #expect(partial?.first?["path"] == "scanned.pdf", "\(status.stdout)")
        #expect(try hits("Malabo", index: fixture.index).isEmpty, "page 2 was past the limit")

        // A new scan, then `loupe index` with no OCR flag: the index's setting reads it.
        try FileManager.default.copyItem(atPath: scans.corpus + "/scan-fr.png", toPath: corpus + "/scan-fr.png")
        let update = try cli.loupe(["index", corpus, "--index", fixture.index])
        #expect(update.status == 0, "\(update.stderr)")
        #expect(try hits("Ouagadougou", index: fixture.index).first?["path"] as? String == "scan-fr.png", "\(update.stdout)")

        // --no-ocr: the scans leave the index (a scanned PDF is skipped, images are not listed).
        let off = try cli.loupe(["index", corpus, "--index", fixture.index, "--no-ocr"])
        #expect(off.status == 0 && off.stdout.contains("scanned.pdf (no text layer"), "\(off.stdout) \(off.stderr)")
        #expect(try hits("Ouagadougou", index: fixture.index).isEmpty)
        #expect(try cli.loupe(["stats", "--index", fixture.index]).stdout.contains("ocr:") == false)
    }

    /// Without Tesseract or a language's data, --ocr fails at once, naming the packages.
    @Test func missingTesseractFailsAtOnceNamingThePackages() throws {
        let fixture = CLITests.Fixture()
        try "texte\n".write(toFile: fixture.dir.path + "/a.txt", atomically: true, encoding: .utf8)
        let noHelper = try cli.loupe(["index", fixture.dir.path, "--index", fixture.index, "--ocr"],
                                     environment: ["LOUPE_OCR_HELPER": fixture.dir.path + "/no-such-helper"])
        #expect(noHelper.status == 2)
        #expect(noHelper.stderr.contains("tesseract-ocr tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-eng"), "\(noHelper.stderr)")
        #expect(noHelper.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: fixture.index + "/manifest"))
        let noLanguage = try cli.loupe(["index", fixture.dir.path, "--index", fixture.index, "--ocr-lang", "fra+zzz"])
        #expect(noLanguage.status == 2)
        #expect(noLanguage.stderr.contains("tesseract-ocr-zzz"), "\(noLanguage.stderr)")
        let bad = try cli.loupe(["index", fixture.dir.path, "--index", fixture.index, "--ocr-lang", "fra;rm"])
        #expect(bad.status == 64 && bad.stderr.contains("--ocr-lang"), "\(bad.stderr)")
    }

    /// A page past its time limit (a helper that says so) is skipped with a warning naming the
    /// file and page; the rest of the document is indexed and listed as indexed in part.
    @Test func aSlowPageIsSkippedWithAWarning() throws {
        let scans = try Self.scans.get()
        let fixture = CLITests.Fixture()
        let corpus = fixture.dir.path + "/docs"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: scans.corpus + "/scanned.pdf", toPath: corpus + "/scanned.pdf")
        let helper = fixture.dir.path + "/slow-helper.sh"
        try """
            #!/bin/sh
            case "$*" in *--check*) exit 0;; esac
            cat > /dev/null
            printf 'loupe-ocr 1\\npages 2\\n\\npage 1 88 28\\nLes archives de Ségou, 1890\\nskip 2 took longer than 60 s\\nend\\n'
            """.write(toFile: helper, atomically: true, encoding: .utf8)
        chmod(helper, 0o755)
        let run = try cli.loupe(["index", corpus, "--index", fixture.index, "--ocr"], environment: ["LOUPE_OCR_HELPER": helper])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("scanned.pdf: indexed in part: OCR skipped page 2: took longer than 60 s"), "\(run.stderr)")
        let found = try hits("Ségou", index: fixture.index).first
        #expect(found?["page"] as? Int == 1 && found?["ocr_confidence"] as? Int == 88)
        #expect(try cli.loupe(["stats", "--index", fixture.index]).stdout.contains("OCR skipped page 2"))
    }
}
