import LoupeFormat
import LoupeRead

// A boolean query evaluated term at a time: when its postings in a segment are few, each word's
// postings are read a block at a time into a per-document array, and the clauses are combined
// array against array (intersection, union, exclusion) instead of document by document through
// the `BooleanScorer` tree, whose per-document calls and construction cost more than the reading
// at this size. Every matching document is scored; scores add up clause by clause in the order
// `ClauseScorer` and `WordScorer` add them, so they are bit-identical to the document-at-a-time
// evaluation (the equivalence tests compare both with `.exhaustive`, which always takes the tree).

/// A query node prepared for one segment: its words' cursors opened.
indirect enum DenseNode {
    /// A word: documents holding any of `matching` (scored in order), `boosts` adding to them.
    case word(matching: [GroupCursor], boosts: [GroupCursor])
    /// Any other node (a phrase), evaluated document by document, its matches listed.
    case scorer(BooleanScorer)
    case clauses(must: [DenseNode], should: [DenseNode], mustNot: [DenseNode])
    case nothing

    /// At most how many documents match (postings read): a clause set with `must`s leads with
    /// its cheapest.
    var cost: Int {
        switch self {
        case .word(let matching, _): return matching.reduce(0) { $0 + $1.postingsCount }
        case .scorer(let scorer): return scorer.cost
        case .clauses(let must, let should, _):
            guard !must.isEmpty else { return should.reduce(0) { $0 + $1.cost } }
            return must.reduce(Int.max) { min($0, $1.cost) }
        case .nothing: return 0
        }
    }

}

extension Searcher {
    /// The most clause-set levels a tree evaluated term at a time may have, and the most `must`
    /// clauses in one: each level holds an array of the scratch per `must`, and one, while it
    /// combines its clauses (a root clause set is level 1).
    static let denseMaxDepth = 3
    static let denseMaxMust = 6

    /// Evaluates `tree` in `segment` term at a time and offers every match to `collector`; nil
    /// (nothing done) when the tree is a phrase alone, holds a node this evaluation does not take
    /// (a title or a filter), nests deeper than `denseMaxDepth`, or reads more than
    /// `termAtATimeLimit` postings. Returns the number of matches (allowed by the collector's
    /// filter), each of them scored.
    func booleanTermAtATime(_ tree: BooleanQuery, _ segment: SegmentReader, _ segmentIndex: Int,
                            _ collector: inout TopKCollector) throws -> Int? {
        guard segment.docCount <= Self.termAtATimeMaxDocs else { return nil }
        // A phrase alone is read document at a time, where the top k's threshold spares the
        // positions of documents that cannot enter (a common pair's, most of them).
        if case .phrase = tree { return nil }
        // A conjunction one of whose words the segment lacks opens no cursor.
        if tree.matchesNothing(inSegment: segmentIndex) { return 0 }
        let factory = BooleanScorerFactory(searcher: self, segment: segment, segmentIndex: segmentIndex)
        var postings = 0
        guard let node = try prepare(tree, factory, level: 0, &postings) else { return nil }
        let scratch = termAtATimeScratch.reserve(segment.docCount)
        let pool = denseScratch.reserve(segment.docCount)
        var result = try evaluate(node, within: nil, segment, scratch, pool)
        defer { pool.give(&result) }
        let base = segment.docBase
        var matches = 0
        for i in 0..<result.count {
            let doc = Int(result.docs[i])
            guard result.marks[doc] != 0 else { continue }
            if collector.filter?.allows(local: doc) ?? true { matches += 1 }
            _ = collector.offer(ScoredDoc(score: result.values[doc], doc: base + doc))
        }
        return matches
    }

    /// `query`'s node with its cursors open (`level` clause sets down), adding the postings it
    /// will read to `postings`; nil — no further cursor opened — as soon as it holds a node the
    /// term-at-a-time evaluation does not take, nests past `denseMaxDepth` or goes over
    /// `termAtATimeLimit` postings.
    private func prepare(_ query: BooleanQuery, _ factory: BooleanScorerFactory, level: Int, _ postings: inout Int) throws -> DenseNode? {
        switch query {
        case .word(let groups, let boosts):
            // Read only a block at a time: not moved to their first documents.
            func cursors(_ groups: [TermGroup]) throws -> [GroupCursor] {
                var cursors: [GroupCursor] = []
                for group in groups {
                    guard let c = try makeCursor(group, index: 0, factory.segment, factory.segmentIndex, priming: false) else { continue }
                    if cursors.isEmpty { cursors.reserveCapacity(groups.count) }
                    cursors.append(c)
                    postings += c.postingsCount
                }
                return cursors
            }
            let matching = try cursors(groups)
            guard !matching.isEmpty else { return .nothing }
            let extra = try cursors(boosts)
            return postings <= termAtATimeLimit ? .word(matching: matching, boosts: extra) : nil
        case .phrase:
            let scorer = try factory.make(query)
            postings += scorer.cost
            return postings <= termAtATimeLimit ? .scorer(scorer) : nil
        case .boolean(let must, let should, let mustNot):
            guard level < Self.denseMaxDepth, must.count <= Self.denseMaxMust else { return nil }
            func all(_ queries: [BooleanQuery]) throws -> [DenseNode]? {
                var nodes: [DenseNode] = []
                nodes.reserveCapacity(queries.count)
                for q in queries {
                    guard let node = try prepare(q, factory, level: level + 1, &postings) else { return nil }
                    nodes.append(node)
                }
                return nodes
            }
            guard let m = try all(must), let s = try all(should), let n = try all(mustNot) else { return nil }
            return .clauses(must: m, should: s, mustNot: n)
        case .nothing:
            return .nothing
        case .filter, .title:
            return nil
        }
    }

