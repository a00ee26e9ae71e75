import Foundation
import LoupeIndex
import LoupeSearch
import Testing

/// Seeded fuzzing of every reader: the index's files — each kind, mutated (bits flipped, bytes
/// overwritten, ranges zeroed, copied, cut or inserted), with the frame's footer and checksum
/// made valid again in most cases so that the body's parser, not the checksum, meets the damage
/// — and documents of every format through their extractors. Every failure must be a typed error
/// (`IndexError`, `ExtractionFailure`); a crash or a hang fails the run.
///
/// `make test` runs a slice; `make fuzz` sets `LOUPE_FUZZ_SCALE=20` (10,000 mutated index files,
/// 6,000 mutated documents; `QueryLanguageTests.parserNeverCrashes` then runs 100,000 queries).
@Suite struct FuzzTests {
    static var scale: Int { max(1, Int(ProcessInfo.processInfo.environment["LOUPE_FUZZ_SCALE"] ?? "") ?? 1) }

    /// One of the mutations, chosen by `rng`.
    static func mutate(_ original: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var bytes = original
        guard !bytes.isEmpty else { return (0..<rng.below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        let interesting: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x0A]
        for _ in 0..<(1 + rng.below(3)) {
            guard !bytes.isEmpty else { break }
            let at = rng.below(bytes.count)
            switch rng.below(7) {
            case 0: bytes[at] ^= UInt8(1 << rng.below(8))
            case 1: bytes[at] = interesting[rng.below(interesting.count)]
            case 2: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 3:
                let end = min(bytes.count, at + 1 + rng.below(64))
                for i in at..<end { bytes[i] = 0 }
            case 4:
                let from = rng.below(bytes.count), length = min(1 + rng.below(32), bytes.count - max(at, from))
                if length > 0 { bytes.replaceSubrange(at..<(at + length), with: bytes[from..<(from + length)]) }
            case 5: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(256)))
            default: bytes.insert(contentsOf: (0..<(1 + rng.below(32))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            }
        }
        return bytes
    }

    /// `bytes` with a valid footer for its length: magic, length and CRC32C (a mutation the frame
    /// checks cannot see).
    static func refooted(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= IndexFile.headerSize + IndexFile.footerSize else { return bytes }
        var out = bytes
        let footer = out.count - IndexFile.footerSize
        out.replaceSubrange(footer..<(footer + 4), with: Array("PUOL".utf8))
        for i in 0..<8 { out[footer + 4 + i] = UInt8(truncatingIfNeeded: UInt64(out.count) >> (8 * UInt64(i))) }
        let crc = CRC32C.checksum(Array(out[..<(out.count - 4)]))
        for i in 0..<4 { out[out.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        return out
    }

    /// Everything a reader of the damaged index does: open (with and without checksums), walk
    /// every term's postings and positions, every document's record and text, and search.
    static func exercise(_ index: String) throws {
        for verify in [false, true] {
            let reader = try IndexReader(path: index, verifyChecksums: verify)
            for segment in reader.segments {
                try segment.terms.forEach { _, info in
                    let it = try segment.postings(info)
                    var steps = 0
                    while try it.next() != PostingsIterator.exhausted, steps < 100_000 {
                        _ = try it.positions()
                        steps += 1
                    }
                    return true
                }
                for doc in 0..<segment.docCount {
                    let record = try segment.documents.record(doc)
                    _ = try segment.store.text(of: record)
                }
            }
            let searcher = try Searcher(reader: reader)
            for query in ["soldats", "army OR niger", "\"the soldiers\"", "sold*", "armee~1", "title:mali"] {
                _ = try searcher.respond(to: query, k: 5, passages: 2)
            }
        }
    }

    @Test func damagedIndexFilesGiveIndexErrors() throws {
        let dir = TemporaryDirectory()
        try FuzzCorpus.write(in: dir, documents: 60, seed: 5)
        let index = dir.path + "/index"
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: IndexOptions(threads: 1))
        // A second segment and a deletions file: edit and add files, then update.
        try dir.write("docs/en/doc3.txt", "Title changed\nthe soldiers left the city of niger\n")
        try dir.write("docs/fr/nouveau.txt", "Les soldats de l’armée ont quitté la ville.\n")
        _ = try IndexBuilder.update(corpus: dir.path + "/docs", index: index)
        let names = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0 != "write.lock" }.sorted()
        #expect(names.contains { $0.hasSuffix(".del") } && names.contains("manifest"))
        let originals = try names.map { Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + $0))) }
        var rng = SplitMix(seed: 2026)
        var caught = 0, survived = 0
        let cases = 500 * Self.scale
        for n in 0..<cases {
            let f = rng.below(names.count)
            let path = index + "/" + names[f]
            var damaged = Self.mutate(originals[f], &rng)
            if rng.below(4) != 0 { damaged = Self.refooted(damaged) }
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            do {
                try Self.exercise(index)
                survived += 1
            } catch is IndexError {
                caught += 1
            } catch is QuerySyntaxError {
                caught += 1
            } catch {
                Issue.record("case \(n), \(names[f]) damaged: \(type(of: error)) \(error)")
            }
            do { _ = try IndexChecker.check(path: index) } catch is IndexError {} catch {
                Issue.record("case \(n): check threw \(type(of: error)) \(error)")
            }
            try Data(originals[f]).write(to: URL(fileURLWithPath: path))
        }
        print("fuzz: \(cases) damaged index files: \(caught) typed errors, \(survived) read without error")
        #expect(caught + survived == cases && caught > cases / 2)
        try Self.exercise(index)
    }

    @Test func damagedDocumentsGiveExtractionFailures() throws {
        let root = repositoryRoot()
        let samples = ["Corpus/fr/niger-fleuve-sahel.docx", "Corpus/es/lago-chad.odt", "Corpus/fr/routes-sel.pptx",
                       "Corpus/en/djenne-great-mosque.epub", "Tests/Fixtures/pdf/carnet-sahel.pdf"]
        var files = try samples.map { ($0, Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + $0)))) }
        let text = try listFiles(root + "/Corpus").filter { $0.hasSuffix(".html") || $0.hasSuffix(".md") || $0.hasSuffix(".txt") }.sorted().prefix(6)
        files += try text.map { ($0, Array(try Data(contentsOf: URL(fileURLWithPath: $0)))) }
        var rng = SplitMix(seed: 77)
        var extracted = 0, refused = 0
        let cases = 300 * Self.scale
        for _ in 0..<cases {
            let (name, original) = files[rng.below(files.count)]
            // PDFs go through a helper process (milliseconds each): one case in five.
            if name.hasSuffix(".pdf") && rng.below(5) != 0 { continue }
            switch ExtractorRegistry.standard.extract(Self.mutate(original, &rng), fileName: name) {
            case .success(let document):
                if String(validating: document.text, as: UTF8.self) == nil {
                    Issue.record("\(name) damaged: the extracted text is not UTF-8")
                }
                extracted += 1
            case .failure:
                refused += 1
            }
        }
        print("fuzz: \(extracted + refused) damaged documents: \(extracted) extracted, \(refused) refused with a reason")
        #expect(extracted + refused > cases / 2)
    }
}

/// The fuzzed index's documents: the three languages, with titles and names.
enum FuzzCorpus {
    static func write(in dir: TemporaryDirectory, documents: Int, seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let words = [["the", "soldiers", "left", "mali", "niger", "army", "city", "river"],
                     ["les", "soldats", "armée", "l’armée", "quitté", "école", "pays", "Mali"],
                     ["los", "niños", "ejército", "México", "frontera", "ataque", "río", "Níger"]]
        for d in 0..<documents {
            let lang = d % 3
            let body = (0..<(5 + rng.below(120))).map { _ in words[lang][rng.below(words[lang].count)] }.joined(separator: " ")
            try dir.write("docs/\(["en", "fr", "es"][lang])/doc\(d).txt", "Title \(d)\n\(body).\n")
        }
        // One long text (over a store block): its blocks of its own and its checkpoints.
        var lines: [String] = []
        for i in 0..<2_000 {
            if i % 400 == 0 { lines.append("## Partie \(i / 400)") }
            lines.append((0..<(6 + rng.below(12))).map { _ in words[1][rng.below(words[1].count)] }.joined(separator: " ") + ".")
        }
        try dir.write("docs/fr/long.md", lines.joined(separator: "\n") + "\n")
    }
}
