import LoupeFormat
import LoupeRead
import LoupeStorage

// Exact top-k strategies that read postings a block at a time from the decoded arrays, rather
// than document by document through cursors: term at a time for queries with few postings, one
// word whose members never share a document, and a common word with rare ones. Each gives the
// same documents and bit-identical scores as `Searcher.exhaustive` (checked by the pruning
// equivalence tests); ARCHITECTURE.md says when each is chosen and what it gained.
extension Searcher {
    /// Scores every document of `owners` group by group (in group order) into the accumulator,
    /// reading postings a block at a time, then offers them: per posting a tight loop, no merging
    /// across groups and no bounds. A group with several members first sums its members'
    /// frequencies per document (as `GroupCursor.freq` does). A document's score adds its groups'
    /// contributions in group order from 0, exactly as `total` does, so scores are bit-identical
    /// to the other strategies'.
    func termAtATime(_ owners: [GroupCursor], _ segment: SegmentReader, _ collector: inout TopKCollector) throws -> Int {
        let scratch = termAtATimeScratch.reserve(segment.docCount)
        var sum = SummedScores(scores: scratch.scores, touched: scratch.touched)
        // Leave the scores all zero, even when a corrupt posting stops the loops.
        defer { sum.clear() }
        for c in owners.sorted(by: { $0.group < $1.group }) { try forEachContribution(c, segment, scratch, into: &sum) }
        // Offer the documents that can enter: at least the k-th score (ties go by doc id).
        let base = segment.docBase
        var threshold = collector.threshold
        for i in 0..<sum.count {
            let doc = Int(sum.touched[i])
            let score = sum.scores[doc]
            if score >= threshold && collector.offer(ScoredDoc(score: score, doc: base + doc)) { threshold = collector.threshold }
        }
        return sum.count
    }

    /// Adds to `sink` the contribution of group `c` to every document it holds (read a block at
    /// a time): its members' frequencies are summed per document first (as `GroupCursor.freq`
    /// does) unless they cannot share one. Uses the scratch's frequency array, left all zero.
    @inline(__always)
    func forEachContribution<Sink: ContributionSink>(_ c: GroupCursor, _ segment: SegmentReader, _ scratch: TermAtATimeScratch,
                                                             into sink: inout Sink) throws {
        let lengths = segment.documents
        let norms = self.norms  // a local reference: no retain per document
        let bm25 = self.bm25
        let idf = c.idf
        if c.membersAreLanguageDisjoint {
            try c.forEachMemberBlock { docs, tfs in
                for i in 0..<docs.count {
                    let doc = Int(docs[i])
                    guard sink.wants(doc) else { continue }
                    sink.add(doc, bm25.score(idf: idf, tf: Double(tfs[i]), lengthNorm: norms.norm(lengths.length(doc))))
                }
            }
            return
        }
        var summed = SummedFreqs(freqs: scratch.freqs, docs: scratch.groupTouched)
        defer { summed.clear() }
        try c.forEachMemberBlock { summed.add($0, $1) }
        for i in 0..<summed.count {
            let doc = Int(summed.docs[i])
            guard sink.wants(doc) else { continue }
            sink.add(doc, bm25.score(idf: idf, tf: Double(summed.freqs[doc]), lengthNorm: norms.norm(lengths.length(doc))))
        }
    }

    /// The index of the one group too large for term-at-a-time scoring when all the others,
    /// and its own members but the largest, are together small enough (and the groups few);
    /// `postings` holds each group's.
    func oneLargeGroup(_ cursors: [GroupCursor], postings: [Int]) -> Int? {
        guard cursors.count <= TermAtATimeScratch.maxSmallGroups + 1,
              let large = postings.indices.max(by: { postings[$0] < postings[$1] }) else { return nil }
        // Besides its largest member, what the large group holds is read term at a time too.
        let rest = postings.reduce(0, +) - cursors[large].largestMemberPostings
        return rest <= termAtATimeLimit ? large : nil
    }

