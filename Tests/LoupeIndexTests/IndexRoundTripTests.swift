import Foundation
import LoupeAnalysis
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeIngest
@testable import LoupeRead
@testable import LoupeStorage

/// Write an index, reopen it, and compare every posting, position and document with what the
/// analyzer says about the source files.
@Suite struct IndexRoundTripTests {
    struct Expected {
        var postings: [[UInt8]: [(path: String, positions: [UInt32])]] = [:]
        var lengths: [String: Int] = [:]
        var texts: [String: [UInt8]] = [:]
    }

    func expected(for root: String) throws -> Expected {
        let analyzer = try Analyzer()
        let detector = LanguageDetector()
        var result = Expected()
        for file in try CorpusWalker.walk(root).files {
            let bytes = try CorpusWalker.read(file.absolutePath)
            guard case .success(let doc) = ExtractorRegistry.standard.extract(bytes, fileName: file.relativePath) else { continue }
            let language = doc.text.withUnsafeBufferPointer { detector.detect(utf8: $0) }
            var byTerm: [[UInt8]: [UInt32]] = [:]
            var order: [[UInt8]] = []
            var count = 0
            doc.text.withUnsafeBufferPointer { buffer in
                analyzer.forEachTerm(in: buffer, language: language) { term, position, _, _ in
                    let key = TermKey.make(language, term)
                    if byTerm[key] == nil { order.append(key) }
                    byTerm[key, default: []].append(UInt32(position))
                    count += 1
                }
            }
            // The title field: the title's words again, `TitleField.gap` past the text's.
            let textCount = count
            Array(doc.title.utf8).withUnsafeBufferPointer { buffer in
                analyzer.forEachTerm(in: buffer, language: language) { term, position, _, _ in
                    let key = TermKey.make(language, term)
                    if byTerm[key] == nil { order.append(key) }
                    byTerm[key, default: []].append(UInt32(textCount) + TitleField.gap + UInt32(position))
                    count += 1
                }
            }
            for key in order { result.postings[key, default: []].append((file.relativePath, byTerm[key]!)) }
            result.lengths[file.relativePath] = count
            result.texts[file.relativePath] = doc.text
        }
        return result
    }

    /// (threads, memory budget in bytes, merge policy, segments expected)
    static let configurations: [(Int, Int, IndexOptions.MergePolicy, Int)] = [
        (1, 1 << 30, .whenOverBudget, 1),
        (2, 1 << 30, .whenOverBudget, 2),
        (2, 1 << 30, .always, 1),
        // A budget so small that every chunk is flushed: many segments, then one merged segment.
        (2, 1 << 20, .whenOverBudget, 1),
        (2, 1 << 20, .never, 15),
        // One thread: the merge streams straight into the files instead of merging ranges in memory.
        (1, 1 << 20, .always, 1),
    ]

    @Test(arguments: Self.configurations)
    func writeThenReadGivesBackEveryPostingAndDocument(_ configuration: (Int, Int, IndexOptions.MergePolicy, Int)) throws {
        let (threads, budget, merge, expectedSegments) = configuration
        let dir = TemporaryDirectory()
        try makeCorpus(in: dir, documents: 700, seed: 3)
        let options = IndexOptions(threads: threads, memoryBudget: budget, filesPerChunk: 50, mergeSegments: merge)
        let summary = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: options)
        #expect(summary.documents == 700)
        #expect(summary.skipped.isEmpty)
        let reader = try IndexReader(path: dir.path + "/index")
        #expect(reader.docCount == 700)
        #expect(reader.segments.count == expectedSegments)
        // Only the committed segments' files remain.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/index").filter { $0.hasPrefix("s") }
        #expect(files.count == expectedSegments * 5)
        let want = try expected(for: dir.path + "/docs")

        // Documents: records, lengths, stored text.
        var pathOfDoc: [Int: String] = [:]
        for doc in 0..<reader.docCount {
            let record = try reader.record(doc)
            pathOfDoc[doc] = record.path
            #expect(record.title == "Title \(record.path.split(separator: "doc").last!.split(separator: ".").first!)")
            let (segment, local) = try #require(reader.locate(doc))
            #expect(Int(segment.documents.length(local)) == want.lengths[record.path])
            #expect(try reader.text(doc) == want.texts[record.path])
        }
        #expect(Set(pathOfDoc.values).count == 700)

