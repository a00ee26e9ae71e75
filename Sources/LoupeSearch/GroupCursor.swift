import LoupeIndex

/// Walks the union of a term group's postings in one segment: the current document is the
/// smallest among its members', and its frequency the sum of the members positioned there.
final class GroupCursor {
    let group: Int
    let idf: Double
    /// Largest score this group can give a document of this segment.
    let upperBound: Double
    private let members: [PostingsIterator]
    private(set) var doc: UInt32 = PostingsIterator.exhausted

    init(group: Int, idf: Double, members: [PostingsIterator], maxTf: Int, minDocLength: Int, bm25: BM25) throws {
        self.group = group
        self.idf = idf
        self.members = members
        // Slightly inflated so floating-point rounding can never prune a document that belongs in the top k.
        upperBound = idf * bm25.tfNorm(tf: Double(maxTf), docLength: Double(minDocLength)) * (1 + 1e-9) + 1e-12
        for m in members { _ = try m.next() }
        doc = members.reduce(PostingsIterator.exhausted) { min($0, $1.doc) }
    }

    var freq: UInt32 {
        var f: UInt32 = 0
        for m in members where m.doc == doc { f &+= m.freq }
        return f
    }

    func next() throws {
        let current = doc
        var smallest = PostingsIterator.exhausted
        for m in members {
            if m.doc == current { _ = try m.next() }
            smallest = min(smallest, m.doc)
        }
        doc = smallest
    }

    func advance(to target: UInt32) throws {
        guard doc < target else { return }
        var smallest = PostingsIterator.exhausted
        for m in members {
            if m.doc < target { _ = try m.advance(to: target) }
            smallest = min(smallest, m.doc)
        }
        doc = smallest
    }
}