    /// One large group and small ones (a common word with rare ones, the usual slow query): the
    /// small groups are scored term at a time first, each into its own array; the k-th best of
    /// their partial sums is a floor for the final k-th score. The large group's members other
    /// than its largest are summed per document (their frequencies) likewise. Its largest member
    /// is then read a block at a time: in a block whose bound cannot reach the floor (or the
    /// collector's threshold) only documents the small groups or the other members hold are
    /// scored; elsewhere every document is. Then the other members' remaining documents, then the
    /// small groups' documents the large group does not hold. A document's frequency is summed
    /// over the group's members and its contributions added in group order, as `GroupCursor` and
    /// `total` do, so scores are bit-identical. When the floor is already above the large
    /// group's own bound, only the small groups' documents can enter: the large group is then
    /// probed on those alone, and only where their partial sum plus its bound can reach the floor
    /// (as MaxScore probes a non-essential group).
    func largeGroupWithSmallOnes(_ owners: [GroupCursor], large: Int, _ segment: SegmentReader,
                                         _ collector: inout TopKCollector) throws -> Int {
        let big = owners[large]
        let ordered = owners.sorted { $0.group < $1.group }
        let small = ordered.filter { $0 !== big }
        let bigPosition = ordered.firstIndex { $0 === big } ?? 0  // small groups before it
        let scratch = termAtATimeScratch.reserve(segment.docCount)
        let values = scratch.contributions(small.count)
        let stride = scratch.capacity
        // The large group's members but the largest: frequencies per document.
        var others = SummedFreqs(freqs: scratch.freqs, docs: scratch.groupTouched)
        let freqs = others.freqs
        // `marks`: 0 no small group holds the document, 1 some does, 2 and the large group was read on it.
        // Each document's small groups' contributions summed as they are read, in group order:
        // what `total(doc, large: 0)` adds up, bit for bit (0 plus each present one, in order).
        let sums = values + TermAtATimeScratch.maxSmallGroups * stride
        var sinks = MarkedContributions(marks: scratch.scores, touched: scratch.touched, values: values, sums: sums, stride: stride)
        defer {
            sinks.clear(groups: small.count)
            others.clear()
        }
        for (k, c) in small.enumerated() {
            sinks.group = k
            try forEachContribution(c, segment, scratch, into: &sinks)
        }
        @inline(__always) func total(_ doc: Int, large: Double) -> Double {
            var sum = 0.0
            for k in 0..<bigPosition where values[k * stride + doc] != 0 { sum += values[k * stride + doc] }
            if large != 0 { sum += large }
            for k in bigPosition..<small.count where values[k * stride + doc] != 0 { sum += values[k * stride + doc] }
            return sum
        }
        // The floor: k partial sums are each at most their document's score — of documents the
        // filter allows (`+`/`-` words, options), which alone can enter the top k.
        let filter = collector.filter
        var partial = TopKCollector(k: collector.k)
        for i in 0..<sinks.count {
            let doc = Int(sinks.touched[i])
            if let filter, !filter.allows(local: doc) { continue }
            partial.offer(ScoredDoc(score: sums[doc], doc: doc))
        }
        let floor = partial.threshold
        let lengths = segment.documents
        let norms = self.norms  // a local reference: no retain per document
        let bm25 = self.bm25
        let base = segment.docBase
        let idf = big.idf
        var threshold = collector.threshold
        if floor >= big.upperBound {
            // A document the small groups do not hold scores at most the large group's bound: it
            // cannot enter. Probe the large group (with skipping) on theirs only, in doc order —
            // those that can reach the floor with its best (the threshold only rises, so no
            // other would be probed below): usually few of many, sorted after they are chosen.
            var docs: [UInt32] = []
            let bar = max(floor, threshold)
            for i in 0..<sinks.count {
                let d = sinks.touched[i]
                if let filter, !filter.allows(local: Int(d)) { continue }
                if GroupCursor.inflate(sums[Int(d)] + big.upperBound) > bar { docs.append(d) }
            }
            docs.sort()
            var probed = 0
            for d in docs {
                let doc = Int(d)
                // Without the large group's best it cannot reach the floor: not even probed.
                if GroupCursor.inflate(sums[doc] + big.upperBound) <= max(floor, threshold) { continue }
                probed += 1
                try big.advance(to: d)
                let contribution = big.doc == d ? bm25.score(idf: idf, tf: Double(big.freq), lengthNorm: norms.norm(lengths.length(doc))) : 0
                let score = total(doc, large: contribution)
                if score >= threshold && collector.offer(ScoredDoc(score: score, doc: base + doc)) { threshold = collector.threshold }
            }
            return probed
        }
        let main = big.largestMember
        try big.forEachBlock(ofMembers: (0..<big.memberCount).filter { $0 != main }) { others.add($0, $1) }
        let marks = scratch.scores
        var scored = 0
        @inline(__always) func score(_ doc: Int, tf: UInt32, collector: inout TopKCollector) {
            let contribution = bm25.score(idf: idf, tf: Double(tf), lengthNorm: norms.norm(lengths.length(doc)))
            scored += 1
            var score = contribution
            if marks[doc] != 0 {
                marks[doc] = 2
                score = total(doc, large: contribution)
            }
            if score >= threshold && collector.offer(ScoredDoc(score: score, doc: base + doc)) { threshold = collector.threshold }
        }
        // The documents held elsewhere (small groups, other members), in order: a block of the
        // largest member holding none of them, whose bound cannot reach the floor or the
        // threshold, is passed over undecoded.
        var held = (0..<sinks.count).map { sinks.touched[$0] } + (0..<others.count).map { others.docs[$0] }
        held.sort()
        var nextHeld = 0
        var previousLast: Int64 = -1
        let skip = { (impacts: Impacts, lastDoc: UInt32) -> Bool in
            // Held documents of earlier blocks are behind; one up to this block's end is in it.
            while nextHeld < held.count && Int64(held[nextHeld]) <= previousLast { nextHeld += 1 }
            previousLast = Int64(lastDoc)
            if nextHeld < held.count && held[nextHeld] <= lastDoc { return false }
            return GroupCursor.inflate(idf * LanguageImpacts.bound(of: impacts, bm25)) <= max(floor, threshold)
        }
        try big.forEachBlock(ofMembers: [main], skipping: skip) { docs, tfs in
            // A document only this member holds scores at most the block's bound.
            let bound = GroupCursor.inflate(idf * LanguageImpacts.bound(of: big.currentBlockImpacts, bm25))
            let onlyHeld = bound <= max(floor, threshold)
            for i in 0..<docs.count {
                let doc = Int(docs[i])
                let otherTf = freqs[doc]
                if onlyHeld && otherTf == 0 && marks[doc] == 0 { continue }
                freqs[doc] = 0  // read: the remaining ones are the other members' alone
                score(doc, tf: tfs[i] &+ otherTf, collector: &collector)
            }
        }
        for i in 0..<others.count {
            let doc = Int(others.docs[i])
            guard freqs[doc] != 0 else { continue }
            score(doc, tf: freqs[doc], collector: &collector)
        }
        for i in 0..<sinks.count {
            let doc = Int(sinks.touched[i])
            guard marks[doc] == 1 else { continue }
            scored += 1
            let score = sums[doc]
            if score >= threshold && collector.offer(ScoredDoc(score: score, doc: base + doc)) { threshold = collector.threshold }
        }
        return scored
    }