        // Postings: every term of every segment, merged across segments, equals the expectation.
        var got: [[UInt8]: [(path: String, positions: [UInt32])]] = [:]
        var totalTerms = 0
        for segment in reader.segments {
            try segment.terms.forEach { key, info in
                let it = try segment.postings(info)
                var previous: UInt32? = nil
                while try it.next() != PostingsIterator.exhausted {
                    if let p = previous { #expect(it.doc > p) }
                    previous = it.doc
                    let positions = try it.positions()
                    #expect(positions.count == Int(it.freq))
                    got[key, default: []].append((pathOfDoc[segment.docBase + Int(it.doc)]!, positions))
                }
                totalTerms += 1
                return true
            }
        }
        #expect(Set(got.keys) == Set(want.postings.keys))
        for (key, list) in want.postings {
            let mine = (got[key] ?? []).sorted { $0.path < $1.path }
            let theirs = list.sorted { $0.path < $1.path }
            #expect(mine.map(\.path) == theirs.map(\.path), "doc list of \(TermKey.split(key).map { "\($0.0):\($0.1)" } ?? "?")")
            #expect(mine.map(\.positions) == theirs.map(\.positions))
        }
        #expect(try IndexChecker.check(path: dir.path + "/index").documents == 700)
    }

    /// A long document is inverted a batch of words at a time, so that what the builder holds for
    /// it stays small; the segment is the same bytes whatever the batch (positions run on across
    /// batches, names and terms come out the same).
    @Test func documentsInvertedInBatchesGiveTheSameSegment() throws {
        let dir = TemporaryDirectory()
        try makeCorpus(in: dir, documents: 60, seed: 5)
        let files = try CorpusWalker.walk(dir.path + "/docs").files
        var texts: [[UInt8]] = files.map { Array(FileManager.default.contents(atPath: $0.absolutePath) ?? Data()) }
        texts.append(Array(texts.joined(separator: Array(" Niger. ".utf8))))  // one long document
        var reference: [String: [UInt8]]?
        for batch in [SegmentBuilder.defaultWordBatch, 1, 2, 7, 100] {
            let builder = SegmentBuilder(analyzer: try Analyzer(), wordBatch: batch)
            var lengths: [Int] = []
            for (i, text) in texts.enumerated() {
                let language = Language.allCases[i % 3]
                lengths.append(builder.add(text: text, language: language, path: "d\(i).txt", title: "", contentHash: 0, modified: 0, fileSize: 0))
            }
            let index = dir.path + "/batch\(batch)"
            try FileManager.default.createDirectory(atPath: index, withIntermediateDirectories: true)
            _ = try builder.write(to: IndexDirectory(path: index), name: "s1_0_0")
            var segment: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: index) {
                segment[name] = Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + name)))
            }
            #expect(segment.count == 5)
            #expect(lengths.last ?? 0 > 5_000)
            if let reference { #expect(segment == reference, "batch \(batch)") } else { reference = segment }
        }
    }

    /// A merged index does not depend on how the work was shared: whatever the thread count and
    /// whether builders flushed to disk on the way or stayed in memory, documents come in path
    /// order and the postings, positions and dictionary are the same bytes.
    @Test func mergedIndexIsTheSameWhateverTheThreadsAndBudget() throws {
        let dir = TemporaryDirectory()
        try makeCorpus(in: dir, documents: 500, seed: 11)
        let walked = try CorpusWalker.walk(dir.path + "/docs").files.map(\.relativePath)
        var reference: [String: [UInt8]]?
        for (threads, budget, chunk) in [(1, 1 << 30, 64), (2, 1 << 30, 7), (3, 1 << 30, 13), (2, 1 << 20, 40), (1, 1 << 20, 9)] {
            let index = dir.path + "/index\(threads)_\(budget)_\(chunk)"
            let options = IndexOptions(threads: threads, memoryBudget: budget, filesPerChunk: chunk, mergeSegments: .always)
            _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: options)
            let reader = try IndexReader(path: index)
            #expect(reader.segments.count == 1)
            #expect(try (0..<reader.docCount).map { try reader.record($0).path } == walked)
            var files: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: index) {
                for ext in ["postings", "positions", "terms"] where name.hasSuffix("." + ext) {
                    files[ext] = Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + name)))
                }
            }
            #expect(files.count == 3)
            if let reference {
                #expect(files == reference, "threads \(threads), budget \(budget), chunk \(chunk)")
            } else {
                reference = files
            }
            #expect(try IndexChecker.check(path: index).documents == 500)
        }
    }

    @Test func advanceFindsTheFirstDocumentAtOrAfterTheTarget() throws {
        let dir = TemporaryDirectory()
        try makeCorpus(in: dir, documents: 900, seed: 5)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1, filesPerChunk: 1000))
        let reader = try IndexReader(path: dir.path + "/index")
        let segment = reader.segments[0]
        var rng = SplitMix(seed: 9)
        var checked = 0
        try segment.terms.forEach { _, info in
            guard info.docFreq > 40 else { return true }
            var all: [UInt32] = []
            let scan = try segment.postings(info)
            while try scan.next() != PostingsIterator.exhausted { all.append(scan.doc) }
            #expect(all.count == info.docFreq)
            let it = try segment.postings(info)
            var target: UInt32 = 0
            while true {
                target += UInt32(rng.below(60))
                let got = try it.advance(to: target)
                let want = all.first(where: { $0 >= target }) ?? PostingsIterator.exhausted
                #expect(got == want)
                if got == PostingsIterator.exhausted { break }
                target = got
            }
            checked += 1
            return true
        }
        #expect(checked > 5)
    }

    @Test func termDictionaryFindsEveryTermAndRangesInOrder() throws {
        let dir = TemporaryDirectory()
        try makeCorpus(in: dir, documents: 300, seed: 8)
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let segment = try IndexReader(path: dir.path + "/index").segments[0]
        var all: [[UInt8]] = []
        try segment.terms.forEach { key, _ in all.append(key); return true }
        #expect(all.count == segment.terms.termCount)
        #expect(all == all.sorted { $0.lexicographicallyPrecedes($1) })
        for key in all { #expect(try segment.terms.lookup(key) != nil) }
        // Absent keys next to present ones: extensions, truncations, a changed last byte.
        let present = Set(all)
        for key in all {
            for probe in [key + [0x00], key + [0x7A], Array(key.dropLast()), Array(key.dropLast()) + [(key.last ?? 0) &+ 1]] where !present.contains(probe) {
                #expect(try segment.terms.lookup(probe) == nil, "\(probe)")
            }
        }
        #expect(try segment.terms.lookup(TermKey.make(.english, "absent-term")) == nil)
        // One term in several languages at once: exactly the languages it has, same entries.
        var languagesOf: [[UInt8]: [UInt8]] = [:]
        for key in all { languagesOf[Array(key.dropLast()), default: []].append(key.last ?? 0) }
        let every = Language.allCases.map(\.rawValue)
        for (term, languages) in languagesOf {
            let found = try segment.terms.lookup(term: term, languages: every)
            #expect(found.map(\.language) == languages.sorted(), "\(term)")
            for entry in found { #expect(try segment.terms.lookup(term + [entry.language]) == entry.info) }
            let some = try segment.terms.lookup(term: term, languages: [languages[0]])
            #expect(some.map(\.language) == [languages[0]])
            for probe in [term + [0x7A], Array(term.dropLast()), Array(term.dropLast()) + [(term.last ?? 0) &+ 1]] where languagesOf[probe] == nil {
                #expect(try segment.terms.lookup(term: probe, languages: every).isEmpty, "\(probe)")
            }
        }
        #expect(try segment.terms.lookup([]) == nil)
        // Prefix range: every term starting with "sold", in every language.
        let prefix = Array("sold".utf8)
        var ranged: [[UInt8]] = []
        try segment.terms.forEach(from: prefix) { key, _ in
            guard key.starts(with: prefix) else { return false }
            ranged.append(key)
            return true
        }
        #expect(ranged == all.filter { $0.starts(with: prefix) })
        #expect(!ranged.isEmpty)
    }
}
