import Foundation
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeIngest
@testable import LoupeRead
@testable import LoupeStorage

/// Corrupt files must give `IndexError`, never a crash; commits must never lose the previous index.
@Suite struct DurabilityTests {
    func buildSmallIndex(_ dir: TemporaryDirectory, documents: Int = 400) throws -> String {
        try makeCorpus(in: dir, documents: documents, seed: 21)
        let index = dir.path + "/index"
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: IndexOptions(threads: 1))
        return index
    }

    @Test func flippedBytesInAnyFileAreDetected() throws {
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0 != "write.lock" }.sorted()
        #expect(names.count == 6)
        var rng = SplitMix(seed: 1)
        for name in names {
            let path = index + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            let offsets = [0, 5, 12, original.count / 2, original.count - 20, original.count - 5, original.count - 1] + (0..<6).map { _ in rng.below(original.count) }
            for offset in offsets {
                var damaged = original
                damaged[offset] ^= UInt8(1 << rng.below(8))
                try damaged.write(to: URL(fileURLWithPath: path))
                #expect(throws: IndexError.self, "flip at \(offset) in \(name)") { _ = try IndexReader(path: index, verifyChecksums: true) }
                #expect(throws: IndexError.self, "check misses a flip at \(offset) in \(name)") { _ = try IndexChecker.check(path: index) }
                if name.hasPrefix("manifest") || offset < 12 || (offset >= original.count - IndexFile.footerSize && offset < original.count - 4) {
                    // The manifest's checksum and every file's frame (magic, kind, version; footer magic and
                    // length) are verified by a plain open.
                    #expect(throws: IndexError.self, "open misses a flip at \(offset) in \(name)") { _ = try IndexReader(path: index) }
                }
            }
            // Truncations.
            for length in [0, 10, original.count / 3, original.count - 1] {
                try original.prefix(length).write(to: URL(fileURLWithPath: path))
                #expect(throws: IndexError.self, "truncated \(name) to \(length)") { _ = try IndexReader(path: index) }
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(try IndexChecker.check(path: index).documents == 400)
    }

    /// Readers bounds-check every offset even when checksums are not verified: damage the bodies
    /// without fixing the CRC, open without verification, and read everything.
    @Test func readersSurviveDamagedBodiesWithoutChecksums() throws {
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir, documents: 300)
        let names = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0.hasPrefix("s") }.sorted()
        var rng = SplitMix(seed: 99)
        for name in names {
            let path = index + "/" + name
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            for _ in 0..<40 {
                var damaged = original
                for _ in 0..<(1 + rng.below(4)) {
                    let offset = IndexFile.headerSize + rng.below(original.count - IndexFile.headerSize - IndexFile.footerSize)
                    damaged[offset] = UInt8(truncatingIfNeeded: rng.next())
                }
                try damaged.write(to: URL(fileURLWithPath: path))
                // Without checksums, every read either throws `IndexError.corrupt` naming a file of the
                // damaged segment, or returns data of the right shape (a flip can land where any value is valid,
                // e.g. inside a stored title): never a crash, never another error, and what comes
                // back stays within the segment's bounds.
                func expectCorruptionOf(_ error: any Error, _ what: String) {
                    guard case IndexError.corrupt(let file, _, _)? = error as? IndexError else {
                        Issue.record("\(what) with \(name) damaged threw \(error)")
                        return
                    }
                    // A damaged dictionary can make sound postings look wrong: the blame stays in the segment.
                    #expect(file.hasPrefix(name.split(separator: ".")[0] + "."), "\(what) blamed \(file), not a file of \(name)'s segment")
                }
                let reader: IndexReader
                do {
                    reader = try IndexReader(path: index, verifyChecksums: false)
                } catch {
                    expectCorruptionOf(error, "opening")
                    continue
                }
                for segment in reader.segments {
                    do {
                        try segment.terms.forEach { _, info in
                            #expect(info.docFreq >= 1 && info.docFreq <= segment.docCount)
                            let it = try segment.postings(info)
                            var previous: Int64 = -1
                            while try it.next() != PostingsIterator.exhausted {
                                #expect(Int64(it.doc) > previous && Int(it.doc) < segment.docCount)
                                previous = Int64(it.doc)
                                let positions = try it.positions()
                                #expect(positions.count == Int(it.freq))
                            }
                            return true
                        }
                    } catch {
                        expectCorruptionOf(error, "reading postings")
                    }
                    for doc in 0..<segment.docCount {
                        do {
                            let record = try segment.documents.record(doc)
                            let text = try segment.store.text(of: record)
                            #expect(text.count == Int(record.textLength))
                        } catch {
                            expectCorruptionOf(error, "reading document \(doc)")
                        }
                    }
                }
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
        #expect(try IndexChecker.check(path: index).documents == 300)
    }

    @Test func reindexingReplacesTheIndexAndRemovesOldSegments() throws {
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir, documents: 60)
        try FileManager.default.removeItem(atPath: dir.path + "/docs/en")
        let summary = try IndexBuilder.build(corpus: dir.path + "/docs", index: index)
        #expect(summary.generation == 2)
        let reader = try IndexReader(path: index)
        #expect(reader.docCount == 40)
        let names = try FileManager.default.contentsOfDirectory(atPath: index)
        #expect(names.allSatisfy { !$0.hasPrefix("s1_") })
        #expect(!names.contains("manifest.tmp"))
    }

    @Test func aCrashBeforeTheManifestSwitchLeavesThePreviousIndexUsable() throws {
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir, documents: 60)
        // What a crash mid-commit leaves: new segment files and a half-written manifest.tmp.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: index + "/s2_0_0.postings"))
        try Data([4, 5]).write(to: URL(fileURLWithPath: index + "/manifest.tmp"))
        let reader = try IndexReader(path: index)
        #expect(reader.docCount == 60)
        #expect(try IndexChecker.check(path: index).documents == 60)
        // The next build picks a fresh generation and cleans up the debris.
        let summary = try IndexBuilder.build(corpus: dir.path + "/docs", index: index)
        #expect(summary.generation == 3)
        let names = try FileManager.default.contentsOfDirectory(atPath: index)
        #expect(!names.contains("s2_0_0.postings") && !names.contains("manifest.tmp"))
    }

    @Test func aFailedBuildKeepsThePreviousIndex() throws {
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir, documents: 60)
        #expect(throws: IndexError.self) { try IndexBuilder.build(corpus: dir.path + "/missing", index: index) }
        #expect(try IndexReader(path: index).docCount == 60)
    }

    @Test func refusesToWriteIntoAForeignDirectory() throws {
        let dir = TemporaryDirectory()
        try makeCorpus(in: dir, documents: 3, seed: 1)
        try dir.write("mine/notes.txt", "precious")
        #expect(throws: IndexError.foreignDirectory(path: dir.path + "/mine", example: "notes.txt")) {
            try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/mine")
        }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/mine/notes.txt"))
    }

    @Test func aSecondWriterIsLockedOut() throws {
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir, documents: 3)
        let lock = try IndexDirectory(path: index).lock()
        // The refusal names the holder, which the lock file records (this process).
        let refusal = #expect(throws: IndexError.self) { try IndexBuilder.build(corpus: dir.path + "/docs", index: index) }
        guard case .locked(let directory, let holder)? = refusal else {
            Issue.record("expected a lock refusal, got \(String(describing: refusal))")
            return
        }
        #expect(directory == index)
        #expect(holder?.hasPrefix("pid \(getpid()): ") == true, "holder: \(holder ?? "none")")
        lock.release()
        #expect(try IndexBuilder.build(corpus: dir.path + "/docs", index: index).documents == 3)
    }

    @Test func missingIndexAndUnknownVersionAreClearErrors() throws {
        #expect(throws: IndexError.notFound(directory: "/nonexistent/index")) { _ = try IndexReader(path: "/nonexistent/index") }
        let dir = TemporaryDirectory()
        let index = try buildSmallIndex(dir, documents: 3)
        var manifest = try Data(contentsOf: URL(fileURLWithPath: index + "/manifest"))
        manifest[8] = 99  // format version
        try manifest.write(to: URL(fileURLWithPath: index + "/manifest"))
        #expect(throws: IndexError.unsupportedVersion(file: "manifest", found: 99, supported: IndexFile.formatVersion)) {
            _ = try IndexReader(path: index)
        }
    }
}
