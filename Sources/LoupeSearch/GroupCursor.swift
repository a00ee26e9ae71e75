import LoupeFormat
import LoupeRead
import LoupeStorage

/// Walks the union of a term group's postings in one segment: the current document is the
/// smallest among its members', and its frequency the sum of the members positioned there.
///
/// The members are reached through references retained once, at creation, and released at
/// the end: in this per-document loop, reference counting cost more than the decoding itself.
/// Everything kept per member lies in one allocation (a query opens several cursors per word).
final class GroupCursor {
    let group: Int
    let idf: Double
    /// Largest score this group can give a document of this segment (worked out on first use:
    /// term at a time never asks).
    private(set) lazy var upperBound: Double = {
        // A document has one language: the group's bound is the best of its languages' bounds.
        var perLanguage = LanguageImpacts()
        for i in 0..<memberImpacts.count { perLanguage.add(memberImpacts[i], language: memberLanguages[i]) }
        return Self.inflate(idf * perLanguage.bound(bm25))
    }()
    private let members: UnsafeMutableBufferPointer<Unmanaged<PostingsIterator>>
    /// Per member: its term-level impacts (used in the tail block, which has no skip data).
    private let memberImpacts: UnsafeMutableBufferPointer<Impacts>
    private let memberLanguages: UnsafeMutableBufferPointer<UInt8>
    /// The one allocation the member arrays share.
    private let storage: UnsafeMutableRawPointer
    /// Postings of all the members together (an upper bound on the documents the group visits).
    let postingsCount: Int
    private let bm25: BM25
    private(set) var doc: UInt32 = PostingsIterator.exhausted

    /// One member's term: its postings, the language of its documents (members of different
    /// languages never share a document) and its term-level impacts.
    struct Member {
        var postings: PostingsIterator
        var language: UInt8
        var impacts: Impacts
    }

    /// Without `priming`, the members are not moved to their first documents: such a cursor is
    /// only read with `forEachMemberBlock` (term at a time), its `doc` meaningless.
    init(group: Int, idf: Double, members list: [Member], bm25: BM25, priming: Bool = true) throws {
        self.group = group
        self.idf = idf
        // One allocation: bounds (16-byte entries), references, impacts (4-byte aligned), languages.
        let n = list.count
        let boundsSize = n * MemoryLayout<(block: Int, bound: Double)>.stride
        let membersSize = n * MemoryLayout<Unmanaged<PostingsIterator>>.stride
        let impactsSize = n * MemoryLayout<Impacts>.stride
        storage = .allocate(byteCount: boundsSize + membersSize + impactsSize + n, alignment: 16)
        memberBlockBounds = UnsafeMutableBufferPointer(start: storage.bindMemory(to: (block: Int, bound: Double).self, capacity: n), count: n)
        members = UnsafeMutableBufferPointer(start: (storage + boundsSize).bindMemory(to: Unmanaged<PostingsIterator>.self, capacity: n), count: n)
        memberImpacts = UnsafeMutableBufferPointer(start: (storage + boundsSize + membersSize).bindMemory(to: Impacts.self, capacity: n), count: n)
        memberLanguages = UnsafeMutableBufferPointer(start: (storage + boundsSize + membersSize + impactsSize).bindMemory(to: UInt8.self, capacity: n), count: n)
        memberBlockBounds.initialize(repeating: (block: Int.min, bound: 0))
        var postings = 0
        for (i, m) in list.enumerated() {
            members.initializeElement(at: i, to: Unmanaged.passRetained(m.postings))
            memberImpacts.initializeElement(at: i, to: m.impacts)
            memberLanguages.initializeElement(at: i, to: m.language)
            postings += m.postings.docFreq
        }
        postingsCount = postings
        var languages: UInt32 = 0, disjoint = true
        for m in list {
            let bit: UInt32 = 1 << LanguageImpacts.slot(m.language)
            if languages & bit != 0 { disjoint = false }
            languages |= bit
        }
        membersAreLanguageDisjoint = disjoint
        self.bm25 = bm25
        // Fully made before anything may throw: on an error, `deinit` releases what it holds.
        if priming { try prime() } else { doc = 0 }
    }

    deinit {
        for m in members { m.release() }
        storage.deallocate()
    }

