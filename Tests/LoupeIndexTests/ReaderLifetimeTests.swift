import Foundation
import Synchronization
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeRead
@testable import LoupeStorage

/// Readers and the views they hand out keep their files mapped: a commit that replaces and deletes
/// a generation's files never pulls bytes from under a search still running on it.
@Suite struct ReaderLifetimeTests {
    /// Writes `count` documents named `g<tag>-<i>.txt` (the only files under `docs/`).
    func writeCorpus(_ dir: TemporaryDirectory, tag: Int, count: Int) throws {
        try? FileManager.default.removeItem(atPath: dir.path + "/docs")
        for i in 0..<count { try dir.write("docs/g\(tag)-\(i).txt", "generation \(tag) document \(i) soldiers and rivers") }
    }

    @Test func viewsOutliveTheirReaderAndItsDeletedGeneration() throws {
        let dir = TemporaryDirectory()
        let index = dir.path + "/index"
        try writeCorpus(dir, tag: 1, count: 5)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index)
        var reader: IndexReader? = try IndexReader(path: index)
        let segment = try #require(reader?.segments.first)
        // A term every document holds ("generation" or "document", in whatever language and stem).
        var common: (key: [UInt8], info: TermInfo)?
        try segment.terms.forEach { key, info in
            if info.docFreq == 5 { common = (key, info) }
            return common == nil
        }
        let (key, info) = try #require(common)
        let iterator = try segment.postings(info)
        let dictionary = segment.terms, documents = segment.documents, store = segment.store
        let oldFiles = try FileManager.default.contentsOfDirectory(atPath: index).filter { $0.hasPrefix(segment.name) }
        #expect(oldFiles.count == 5)

        // A new generation replaces the index; the old one's files are deleted.
        try writeCorpus(dir, tag: 2, count: 3)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index)
        for name in oldFiles { #expect(!FileManager.default.fileExists(atPath: index + "/" + name)) }
        let newest = try #require(try reader?.reopened())
        #expect(newest.manifest.generation == 2 && newest.docCount == 3)
        #expect(try newest.reopened() === newest)
        reader = nil

        // The views of generation 1 still read its bytes.
        var docs: [UInt32] = []
        while try iterator.next() != PostingsIterator.exhausted { docs.append(iterator.doc) }
        #expect(docs == [0, 1, 2, 3, 4])
        #expect(try dictionary.lookup(key) == info)
        let record = try documents.record(4)
        #expect(record.path == "g1-4.txt")
        #expect(String(decoding: try store.text(of: record), as: UTF8.self) == "generation 1 document 4 soldiers and rivers")
    }

    @Test func reopenedIsTheSameReaderWhenNothingWasCommitted() throws {
        let dir = TemporaryDirectory()
        try writeCorpus(dir, tag: 1, count: 2)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index")
        let reader = try IndexReader(path: dir.path + "/index")
        #expect(try reader.reopened() === reader)
    }

    /// While one thread commits generation after generation (each with other files, and each
    /// deleting the last one's), readers opened meanwhile always see one whole generation: the
    /// documents its manifest counts, every one of them from that generation.
    @Test func readersOpenedDuringCommitsSeeWholeGenerations() throws {
        let dir = TemporaryDirectory()
        let index = dir.path + "/index"
        try writeCorpus(dir, tag: 0, count: 2)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index)
        let corpora = (1...12).map { tag in dir.path + "/corpus\(tag)" }
        for (i, corpus) in corpora.enumerated() {
            for d in 0..<(2 + i % 3) { try dir.write("corpus\(i + 1)/g\(i + 1)-\(d).txt", "generation \(i + 1) text \(d)") }
            _ = corpus
        }
        let done = Atomic<Bool>(false)
        let failure = Mutex<String?>(nil)
        let writer = Thread {
            for corpus in corpora {
                do { _ = try IndexBuilder.build(corpus: corpus, index: index, options: IndexOptions(threads: 1)) } catch {
                    failure.withLock { $0 = $0 ?? "commit failed: \(error)" }
                }
            }
            done.store(true, ordering: .releasing)
        }
        writer.start()
        var opened = 0
        var generations = Set<UInt64>()
        while !done.load(ordering: .acquiring) || opened == 0 {
            let reader = try IndexReader(path: index)
            opened += 1
            generations.insert(reader.manifest.generation)
            #expect(reader.docCount == reader.manifest.docCount)
            let tag = reader.manifest.generation - 1  // generation g was built from corpus g - 1 (0: the first build)
            for doc in 0..<reader.docCount {
                let path = try reader.record(doc).path
                #expect(path.hasPrefix("g\(tag)-"), "generation \(reader.manifest.generation) holds \(path)")
            }
        }
        #expect(failure.withLock { $0 } == nil)
        #expect(opened > 1)
        #expect(try IndexReader(path: index).manifest.generation == 13)
    }
}
