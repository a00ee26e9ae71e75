import Foundation
import LoupeAnalysis
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeIndex
@testable import LoupeRead
@testable import LoupeStorage

/// Long texts (format 9): the store cuts them into blocks of their own, any range of them reads
/// back from the blocks that hold it, and their records carry checkpoints that say where every
/// 512th word is — through builds, updates and merges.
@Suite struct LongTextStoreTests {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8(0x61 + rng.below(26)) }
    }

    @Test func longTextsFillBlocksOfTheirOwnAndAnyRangeReadsBack() throws {
        let size = StoredTextWriter.blockSize
        let texts = [Self.bytes(1_000, seed: 1), Self.bytes(400_000, seed: 2), Self.bytes(500, seed: 3), Self.bytes(2 * size, seed: 4),
                     Self.bytes(size, seed: 5), Self.bytes(size + 1, seed: 6), Self.bytes(70, seed: 7)]
        var writer = StoredTextWriter()
        var records: [DocumentRecord] = []
        for text in texts {
            let at = text.withUnsafeBufferPointer { writer.add($0) }
            records.append(DocumentRecord(path: "", title: "", language: 1, contentHash: 0, modified: 0, fileSize: 0,
                                          textLength: UInt32(text.count), storeBlock: at.block, storeOffset: at.offset))
        }
        let reader = try StoredTextReader(body: OwnedBytes(try writer.finish()), file: "test.store")
        // A long text starts a block; its full pieces are blocks of their own.
        #expect(records.map(\.storeBlock) == [0, 1, 4, 5, 7, 8, 9])
        #expect(records.map(\.storeOffset) == [0, 0, 6_784, 0, 0, 0, 1])
        for b in 0..<reader.count { #expect(try reader.block(b).count <= size) }
        var rng = SplitMix(seed: 9)
        var cache = StoredTextReader.BlockCache()
        for (text, record) in zip(texts, records) {
            #expect(try reader.text(of: record) == text)
            #expect(try reader.text(of: record, reusing: &cache) == text)
            for _ in 0..<30 {
                let a = rng.below(text.count + 1), b = a + rng.below(text.count - a + 1)
                #expect(try reader.text(of: record, in: a..<b) == Array(text[a..<b]))
            }
            #expect(throws: IndexError.self) { try reader.text(of: record, in: 0..<(text.count + 1)) }
        }
        // A record whose text runs past the last block is an error, not a crash.
        var broken = records[5]
        broken.textLength += UInt32(2 * size)
        #expect(throws: IndexError.self) { try reader.text(of: broken) }
    }

    @Test func checkpointsRoundTripAndDamageIsAnError() throws {
        var rng = SplitMix(seed: 17)
        for _ in 0..<200 {
            let length = 1 + rng.below(1 << 20)
            let count = 1 + rng.below(50)
            var offset = 0, line = 1, page = 1
            var points: [TextCheckpoints.Point] = []
            for _ in 0..<count {
                offset = min(length, offset + rng.below(length / count + 1))
                line += rng.below(40)
                page += rng.below(2)
                let pageStart = offset - rng.below(offset + 1)
                let section = rng.below(3) == 0 ? nil : offset - rng.below(offset + 1)
                points.append(.init(offset: offset, line: line, page: page, pageStart: pageStart, section: section))
            }
            let interval = 1 + rng.below(1_000)
            let checkpoints = TextCheckpoints(interval: interval, textPositions: (count - 1) * interval + 1 + rng.below(interval), points: points)
            let record = DocumentRecord(path: "a.txt", title: "A", language: 2, contentHash: 1, modified: 2, fileSize: 3,
                                        textLength: UInt32(length), storeBlock: 0, storeOffset: 0, checkpoints: checkpoints)
            var w = ByteWriter()
            record.write(to: &w)
            let encoded = w.bytes
            let decoded = try encoded.withUnsafeBytes { raw -> DocumentRecord in
                var r = ByteReader(raw, file: "test.docs")
                return try DocumentRecord.read(from: &r)
            }
            #expect(decoded == record)
            // Every cut of the record is an error; so is a point past the text.
            let cut = Array(encoded.prefix(rng.below(encoded.count)))
            #expect(throws: IndexError.self) {
                try cut.withUnsafeBytes { raw in
                    var r = ByteReader(raw, file: "test.docs")
                    _ = try DocumentRecord.read(from: &r)
                }
            }
        }
        var short = DocumentRecord(path: "a", title: "", language: 1, contentHash: 0, modified: 0, fileSize: 0, textLength: 10,
                                   storeBlock: 0, storeOffset: 0,
                                   checkpoints: TextCheckpoints(interval: 4, textPositions: 3,
                                                                points: [.init(offset: 11, line: 1, page: 1, pageStart: 0, section: nil)]))
        var w = ByteWriter()
        short.write(to: &w)
        #expect(throws: IndexError.self) {
            try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw, file: "test.docs")
                _ = try DocumentRecord.read(from: &r)
            }
        }
        short.checkpoints = nil
        #expect(short.checkpoints == nil)
    }

    /// Every checkpoint of a built document names the byte where its word starts, and the line,
    /// page and section there; an update that merges segments keeps them and the text.
    @Test func checkpointsPointAtTheirWordsThroughUpdatesAndMerges() throws {
        let dir = TemporaryDirectory()
        var lines: [String] = []
        for i in 0..<6_000 {
            if i % 700 == 0 { lines.append("## Chapitre \(i / 700)") }
            lines.append(i % 900 == 0 ? "\u{0C}Page nouvelle \(i) : l’armée quitte Gao." : "Ligne \(i), les soldats du fleuve Niger et l'école.")
        }
        let long = lines.joined(separator: "\n")
        try dir.write("docs/long.md", long)
        try dir.write("docs/short.txt", "Un texte court sur le Sahel.")
        let index = dir.path + "/index"
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: IndexOptions(threads: 1))
        func check() throws {
            let reader = try IndexReader(path: index)
            var found = false
            try reader.forEachLiveDocument { doc, record in
                guard record.path == "long.md" else {
                    #expect(record.checkpoints == nil)
                    return
                }
                found = true
                let text = try reader.text(doc)
                #expect(text == Array(long.utf8))
                let checkpoints = try #require(record.checkpoints)
                // The analyzer's words, in position order, as the builder numbered them.
                var starts: [Int] = []
                let analyzer = try Analyzer()
                text.withUnsafeBufferPointer { buffer in
                    analyzer.forEachTerm(in: buffer, language: .french) { _, _, start, _ in starts.append(start) }
                }
                #expect(checkpoints.textPositions == starts.count)
                for (i, point) in checkpoints.points.enumerated() {
                    #expect(point.offset == starts[i * checkpoints.interval])
                    #expect(point.line == StoredTextMarks.line(of: point.offset, in: text))
                    #expect(point.page == StoredTextMarks.page(of: point.offset, in: text))
                    var pageStart = point.offset
                    while pageStart > 0 && text[pageStart - 1] != StoredTextMarks.pageBreak { pageStart -= 1 }
                    #expect(point.pageStart == pageStart)
                    let heading = point.section.flatMap { SnippetBuilderProbe.heading(at: $0, in: text) }
                    #expect(heading == SnippetBuilderProbe.section(of: point.offset, in: text))
                }
                #expect(try reader.text(doc, record: record, in: 1_000..<1_200) == Array(text[1_000..<1_200]))
            }
            #expect(found)
            #expect(try IndexChecker.check(path: index).documents == reader.docCount)
        }
        try check()
        // A new file, then one removed: segments with deletions merged (texts copied anew).
        try dir.write("docs/other.txt", "Un autre texte.")
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: IndexOptions(threads: 1))
        try FileManager.default.removeItem(atPath: dir.path + "/docs/short.txt")
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: IndexOptions(threads: 1))
        try check()
        _ = try IndexBuilder.optimize(index: index)
        try check()
    }
}