    /// The documents of `node` with their scores, in an array of the pool (the caller gives it
    /// back) — only those `within` marks, when given (the caller needs no others: nothing is
    /// scored for them).
    private func evaluate(_ node: DenseNode, within: UnsafeMutablePointer<UInt8>?, _ segment: SegmentReader, _ scratch: TermAtATimeScratch,
                          _ pool: DenseScratch) throws -> DenseResult {
        var result = pool.take()
        do {
            switch node {
            case .nothing:
                break
            case .word(let matching, let boosts):
                // 0 + each present group in order, then the boosts where the word is: as `WordScorer`.
                if let within {
                    var sink = WithinSink(result: result, within: within)
                    // Back into `result` even on an error, so that its documents are cleared.
                    defer { result = sink.result }
                    for c in matching { try forEachContribution(c, segment, scratch, into: &sink) }
                } else {
                    for c in matching { try forEachContribution(c, segment, scratch, into: &result) }
                }
                var boost = BoostSink(result: result)
                for c in boosts { try forEachContribution(c, segment, scratch, into: &boost) }
            case .scorer(let scorer):
                let lengths = segment.documents
                var none: [Explanation]? = nil
                while scorer.doc != PostingsIterator.exhausted {
                    let doc = scorer.doc
                    if within.map({ $0[Int(doc)] != 0 }) ?? true {
                        let length = lengths.length(Int(doc))
                        result.add(Int(doc), try scorer.score(length: Double(length), norm: norms.norm(length), parts: &none))
                    }
                    try scorer.advance(to: doc + 1)
                }
            case .clauses(let must, let should, let mustNot):
                try combine(must: must, should: should, mustNot: mustNot, within: within, into: &result, segment, scratch, pool)
            }
        } catch {
            pool.give(&result)
            throw error
        }
        return result
    }

    /// A clause set's documents into `result` (empty), only those within `within`'s marks when
    /// given: every `must` (or, without one, any `should`), no `mustNot`; the score is 0 + the
    /// `must`s' in order + the present `should`s' in order, as `ClauseScorer.score` adds them.
    /// With several `must`s, each is scored only on the documents the cheaper ones all hold.
    private func combine(must: [DenseNode], should: [DenseNode], mustNot: [DenseNode], within: UnsafeMutablePointer<UInt8>?,
                         into result: inout DenseResult, _ segment: SegmentReader, _ scratch: TermAtATimeScratch, _ pool: DenseScratch) throws {
        if must.count == 1 {
            var clause = try evaluate(must[0], within: within, segment, scratch, pool)
            swap(&result, &clause)
            pool.give(&clause)
        } else if must.count > 1 {
            // Cheapest first, each clause scored only within the documents all before it hold;
            // then the scores added in the query's order. (At most `denseMaxMust` clauses: the
            // two small arrays are on the stack.)
            let done = try withUnsafeTemporaryAllocation(of: DenseResult?.self, capacity: must.count) { clauses -> Bool in
                clauses.initialize(repeating: nil)
                defer { for i in clauses.indices { if var c = clauses[i] { pool.give(&c) } } }
                return try withUnsafeTemporaryAllocation(of: Int.self, capacity: must.count) { order -> Bool in
                    // Insertion sort by cost, stable as `sorted` is.
                    for i in must.indices {
                        var j = i
                        while j > 0 && must[order[j - 1]].cost > must[i].cost {
                            order[j] = order[j - 1]
                            j -= 1
                        }
                        order[j] = i
                    }
                    var last = 0
                    for i in order {
                        let clause = try evaluate(must[i], within: clauses[last]?.marks ?? within, segment, scratch, pool)
                        clauses[i] = clause
                        last = i
                        if clause.count == 0 { return true }
                    }
                    guard let matched = clauses[last] else { return true }
                    for k in 0..<matched.count {
                        let doc = Int(matched.docs[k])
                        guard matched.marks[doc] != 0 else { continue }
                        var total = 0.0
                        for c in clauses { if let c { total += c.values[doc] } }
                        matched.values[doc] = total
                    }
                    // The last clause's arrays become the result's.
                    clauses[last] = result
                    result = matched
                    return false
                }
            }
            if done { return }
        }
        if !must.isEmpty && result.count == 0 { return }
        for s in should {
            var clause = try evaluate(s, within: must.isEmpty ? within : result.marks, segment, scratch, pool)
            defer { pool.give(&clause) }
            if must.isEmpty {
                // A union: each document's value is 0 + its clauses' in order.
                for i in 0..<clause.count {
                    let doc = Int(clause.docs[i])
                    if clause.marks[doc] != 0 { result.add(doc, clause.values[doc]) }
                }
            } else if clause.count < result.count {
                for i in 0..<clause.count {
                    let doc = Int(clause.docs[i])
                    if clause.marks[doc] != 0 && result.marks[doc] != 0 { result.values[doc] += clause.values[doc] }
                }
            } else {
                for i in 0..<result.count {
                    let doc = Int(result.docs[i])
                    if clause.marks[doc] != 0 { result.values[doc] += clause.values[doc] }
                }
            }
        }
        guard result.count > 0 else { return }
        for n in mustNot {
            switch n {
            case .word(let matching, _):
                // Only whether the word is there: its documents read, nothing scored.
                for c in matching {
                    let marks = result.marks
                    try c.forEachMemberBlock { docs, _ in
                        for d in docs { marks[Int(d)] = 0 }
                    }
                }
            case .nothing:
                break
            default:
                var clause = try evaluate(n, within: result.marks, segment, scratch, pool)
                defer { pool.give(&clause) }
                for i in 0..<clause.count where clause.marks[Int(clause.docs[i])] != 0 { result.marks[Int(clause.docs[i])] = 0 }
            }
        }
    }
}

