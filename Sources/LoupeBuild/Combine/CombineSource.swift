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
    /// Local doc id → combined doc id, increasing (a source's documents keep their order).
    let docMap: [UInt32]
    let terms: SortedTerms

    /// A builder's documents and terms (the builder must not change while it is combined).
    init(builder: SegmentBuilder, docMap: [UInt32]) {
        precondition(docMap.count == builder.documentCount, "one combined id per document")
        let sorted = builder.sortedTerms()
        self.terms = sorted.keys
        self.docMap = docMap
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
        self.terms = terms
        self.docMap = docMap
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

    func length(_ doc: Int) -> UInt32 {
        if let builder { return builder.docLengths[doc] }
        return segment?.documents.length(doc) ?? 0
    }

    /// Appends this source's stored-text blocks to `store` as they are; returns the number of
    /// the first (records' block numbers shift by it). A builder's store is moved out.
    func moveStore(to store: inout StoredTextWriter) throws -> UInt32 {
        if let builder { return builder.moveStore(to: &store) }
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
    }
}
