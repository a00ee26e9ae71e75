import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// One input of `SegmentCombiner`: a segment builder still in memory or a segment on disk, with
/// its terms in key order and where each of its documents goes in the combined segment.
final class CombineSource: @unchecked Sendable {
    /// The source: a builder and its term ids in key order, or a segment and its terms' entries
    /// (stored apart rather than as an enum's payload, which every access would copy and retain).
    private let builder: SegmentBuilder?
    private let termIDs: [Int]
    private let segment: SegmentReader?
    private let infos: [TermInfo]
    /// Local doc id → combined doc id, increasing (a source's documents keep their order), or
    /// `CombineSource.dropped` for a deleted document, which the combined segment leaves out.
    let docMap: [UInt32]
    let terms: SortedTerms
    static let dropped = UInt32.max
    /// Documents the combined segment keeps.
    let liveCount: Int
    /// Where a segment source's live texts went when they were copied one by one (a source with
    /// deletions: its store blocks still hold the deleted texts), by local doc id.
    private var relocated: [(block: UInt32, offset: UInt32)] = []

    /// A builder's documents and terms (the builder must not change while it is combined).
    init(builder: SegmentBuilder, docMap: [UInt32]) {
        precondition(docMap.count == builder.documentCount, "one combined id per document")
        let sorted = builder.sortedTerms()
        self.terms = sorted.keys
        self.docMap = docMap
        liveCount = docMap.count
        self.builder = builder
        termIDs = sorted.ids
        segment = nil
        infos = []
    }

    /// A segment's documents and terms (the dictionary is decoded here, once).
    init(segment: SegmentReader, docMap: [UInt32]) throws {
        guard docMap.count == segment.docCount else {
            throw IndexError.invalidInput("combining \(segment.name): \(docMap.count) document ids for \(segment.docCount) documents")
        }
        var terms = SortedTerms()
        var infos: [TermInfo] = []
        infos.reserveCapacity(segment.terms.termCount)
        try segment.terms.forEach { key, info in
            key.withUnsafeBufferPointer { terms.append($0) }
            infos.append(info)
            return true
        }
        guard zip(docMap.indices, docMap).allSatisfy({ ($1 == Self.dropped) == segment.isDeleted($0) }) else {
            throw IndexError.invalidInput("combining \(segment.name): the deleted documents must be the ones dropped")
        }
        self.terms = terms
        self.docMap = docMap
        liveCount = segment.liveDocCount
        builder = nil
        termIDs = []
        self.segment = segment
        self.infos = infos
    }

    var docCount: Int { docMap.count }

    /// The source's accent variants (`AccentVariant`).
    func accentVariants() throws -> [AccentVariant] {
        if let builder { return Array(builder.accentVariants) }
        return try segment?.terms.allAccentVariants() ?? []
    }

    /// Bytes of postings and positions to read (decides whether the combine may buffer its output).
    var inputBytes: Int {
        if let builder { return builder.postingsBytes }
        guard let segment else { return 0 }
        return segment.postingsFile.body.count + segment.positionsFile.body.count
    }

    func record(_ doc: Int) throws -> DocumentRecord {
        if let builder { return builder.records[doc] }
        guard let segment else { preconditionFailure("a combine source holds a builder or a segment") }
        return try segment.documents.record(doc)
    }

    /// The record of `doc` as the combined segment holds it: its text where `moveStore` put it
    /// (`blockBase`: the number of the source's first block there).
    func placedRecord(_ doc: Int, blockBase: UInt32) throws -> DocumentRecord {
        var record = try record(doc)
        if relocated.isEmpty {
            record.storeBlock += blockBase
        } else {
            (record.storeBlock, record.storeOffset) = relocated[doc]
        }
        return record
    }

    func length(_ doc: Int) -> UInt32 {
        if let builder { return builder.docLengths[doc] }
        return segment?.documents.length(doc) ?? 0
    }