/// One node's documents: `marks[doc]` 1 where it matches and `values[doc]` its score, the
/// documents listed once in `docs` (some perhaps unmarked since). Arrays of a `DenseScratch`.
struct DenseResult: ContributionSink {
    let values: UnsafeMutablePointer<Double>
    let marks: UnsafeMutablePointer<UInt8>
    let docs: UnsafeMutablePointer<UInt32>
    var count = 0

    /// Adds `contribution` to the document's value, listing it on its first visit.
    @inline(__always)
    mutating func add(_ doc: Int, _ contribution: Double) {
        if marks[doc] == 0 {
            marks[doc] = 1
            docs[count] = UInt32(doc)
            count += 1
        }
        values[doc] += contribution
    }
}

/// Adds a word's boosts to the documents the word holds only.
private struct BoostSink: ContributionSink {
    let result: DenseResult

    @inline(__always)
    func wants(_ doc: Int) -> Bool { result.marks[doc] != 0 }

    @inline(__always)
    mutating func add(_ doc: Int, _ contribution: Double) { result.values[doc] += contribution }
}

/// Adds contributions to the documents marked in `within` only.
private struct WithinSink: ContributionSink {
    var result: DenseResult
    let within: UnsafeMutablePointer<UInt8>

    @inline(__always)
    func wants(_ doc: Int) -> Bool { within[doc] != 0 }

    @inline(__always)
    mutating func add(_ doc: Int, _ contribution: Double) { result.add(doc, contribution) }
}

/// Arrays indexed by doc id for `DenseResult`s, kept from query to query (sized for the largest
/// segment seen), all zero while not in use: handed out and given back as a stack.
final class DenseScratch {
    private var free: [DenseResult] = []
    private var all: [DenseResult] = []
    private(set) var capacity = 0

    /// Makes room for documents 0..<docCount; returns self.
    func reserve(_ docCount: Int) -> DenseScratch {
        guard docCount > capacity else { return self }
        release()
        capacity = docCount
        return self
    }

    /// Zeroed arrays for one result.
    func take() -> DenseResult {
        if let r = free.popLast() { return r }
        let values = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
        values.initialize(repeating: 0, count: capacity)
        let marks = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        marks.initialize(repeating: 0, count: capacity)
        let r = DenseResult(values: values, marks: marks, docs: .allocate(capacity: capacity))
        all.append(r)
        return r
    }

    /// Takes `result`'s arrays back, zeroed, and empties it.
    func give(_ result: inout DenseResult) {
        for i in 0..<result.count {
            let doc = Int(result.docs[i])
            result.values[doc] = 0
            result.marks[doc] = 0
        }
        result.count = 0
        free.append(result)
    }

    private func release() {
        precondition(free.count == all.count, "dense arrays released while in use")
        for r in all {
            r.values.deallocate()
            r.marks.deallocate()
            r.docs.deallocate()
        }
        all = []
        free = []
    }

    deinit { release() }
}

extension BooleanQuery {
    /// Whether the query certainly matches nothing in segment `segmentIndex`, as its words' entries
    /// say: a word none of whose keys is there, a phrase or a conjunction with such a word, a
    /// disjunction of such. False when it cannot tell (patterns, filters, titles).
    func matchesNothing(inSegment segmentIndex: Int) -> Bool {
        switch self {
        case .nothing:
            return true
        case .word(let groups, _):
            return groups.allSatisfy { $0.isAbsent(fromSegment: segmentIndex) }
        case .phrase(let words, _):
            return words.contains { $0.isAbsent(fromSegment: segmentIndex) }
        case .boolean(let must, let should, _):
            if must.contains(where: { $0.matchesNothing(inSegment: segmentIndex) }) { return true }
            return must.isEmpty && should.allSatisfy { $0.matchesNothing(inSegment: segmentIndex) }
        case .filter, .title:
            return false
        }
    }
}