    /// One group whose members never share a document (each of its own language; a one-word
    /// query usually): each member is read a block at a time from the decoded arrays, full
    /// blocks whose bound cannot beat the threshold passed over undecoded. Members come one after
    /// the other, not in doc-id order, so a document tying the k-th score is offered too (the
    /// collector breaks the tie by doc id); a skipped block's inflated bound is at most the
    /// threshold, so its documents score strictly less and cannot tie.
    func disjointGroup(_ c: GroupCursor, _ segment: SegmentReader, _ collector: inout TopKCollector) throws -> Int {
        let lengths = segment.documents
        let norms = self.norms  // a local reference: no retain per document
        let bm25 = self.bm25
        let base = segment.docBase
        let idf = c.idf
        var threshold = collector.threshold
        var scored = 0
        try c.forEachMemberBlock(skipping: { impacts, _ in
            threshold > -.infinity && GroupCursor.inflate(idf * LanguageImpacts.bound(of: impacts, bm25)) <= threshold
        }) { docs, tfs in
            for i in 0..<docs.count {
                let doc = Int(docs[i])
                let s = bm25.score(idf: idf, tf: Double(tfs[i]), lengthNorm: norms.norm(lengths.length(doc)))
                if s >= threshold && collector.offer(ScoredDoc(score: s, doc: base + doc)) { threshold = collector.threshold }
            }
            scored += docs.count
        }
        return scored
    }
}

/// The term-at-a-time arrays, indexed by doc id and kept from query to query (allocated for the
/// largest segment seen): scores and a multi-member group's frequencies, all zero between uses,
/// and the lists of documents touched (no document is listed twice, so `docCount` entries suffice).
final class TermAtATimeScratch {
    private(set) var scores = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    private(set) var freqs = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    private(set) var touched = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    private(set) var groupTouched = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    private(set) var capacity = 0
    /// Small groups' separate contributions, `maxSmallGroups` arrays of `capacity`, then one of
    /// their running sums (allocated on first use).
    private var perGroup: UnsafeMutablePointer<Double>?
    static let maxSmallGroups = 4

    /// `groups` arrays of `capacity` doubles then the sums' array (at `maxSmallGroups`), all
    /// zero (the caller leaves them so).
    func contributions(_ groups: Int) -> UnsafeMutablePointer<Double> {
        precondition(groups <= Self.maxSmallGroups)
        if let perGroup { return perGroup }
        let values = UnsafeMutablePointer<Double>.allocate(capacity: (Self.maxSmallGroups + 1) * capacity)
        values.initialize(repeating: 0, count: (Self.maxSmallGroups + 1) * capacity)
        perGroup = values
        return values
    }

