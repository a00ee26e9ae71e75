import LoupeIndex

/// Walks the union of a term group's postings in one segment: the current document is the
/// smallest among its members', and its frequency the sum of the members positioned there.
///
/// The members are reached through unretained references (`owners` keeps them alive): in this
/// per-document loop, reference counting cost more than the decoding itself.
final class GroupCursor {
    let group: Int
    let idf: Double
    /// Largest score this group can give a document of this segment.
    let upperBound: Double
    private let owners: [PostingsIterator]
    private let members: UnsafeMutableBufferPointer<Unmanaged<PostingsIterator>>
    /// Per member: its term-level bound (used in the tail block, which has no skip data).
    private let memberBounds: [(maxTf: Int, minDocLength: Int)]
    private let bm25: BM25
    private(set) var doc: UInt32 = PostingsIterator.exhausted

    init(group: Int, idf: Double, members: [PostingsIterator], bounds: [(maxTf: Int, minDocLength: Int)], bm25: BM25) throws {
        self.group = group
        self.idf = idf
        owners = members
        self.members = .allocate(capacity: members.count)
        var maxTf = 0
        var minDocLength = Int.max
        var first = PostingsIterator.exhausted
        for (i, m) in members.enumerated() {
            (self.members.baseAddress! + i).initialize(to: Unmanaged.passUnretained(m))
            maxTf += bounds[i].maxTf
            minDocLength = min(minDocLength, bounds[i].minDocLength)
            first = min(first, try m.next())
        }
        self.memberBounds = bounds
        self.bm25 = bm25
        upperBound = Self.inflate(idf * bm25.tfNorm(tf: Double(maxTf), docLength: Double(minDocLength == .max ? 0 : minDocLength)))
        doc = first
    }

    deinit { members.deallocate() }

    /// Slightly inflated so floating-point rounding can never prune a document that belongs in the top k.
    @inline(__always)
    static func inflate(_ bound: Double) -> Double { bound * (1 + 1e-9) + 1e-12 }

    /// Block-max bound at the current document: every document from `doc` up to `limit` scores at
    /// most `bound` for this group (members on `doc` bounded by their current block's skip data,
    /// members past `doc` contributing nothing before their own next document).
    func blockBound() -> (bound: Double, limit: UInt32) {
        // A bound computed at an earlier document holds for every document up to its limit.
        if hasCachedBound && doc <= cachedLimit { return (cachedBound, cachedLimit) }
        var maxTf: UInt32 = 0
        var minDl = UInt32.max
        var limit = UInt32.max - 1
        for i in 0..<members.count {
            members[i]._withUnsafeGuaranteedRef { m in
                if m.doc == doc {
                    if let b = m.currentBlockBound {
                        maxTf += b.maxTf
                        minDl = min(minDl, b.minDocLength)
                        limit = min(limit, b.lastDoc)
                    } else {
                        maxTf += UInt32(memberBounds[i].maxTf)
                        minDl = min(minDl, UInt32(memberBounds[i].minDocLength))
                    }
                } else {
                    limit = min(limit, m.doc &- 1)
                }
            }
        }
        cachedBound = Self.inflate(idf * bm25.tfNorm(tf: Double(maxTf), docLength: Double(minDl)))
        cachedLimit = limit
        hasCachedBound = true
        return (cachedBound, limit)
    }

    private var cachedBound = 0.0
    private var cachedLimit: UInt32 = 0
    private var hasCachedBound = false

    @inline(__always)
    var freq: UInt32 {
        var f: UInt32 = 0
        for i in 0..<members.count {
            members[i]._withUnsafeGuaranteedRef { m in if m.doc == doc { f &+= m.freq } }
        }
        return f
    }

    /// The positions of the group's terms in the current document, ascending.
    func positions() throws -> [UInt32] {
        var all: [UInt32] = []
        for m in owners where m.doc == doc { all += try m.positions() }
        return owners.count > 1 ? all.sorted() : all
    }

    @inline(__always)
    func next() throws {
        let current = doc
        var smallest = PostingsIterator.exhausted
        for i in 0..<members.count {
            try members[i]._withUnsafeGuaranteedRef { m in
                if m.doc == current { _ = try m.next() }
                smallest = min(smallest, m.doc)
            }
        }
        doc = smallest
    }

    func advance(to target: UInt32) throws {
        guard doc < target else { return }
        var smallest = PostingsIterator.exhausted
        for i in 0..<members.count {
            try members[i]._withUnsafeGuaranteedRef { m in
                if m.doc < target { _ = try m.advance(to: target) }
                smallest = min(smallest, m.doc)
            }
        }
        doc = smallest
    }
}