extension LongTextStoreTests {
    /// `loupe check` counts a long text's lines, pages and sections again: a checkpoint that
    /// contradicts its text (its record and checksum otherwise valid) is reported.
    @Test func checkFindsACheckpointThatContradictsItsText() throws {
        let dir = TemporaryDirectory()
        let lines = (0..<5_000).map { "Ligne \($0) : les soldats du fleuve Niger quittent la ville." }
        try dir.write("docs/long.txt", lines.joined(separator: "\n"))
        let index = dir.path + "/index"
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: index, options: IndexOptions(threads: 1))
        #expect(try IndexChecker.check(path: index).documents == 1)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: index).first { $0.hasSuffix(".docs") })
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + name)))
        // The record's last byte is its last checkpoint's section field (0: no heading); 1 would
        // name a heading at the checkpoint's own word.
        let body = bytes.count - 16
        let trailer = body - 48
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let recordsStart = 16 + u64(trailer + 24), offsetsStart = 16 + u64(trailer + 32)
        let recordEnd = recordsStart + u64(offsetsStart + 8)
        #expect(bytes[recordEnd - 1] == 0)
        bytes[recordEnd - 1] = 1
        let crc = CRC32C.checksum(Array(bytes[..<(bytes.count - 4)]))
        for i in 0..<4 { bytes[bytes.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        try Data(bytes).write(to: URL(fileURLWithPath: index + "/" + name))
        #expect(throws: IndexError.self) { try IndexChecker.check(path: index) }
    }
}

/// The heading line rules of §4.6, as the search layer reads them (tests of the format layer
/// cannot see LoupeSearch).
enum SnippetBuilderProbe {
    static func heading(at start: Int, in text: [UInt8]) -> String? {
        guard let marks = StoredTextMarks.headingLevel(text, at: start) else { return nil }
        var end = start
        while end < text.count && text[end] != 0x0A { end += 1 }
        return String(decoding: text[(start + marks + 1)..<end], as: UTF8.self)
    }

    static func section(of offset: Int, in text: [UInt8]) -> String? {
        var lineStart = offset
        while true {
            while lineStart > 0 && text[lineStart - 1] != 0x0A { lineStart -= 1 }
            if let h = heading(at: lineStart, in: text) { return h }
            if lineStart == 0 { return nil }
            lineStart -= 1
        }
    }
}