    /// Makes room for documents 0..<docCount; returns self.
    func reserve(_ docCount: Int) -> TermAtATimeScratch {
        guard docCount > capacity else { return self }
        release()
        capacity = docCount
        scores = .allocate(capacity: docCount)
        scores.initialize(repeating: 0, count: docCount)
        freqs = .allocate(capacity: docCount)
        freqs.initialize(repeating: 0, count: docCount)
        touched = .allocate(capacity: docCount)
        groupTouched = .allocate(capacity: docCount)
        return self
    }

    private func release() {
        perGroup?.deallocate()
        perGroup = nil
        scores.deallocate()
        freqs.deallocate()
        touched.deallocate()
        groupTouched.deallocate()
    }

    deinit { release() }
}

/// Where term-at-a-time scoring puts a group's contribution to a document.
protocol ContributionSink {
    /// Whether the document's contribution is wanted at all (asked before it is computed).
    func wants(_ doc: Int) -> Bool
    mutating func add(_ doc: Int, _ contribution: Double)
}

extension ContributionSink {
    @inline(__always)
    func wants(_ doc: Int) -> Bool { true }
}

/// Scores summed per document (every contribution is positive: a zero score means a first
/// visit), with the list of documents touched.
struct SummedScores: ContributionSink {
    let scores: UnsafeMutablePointer<Double>
    let touched: UnsafeMutablePointer<UInt32>
    private(set) var count = 0

    init(scores: UnsafeMutablePointer<Double>, touched: UnsafeMutablePointer<UInt32>) {
        self.scores = scores
        self.touched = touched
    }

    @inline(__always)
    mutating func add(_ doc: Int, _ contribution: Double) {
        if scores[doc] == 0 {
            touched[count] = UInt32(doc)
            count += 1
        }
        scores[doc] += contribution
    }

    /// Zeroes the touched scores.
    func clear() { for i in 0..<count { scores[Int(touched[i])] = 0 } }
}

/// Small groups' contributions kept apart (group `group` at `values[group * stride + doc]`),
/// their documents marked (1) and listed once.
struct MarkedContributions: ContributionSink {
    let marks: UnsafeMutablePointer<Double>
    let touched: UnsafeMutablePointer<UInt32>
    let values: UnsafeMutablePointer<Double>
    /// Per document, the sum of its contributions so far, added in the order they come.
    let sums: UnsafeMutablePointer<Double>
    let stride: Int
    var group = 0
    private(set) var count = 0

    init(marks: UnsafeMutablePointer<Double>, touched: UnsafeMutablePointer<UInt32>, values: UnsafeMutablePointer<Double>,
         sums: UnsafeMutablePointer<Double>, stride: Int) {
        self.marks = marks
        self.touched = touched
        self.values = values
        self.sums = sums
        self.stride = stride
    }

    /// A group's contribution to a document (each group adds one per document at most).
    @inline(__always)
    mutating func add(_ doc: Int, _ contribution: Double) {
        if marks[doc] == 0 {
            marks[doc] = 1
            touched[count] = UInt32(doc)
            count += 1
        }
        values[group * stride + doc] = contribution
        sums[doc] += contribution
    }

    /// Zeroes the marks, the values and the sums of the documents listed.
    func clear(groups: Int) {
        for i in 0..<count {
            let doc = Int(touched[i])
            marks[doc] = 0
            sums[doc] = 0
            for g in 0..<groups { values[g * stride + doc] = 0 }
        }
    }
}

/// Frequencies summed per document over members of one group (`GroupCursor.freq` by another
/// road), each document listed once; `clear` leaves the array all zero again.
struct SummedFreqs {
    let freqs: UnsafeMutablePointer<UInt32>
    let docs: UnsafeMutablePointer<UInt32>
    private(set) var count = 0

    init(freqs: UnsafeMutablePointer<UInt32>, docs: UnsafeMutablePointer<UInt32>) {
        self.freqs = freqs
        self.docs = docs
    }

    @inline(__always)
    mutating func add(_ blockDocs: UnsafeBufferPointer<UInt32>, _ tfs: UnsafeBufferPointer<UInt32>) {
        for i in 0..<blockDocs.count {
            let doc = Int(blockDocs[i])
            if freqs[doc] == 0 {
                docs[count] = UInt32(doc)
                count += 1
            }
            freqs[doc] &+= tfs[i]
        }
    }

    func clear() { for i in 0..<count { freqs[Int(docs[i])] = 0 } }
}
