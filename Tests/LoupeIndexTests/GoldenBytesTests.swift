import Foundation
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeRead
@testable import LoupeStorage

/// The format's bytes, pinned: a tiny index built from fixed input must have exactly the bytes
/// checked in under `Golden/` (as hex dumps), so any change to what is written shows up here and
/// must be documented in docs/FORMAT.md (and bump the format version). After a deliberate change,
/// `LOUPE_UPDATE_GOLDEN=1 swift test --filter GoldenBytesTests` rewrites the dumps.
@Suite struct GoldenBytesTests {
    static let goldenDirectory = repositoryRoot() + "/Tests/LoupeIndexTests/Golden"

    /// Five small documents in three languages and three formats, with fixed modification times.
    func fixedCorpus(_ dir: TemporaryDirectory) throws -> String {
        let files: [(String, String)] = [
            ("en/army.txt", "The Army left Mali in 2022.\nSoldiers of the French army crossed the Niger river.\n"),
            ("es/ejercito.md", "# El ejército\n\nLos soldados del ejército llegaron a México. Ataques en la frontera.\n"),
            ("fr/armee.txt", "L’armée française a quitté le Mali.\nLes soldats de l’armée sont partis en 2022.\n"),
            ("fr/ecoles.html", "<html><head><title>Écoles du Sahel</title></head><body><p>Des écoles fermées &amp; des élèves déplacés.</p></body></html>\n"),
            ("notes.txt", "Côte d’Ivoire, O.N.U., naïve café, ﬁnance.\n"),
        ]
        for (i, (path, text)) in files.enumerated() {
            try dir.write("corpus/" + path, text)
            let modified = Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 86_400)
            try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: dir.path + "/corpus/" + path)
        }
        return dir.path + "/corpus"
    }

    /// `name`'s bytes as lines of 16 hex bytes after their offset.
    static func hexDump(_ name: String, _ bytes: [UInt8]) -> String {
        var out = "== \(name) (\(bytes.count) bytes)\n"
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let row = bytes[start..<min(start + 16, bytes.count)].map { String($0, radix: 16).leftPadded(2) }
            out += String(start, radix: 16).leftPadded(8) + "  " + row.joined(separator: " ") + "\n"
        }
        return out
    }

    /// Compares `actual` with the checked-in dump `file` (or rewrites it, when asked to).
    func expectGolden(_ file: String, _ actual: String) throws {
        let path = Self.goldenDirectory + "/" + file
        if ProcessInfo.processInfo.environment["LOUPE_UPDATE_GOLDEN"] != nil {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        guard expected != actual else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false), e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
        Issue.record("""
            \(file) differs from the bytes now written, first at line \(first + 1):
              expected: \(first < e.count ? String(e[first]) : "(end)")
              actual:   \(first < a.count ? String(a[first]) : "(end)")
            A format change must be documented in docs/FORMAT.md; then rewrite the dumps with LOUPE_UPDATE_GOLDEN=1.
            """)
    }

    @Test func segmentFilesHaveTheCheckedInBytes() throws {
        let dir = TemporaryDirectory()
        let corpus = try fixedCorpus(dir)
        let index = dir.path + "/index"
        // One thread: with more, the store's blocks follow which worker read which chunk.
        let summary = try IndexBuilder.build(corpus: corpus, index: index, options: IndexOptions(threads: 1))
        #expect(summary.documents == 5 && summary.segments == 1)
        let manifest = try IndexDirectory(path: index).readManifest()
        #expect(manifest.generation == 1 && manifest.segments.map(\.name) == ["s1_1_0"])
        var dump = ""
        for kind in IndexFile.Kind.segmentKinds {
            let name = "s1_1_0." + kind.fileExtension
            dump += Self.hexDump(name, Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + name))))
        }
        try expectGolden("segment.hex", dump)
        #expect(try IndexChecker.check(path: index).documents == 5)
    }

    /// A deletions file: the fixed corpus indexed, one file removed, then updated.
    @Test func deletionsFileHasTheCheckedInBytes() throws {
        let dir = TemporaryDirectory()
        let corpus = try fixedCorpus(dir)
        let index = dir.path + "/index"
        _ = try IndexBuilder.build(corpus: corpus, index: index, options: IndexOptions(threads: 1))
        let files = try FileManager.default.subpathsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".txt") || $0.hasSuffix(".md") || $0.hasSuffix(".html") }.sorted()
        try FileManager.default.removeItem(atPath: corpus + "/" + files[0])
        guard case .updated = try IndexBuilder.update(corpus: corpus, index: index, options: IndexOptions(threads: 1)) else {
            Issue.record("expected an incremental update")
            return
        }
        let manifest = try IndexDirectory(path: index).readManifest()
        #expect(manifest.segments.map(\.name) == ["s1_1_0"] && manifest.segments[0].deletedDocs == 1)
        let name = try #require(manifest.segments[0].deletionsFileName)
        #expect(name == "s1_1_0_2.del")
        try expectGolden("deletions.hex", Self.hexDump(name, Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + name)))))
        #expect(try IndexChecker.check(path: index).deleted == 1)
    }

    /// The manifest holds the commit time and the corpus's absolute path, so its golden bytes come
    /// from fixed values written through the same writer a commit uses.
    @Test func manifestHasTheCheckedInBytes() throws {
        let dir = TemporaryDirectory()
        let manifest = Manifest(generation: 2, segments: [Manifest.Segment(name: "s1_1_0", docCount: 5, totalTokens: 62),
                                                          Manifest.Segment(name: "s2_1_0", docCount: 3, totalTokens: 40, deletedDocs: 1,
                                                                           deletedTokens: 12, deletionsGeneration: 2)],
                                sourceRoot: "/tmp/corpus", createdAt: 1_700_000_000,
                                skipped: [Manifest.SkippedFile(path: "a.txt", size: 0, modified: 1_700_000_000, reason: "empty")],
                                partial: [Manifest.PartialFile(path: "b.pdf", reason: "cut")], settings: ["ocr": "fra"])
        let directory = IndexDirectory(path: dir.path)
        try directory.commit(manifest)
        try expectGolden("manifest.hex", Self.hexDump("manifest", Array(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/manifest")))))
        #expect(try directory.readManifest() == manifest)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
