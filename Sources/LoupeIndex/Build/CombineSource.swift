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
        let body = segment.positionsFile.body
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

/// Terms in key order, their keys back to back in one buffer (no allocation per term).
struct SortedTerms {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    var count: Int { ends.count }

    mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
    }

    func withKey<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = i == 0 ? 0 : ends[i - 1]
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
    }

    func key(_ i: Int) -> [UInt8] { withKey(i) { Array($0) } }

    /// Calls `body` with a view of the terms that needs no reference counting to read.
    func withView<R>(_ body: (SortedTermsView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in try ends.withUnsafeBufferPointer { e in try body(SortedTermsView(bytes: b, ends: e)) } }
    }

    /// Calls `body` with views of every list in `lists`.
    static func withViews<R>(_ lists: [SortedTerms], _ body: ([SortedTermsView]) throws -> R) rethrows -> R {
        func nest(_ views: [SortedTermsView]) throws -> R {
            if views.count == lists.count { return try body(views) }
            return try lists[views.count].withView { try nest(views + [$0]) }
        }
        return try nest([])
    }

    /// The first term not below `key`.
    func lowerBound(_ key: [UInt8]) -> Int {
        var lo = 0, hi = count
        key.withUnsafeBytes { k in
            while lo < hi {
                let mid = (lo + hi) / 2
                if withKey(mid, { compareBytes($0, k) }) < 0 { lo = mid + 1 } else { hi = mid }
            }
        }
        return lo
    }
}

/// `SortedTerms` read through pointers, for the combine's merge loop.
struct SortedTermsView {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    @inline(__always)
    func key(_ i: Int) -> UnsafeRawBufferPointer {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<ends[i]])
    }

    /// Compares term `i` here with term `j` of `other`.
    @inline(__always)
    func compare(_ i: Int, _ other: SortedTermsView, _ j: Int) -> Int { compareBytes(key(i), other.key(j)) }
}

/// One term's postings gathered from its sources, in combined doc ids, with its documents'
/// positions back to back as the positions file holds them (per document `tf` varint deltas,
/// the first from 0). Reused from term to term.
final class GatheredPostings {
    let docs = GrowableBuffer<UInt32>()
    let freqs = GrowableBuffer<UInt32>()
    let positions = GrowableBuffer<UInt8>(capacity: 1024)
    var totalFreq = 0
    var nameFreq = 0

    var count: Int { docs.count }

    func reset() {
        docs.removeAll()
        freqs.removeAll()
        positions.removeAll()
        totalFreq = 0
        nameFreq = 0
    }

    /// Encodes the postings at the end of `postings` and returns the term's dictionary entry,
    /// with its postings at `postingsOffset` and its positions (written as they are, by the
    /// caller) at `positionsOffset` in their files. `docLengths` is indexed by doc id.
    func encode(into postings: GrowableBuffer<UInt8>, docLengths: UnsafeBufferPointer<UInt32>, averageDocLength: Double,
                postingsOffset: Int, positionsOffset: Int) -> TermInfo {
        let start = postings.count
        let bounds = PostingsEncoder.encode(docs: docs.buffer, freqs: freqs.buffer, docLengths: docLengths, averageDocLength: averageDocLength,
                                            positions: positions.bytes, postings: postings)
        return TermInfo(docFreq: count, totalTermFreq: totalFreq, nameFreq: nameFreq, maxTermFreq: Int(bounds.maxTf),
                        minDocLength: Int(bounds.minDocLength), postingsOffset: postingsOffset, postingsLength: postings.count - start,
                        positionsOffset: positionsOffset, positionsLength: positions.count)
    }

    /// Replaces the contents with `parts[members]` (each sorted by doc, no doc in two) merged by
    /// doc id; runs of documents from one part move their positions in one copy.
    func merge(_ parts: [GatheredPostings], _ members: [Int]) {
        reset()
        if members.count == 2 {
            mergeTwo(parts[members[0]].view, parts[members[1]].view)
        } else {
            let views = parts.map(\.view)
            var heads = [Int](repeating: 0, count: parts.count)
            var cursors: [Int] = Array(repeating: 0, count: parts.count)
            while true {
                var best = -1
                for p in members where heads[p] < views[p].docs.count {
                    if best < 0 || views[p].docs[heads[p]] < views[best].docs[heads[best]] { best = p }
                }
                guard best >= 0 else { break }
                // The run: documents of `best` below every other part's next document.
                var limit = UInt32.max
                for p in members where p != best && heads[p] < views[p].docs.count { limit = min(limit, views[p].docs[heads[p]]) }
                (heads[best], cursors[best]) = appendRun(of: views[best], from: heads[best], positionsFrom: cursors[best], below: limit)
            }
        }
        for p in members {
            totalFreq += parts[p].totalFreq
            nameFreq += parts[p].nameFreq
        }
    }

    /// The two-part merge (the common case: a build's two workers), with no allocation.
    private func mergeTwo(_ a: View, _ b: View) {
        var (i, pi, j, pj) = (0, 0, 0, 0)
        while i < a.docs.count || j < b.docs.count {
            if j == b.docs.count || (i < a.docs.count && a.docs[i] < b.docs[j]) {
                (i, pi) = appendRun(of: a, from: i, positionsFrom: pi, below: j < b.docs.count ? b.docs[j] : .max)
            } else {
                (j, pj) = appendRun(of: b, from: j, positionsFrom: pj, below: i < a.docs.count ? a.docs[i] : .max)
            }
        }
    }

    /// The gathered postings read through pointers, valid until the next change.
    struct View {
        let docs: UnsafeBufferPointer<UInt32>
        let freqs: UnsafeBufferPointer<UInt32>
        let positions: UnsafeRawBufferPointer
    }

    var view: View { View(docs: docs.buffer, freqs: freqs.buffer, positions: positions.bytes) }

    /// Appends `part`'s documents from `start` while they are below `limit`, with their positions
    /// (which start at byte `positionsStart`); returns where both stopped.
    private func appendRun(of part: View, from start: Int, positionsFrom positionsStart: Int, below limit: UInt32) -> (Int, Int) {
        var end = start
        var tfs = 0
        while end < part.docs.count && part.docs[end] < limit {
            tfs += Int(part.freqs[end])
            end += 1
        }
        docs.append(contentsOf: UnsafeBufferPointer(rebasing: part.docs[start..<end]))
        freqs.append(contentsOf: UnsafeBufferPointer(rebasing: part.freqs[start..<end]))
        var cursor = VarIntCursor(UnsafeRawBufferPointer(rebasing: part.positions[positionsStart...]))
        cursor.skip(tfs)
        positions.append(contentsOf: UnsafeRawBufferPointer(rebasing: part.positions[positionsStart..<(positionsStart + cursor.offset)]))
        return (end, positionsStart + cursor.offset)
    }
}