    /// Appends this source's stored-text blocks to `store` as they are; returns the number of
    /// the first (records' block numbers shift by it). A builder's store is moved out.
    func moveStore(to store: inout StoredTextWriter) throws -> UInt32 {
        if let builder { return builder.moveStore(to: &store) }
        if let segment, segment.deletions != nil {
            // Only the live texts are copied (decompressed, then compressed again in new blocks).
            relocated = Array(repeating: (0, 0), count: segment.docCount)
            var cache = StoredTextReader.BlockCache()
            for doc in 0..<segment.docCount where !segment.isDeleted(doc) {
                let text = try segment.store.text(of: try segment.documents.record(doc), reusing: &cache)
                relocated[doc] = text.withUnsafeBufferPointer { store.add($0) }
            }
            return 0
        }
        var base: UInt32?
        for b in 0..<(segment?.store.count ?? 0) {
            guard let block = try segment?.store.compressedBlock(b) else { break }
            let number = store.appendCompressedBlock(block.bytes, rawLength: block.rawLength)
            base = base ?? number
        }
        return base ?? 0
    }

    /// Starts fetching what gathering the `i`-th term will read: its state `far` terms ahead of
    /// the merge, its streams' first bytes `near` terms ahead (by then the state is cached).
    @inline(__always)
    func prefetch(far: Int, near: Int) {
        guard let builder else { return }
        if far < termIDs.count { builder.prefetchState(term: termIDs[far]) }
        if near < termIDs.count { builder.prefetchStreams(term: termIDs[near]) }
    }

    /// Appends the postings of this source's `i`-th term (in key order) to `out`, doc ids mapped.
    func gather(_ i: Int, into out: GatheredPostings) throws {
        if let builder {
            docMap.withUnsafeBufferPointer { builder.gather(term: termIDs[i], docMap: $0, into: out) }
            return
        }
        guard let segment else { return }
        let info = infos[i]
        let it = try segment.postings(info)
        let file = segment.name + ".positions"
        let body = segment.positionsFile.body.bytes  // mapped while `segment` is held
        guard info.positionsOffset >= 0, info.positionsLength >= 0, info.positionsOffset <= body.count - info.positionsLength else {
            throw IndexError.corrupt(file: file, reason: "a term's positions run past the end of the file")
        }
        let positions = UnsafeRawBufferPointer(rebasing: body[info.positionsOffset..<(info.positionsOffset + info.positionsLength)])
        var total = 0
        guard let deletions = segment.deletions else {
            while try it.next() != PostingsIterator.exhausted {
                out.docs.append(docMap[Int(it.doc)])
                out.freqs.append(it.freq)
                total += Int(it.freq)
            }
            guard total == info.totalTermFreq, VarIntCursor.count(positions) == total else {
                throw IndexError.corrupt(file: file, reason: "positions do not match the frequencies")
            }
            out.positions.append(contentsOf: positions)
            out.totalFreq += info.totalTermFreq
            out.nameFreq += info.nameFreq
            return
        }
        // Deleted documents and their positions are left out; the name uses they held come from
        // the deletions file's correction (postings do not keep them per document).
        var reader = ByteReader(positions, file: file)
        var live = 0
        while try it.next() != PostingsIterator.exhausted {
            let start = reader.offset
            try reader.skipVarInts(Int(it.freq))
            total += Int(it.freq)
            guard !deletions.isDeleted(Int(it.doc)) else { continue }
            out.docs.append(docMap[Int(it.doc)])
            out.freqs.append(it.freq)
            out.positions.append(contentsOf: UnsafeRawBufferPointer(rebasing: positions[start..<reader.offset]))
            live += Int(it.freq)
        }
        guard total == info.totalTermFreq, reader.isAtEnd else {
            throw IndexError.corrupt(file: file, reason: "positions do not match the frequencies")
        }
        let liveStatistics = try segment.liveStatistics(terms.key(i), info)
        guard liveStatistics.totalTermFreq == live else {
            throw IndexError.corrupt(file: deletions.file, reason: "its corrections do not match the deleted documents' postings")
        }
        out.totalFreq += live
        out.nameFreq += liveStatistics.nameFreq
    }
}