    /// Whether the members were moved to their first documents (`doc` is then the group's first).
    private(set) var isPrimed = false

    /// Moves the members to their first documents (nothing when already there), for reading the
    /// cursor document by document.
    func prime() throws {
        guard !isPrimed else { return }
        var first = PostingsIterator.exhausted
        for m in members { first = min(first, try m._withUnsafeGuaranteedRef { try $0.prime() }) }
        doc = first
        isPrimed = true
    }

    /// Slightly inflated so floating-point rounding can never prune a document that belongs in the top k.
    @inline(__always)
    static func inflate(_ bound: Double) -> Double { bound * (1 + 1e-9) + 1e-12 }

    /// Block-max bound at the current document: every document from `doc` up to `limit` scores at
    /// most `bound` for this group (members on `doc` bounded by their current block's impacts, or
    /// in their tail by their term-level impacts; members past `doc` contributing nothing before
    /// their own next document).
    func blockBound() -> (bound: Double, limit: UInt32) {
        // A bound computed at an earlier document holds for every document up to its limit.
        if hasCachedBound && doc <= cachedLimit { return (cachedBound, cachedLimit) }
        // Usually each language has at most one member on `doc`: the bound is then the best of
        // those members' own bounds, each computed once per block. Otherwise the general sum.
        var best = 0.0
        var limit = UInt32.max - 1
        var languagesOnDoc: UInt32 = 0
        var sharedLanguage = false
        for i in 0..<members.count {
            members[i]._withUnsafeGuaranteedRef { m in
                if m.doc == doc {
                    let bit: UInt32 = 1 << LanguageImpacts.slot(memberLanguages[i])
                    if languagesOnDoc & bit != 0 { sharedLanguage = true }
                    languagesOnDoc |= bit
                    let current = m.currentBlockBound
                    let block = m.blockNumber
                    if memberBlockBounds[i].block != block {
                        memberBlockBounds[i] = (block, LanguageImpacts.bound(of: current?.impacts ?? memberImpacts[i], bm25))
                    }
                    best = max(best, memberBlockBounds[i].bound)
                    if let current { limit = min(limit, current.lastDoc) }
                } else {
                    limit = min(limit, m.doc &- 1)
                }
            }
        }
        if sharedLanguage {
            var perLanguage = LanguageImpacts()
            for i in 0..<members.count {
                members[i]._withUnsafeGuaranteedRef { m in
                    guard m.doc == doc else { return }
                    perLanguage.add(m.currentBlockBound?.impacts ?? memberImpacts[i], language: memberLanguages[i])
                }
            }
            best = perLanguage.bound(bm25)
        }
        cachedBound = Self.inflate(idf * best)
        cachedLimit = limit
        hasCachedBound = true
        return (cachedBound, limit)
    }

    /// Per member: the block its bound was last computed for, and that bound (tf part only).
    private let memberBlockBounds: UnsafeMutableBufferPointer<(block: Int, bound: Double)>

    var memberCount: Int { members.count }

