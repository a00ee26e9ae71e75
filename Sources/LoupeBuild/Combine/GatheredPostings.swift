import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

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