    /// Calls `body` with each member's remaining postings, member after member, a block at a
    /// time, passing over the full blocks whose impacts `shouldSkip` rejects (see
    /// `PostingsIterator.forEachRemainingBlock`). Leaves the cursor exhausted.
    func forEachMemberBlock(skipping shouldSkip: (_ impacts: Impacts, _ lastDoc: UInt32) -> Bool = { _, _ in false },
                            _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) throws -> Void) throws {
        try forEachBlock(ofMembers: 0..<members.count, skipping: shouldSkip, body)
        doc = PostingsIterator.exhausted
    }

    /// Like `forEachMemberBlock`, for the members in `selected` only (by index).
    func forEachBlock(ofMembers selected: some Sequence<Int>, skipping shouldSkip: (_ impacts: Impacts, _ lastDoc: UInt32) -> Bool = { _, _ in false },
                      _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) throws -> Void) throws {
        for i in selected {
            readingMember = i
            try members[i]._withUnsafeGuaranteedRef { try $0.forEachRemainingBlock(skipping: shouldSkip, body) }
        }
        readingMember = 0
    }

    /// The index of the member with the most postings, and their number.
    var largestMember: Int { members.indices.max { members[$0].takeUnretainedValue().docFreq < members[$1].takeUnretainedValue().docFreq } ?? 0 }
    var largestMemberPostings: Int { members[largestMember].takeUnretainedValue().docFreq }

    /// During `forEachMemberBlock`: the impacts of the block being read (the term's own in a
    /// tail block, which has no skip data).
    var currentBlockImpacts: Impacts {
        members[readingMember]._withUnsafeGuaranteedRef { $0.currentBlockBound?.impacts } ?? memberImpacts[readingMember]
    }
    private var readingMember = 0

    /// True when no two members can share a document: each is of its own language (a document
    /// has one), so a document's group frequency is the one member's there.
    let membersAreLanguageDisjoint: Bool
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

    /// Appends the positions of the group's terms in the current document, ascending (sorted
    /// only when several of its terms are there), to `buffer`.
    func appendPositions(to buffer: PositionBuffer) throws {
        let start = buffer.count
        var present = 0
        for i in 0..<members.count {
            try members[i]._withUnsafeGuaranteedRef { m in
                guard m.doc == doc else { return }
                buffer.reserve(Int(m.freq))
                buffer.count += try m.decodePositions(into: buffer.base + buffer.count)
                present += 1
            }
        }
        if present > 1 {
            var added = UnsafeMutableBufferPointer(start: buffer.base + start, count: buffer.count - start)
            added.sort()
        }
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

/// Impacts of a group's members gathered per language, without allocating: a document has one
/// language, so the group's bound is the best of its languages' bounds. Within a language a
/// document holds any subset of the members: one alone is bounded by its own impacts; several
/// add their frequencies, on a document at least as long as each member's pair length.
struct LanguageImpacts {
    private struct Slot {
        var members = 0
        var first = Impacts(tf: 0, length: 0)
        var second = Impacts(tf: 0, length: 0)
        var looseTf = 0.0
        var looseLength = UInt32.max

        mutating func add(_ impacts: Impacts) {
            if members == 0 { first = impacts } else if members == 1 { second = impacts }
            members += 1
            looseTf += Double(impacts.loosest.tf)
            looseLength = min(looseLength, impacts.loosest.length)
        }

        func bound(_ bm25: BM25) -> Double {
            var best = 0.0
            switch members {
            case 0:
                break
            case 1:
                best = LanguageImpacts.bound(of: first, bm25)
            case 2:
                // A document may hold either member alone (its own bound), or both: then their
                // frequencies add up and its length is at least the longer of the two pairs'.
                best = max(LanguageImpacts.bound(of: first, bm25), LanguageImpacts.bound(of: second, bm25))
                for p in 0..<Impacts.count {
                    let x = first.pair(p)
                    for q in 0..<Impacts.count {
                        let y = second.pair(q)
                        best = max(best, bm25.tfNorm(tf: Double(x.tf) + Double(y.tf), docLength: Double(max(x.length, y.length))))
                    }
                }
            default:
                best = bm25.tfNorm(tf: looseTf, docLength: Double(looseLength))
            }
            return best
        }
    }

    // Slots for the language bytes 1...4 (en, fr, es, other); anything else shares slot 0.
    private var slots = (Slot(), Slot(), Slot(), Slot(), Slot())

    /// The slot of a language byte: 1...4 their own, anything else 0.
    @inline(__always)
    static func slot(_ language: UInt8) -> Int { (1...4).contains(language) ? Int(language) : 0 }

    mutating func add(_ impacts: Impacts, language: UInt8) {
        switch Self.slot(language) {
        case 1: slots.1.add(impacts)
        case 2: slots.2.add(impacts)
        case 3: slots.3.add(impacts)
        case 4: slots.4.add(impacts)
        default: slots.0.add(impacts)
        }
    }

    /// The largest tf part of the score one term's impacts allow.
    @inline(__always)
    static func bound(of impacts: Impacts, _ bm25: BM25) -> Double {
        var best = 0.0
        for p in 0..<Impacts.count {
            let x = impacts.pair(p)
            best = max(best, bm25.tfNorm(tf: Double(x.tf), docLength: Double(x.length)))
        }
        return best
    }

    /// The largest tf part of the score any document can get.
    func bound(_ bm25: BM25) -> Double {
        max(slots.0.bound(bm25), slots.1.bound(bm25), slots.2.bound(bm25), slots.3.bound(bm25), slots.4.bound(bm25))
    }
}
