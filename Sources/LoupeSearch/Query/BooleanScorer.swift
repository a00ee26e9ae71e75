import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// Evaluates a `BooleanQuery` in one segment, document at a time, as Lucene's scorers do: each
/// node is positioned on a matching document (`advance(to:)` moves to the first one at or after
/// a target, never back) and scores it on demand. Every matching document is scored — the
/// evaluation is exact by construction, whatever the retrieval strategy asked for.
class BooleanScorer {
    /// The current document (local id), `PostingsIterator.exhausted` past the last.
    var doc: UInt32 = PostingsIterator.exhausted

    /// Moves to the first matching document at or after `target` (no move when already there).
    func advance(to target: UInt32) throws { doc = PostingsIterator.exhausted }

    /// The current document's score, with its parts when `parts` is given (`--explain`):
    /// `length` is the document's length, `norm` its BM25 length norm.
    func score(length: Double, norm: Double, parts: inout [Explanation]?) throws -> Double { 0 }

    /// An upper bound of the score of every document from the current one up to `limit` (the
    /// node positioned on a document). Infinity when the node cannot say.
    func blockBound() throws -> (bound: Double, limit: UInt32) { (0, PostingsIterator.exhausted - 1) }

    /// At most how many documents match (their postings): a conjunction leads with its cheapest
    /// clause.
    var cost = 0
}

/// A scorer that looks for its next match itself (`find(from:)`), from its first one on.
class FindingScorer: BooleanScorer {
    override func advance(to target: UInt32) throws {
        guard doc < target else { return }
        try find(from: target)
    }

    /// Moves to the first matching document at or after `target`.
    func find(from target: UInt32) throws {}
}

/// What a conjunction advances: postings cursors and scorers alike.
protocol DocumentCursor: AnyObject {
    var doc: UInt32 { get }
    func advance(to target: UInt32) throws
}

extension GroupCursor: DocumentCursor {}
extension BooleanScorer: DocumentCursor {}

/// Advances every cursor to `candidate` or past it: true when all are on it; else `candidate`
/// becomes the first document past it that one of them is on (leapfrogging). The cursors are
/// unretained references (their owner keeps them alive): reference counting would otherwise cost
/// more than the advancing in these per-document loops.
@inline(__always)
func allOn<C: DocumentCursor>(_ cursors: [Unmanaged<C>], _ candidate: inout UInt32) throws -> Bool {
    for c in cursors {
        let doc = try c._withUnsafeGuaranteedRef { c in
            try c.advance(to: candidate)
            return c.doc
        }
        if doc != candidate {
            candidate = doc
            return false
        }
    }
    return true
}

/// Unretained references to `objects`, which the caller keeps alive.
func unretained<C: AnyObject>(_ objects: [C]) -> [Unmanaged<C>] { objects.map { Unmanaged.passUnretained($0) } }

/// The top k's entry score so far, which the root consults to skip documents that cannot enter.
final class ScoreThreshold {
    var value = -Double.infinity
}

/// Builds the scorers of a query for one segment.
struct BooleanScorerFactory {
    let searcher: Searcher
    let segment: SegmentReader
    let segmentIndex: Int

    /// The top k's threshold, for the root's skipping (nil: no skipping, as `--explain` needs).
    var threshold: ScoreThreshold? = nil

    /// The root scorer: a clause set, so that it can skip on the threshold.
    func makeRoot(_ query: BooleanQuery) throws -> BooleanScorer {
        if case .boolean = query { return try make(query, isRoot: true) }
        if case .phrase(let words, let slop) = query {
            var cursors: [GroupCursor] = []
            for word in words {
                guard let c = try cursor(word) else { return BooleanScorer() }
                cursors.append(c.cursor)
            }
            return try PhraseScorer(words: words, cursors: cursors, slop: slop, searcher: searcher, threshold: threshold, lengths: segment.documents)
        }
        return try ClauseScorer(must: [try make(query)], should: [], mustNot: [], threshold: threshold)
    }

    func make(_ query: BooleanQuery, isRoot: Bool = false) throws -> BooleanScorer {
        switch query {
        case .word(let groups, let boosts):
            let matching = try groups.compactMap { try cursor($0) }
            guard !matching.isEmpty else { return BooleanScorer() }
            return WordScorer(matching: matching, boosts: try boosts.compactMap { try cursor($0) }, searcher: searcher)
        case .phrase(let words, let slop):
            var cursors: [GroupCursor] = []
            for word in words {
                guard let c = try cursor(word) else { return BooleanScorer() }
                cursors.append(c.cursor)
            }
            return try PhraseScorer(words: words, cursors: cursors, slop: slop, searcher: searcher)
        case .filter(let filter):
            return try DocListScorer(docs: (0..<segment.docCount).filter { try Self.matches(filter, try segment.documents.record($0)) }.map { UInt32($0) },
                                     scores: nil, description: "filter")
        case .title(let words, let slop, let text):
            let (docs, scores) = try searcher.titleIndex().matches(words, slop: slop, bm25: searcher.bm25, segment: segmentIndex)
            return try DocListScorer(docs: docs, scores: scores, description: "title:\(text)")
        case .boolean(let must, let should, let mustNot):
            let m = try must.map { try make($0) }, s = try should.map { try make($0) }, n = try mustNot.map { try make($0) }
            return try ClauseScorer(must: m, should: s, mustNot: n, threshold: isRoot ? threshold : nil)
        case .nothing:
            return BooleanScorer()
        }
    }

    /// A group's cursor in this segment, with its group.
    private func cursor(_ group: TermGroup) throws -> (group: TermGroup, cursor: GroupCursor)? {
        try searcher.makeCursor(group, index: 0, segment, segmentIndex).map { (group, $0) }
    }

    static func matches(_ filter: QueryFilter, _ record: DocumentRecord) throws -> Bool {
        switch filter {
        case .language(let code):
            return (Language(rawValue: record.language) ?? .other).code == code
        case .fileExtension(let ext):
            guard let dot = record.path.lastIndex(of: "."), !record.path[dot...].contains("/") else { return ext.isEmpty }
            return record.path[record.path.index(after: dot)...].lowercased() == ext
        case .path(let part):
            // A path starting with the value, or holding it after a `/`: `path:fr/` and `path:mali`.
            let path = record.path.lowercased(), part = part.lowercased()
            return path.hasPrefix(part) || path.contains("/" + part) || path.contains(part)
        }
    }
}

/// A word: the union of its groups' documents, each group present scoring BM25; its boosts
/// (the exact form) add where present.
final class WordScorer: BooleanScorer {
    /// The cursors of the word's groups, then of its boosts (`matchingCount` first ones match).
    private let cursors: [GroupCursor]
    private let refs: [Unmanaged<GroupCursor>]
    private let groups: [TermGroup]
    private let matchingCount: Int
    private let searcher: Searcher

    init(matching: [(group: TermGroup, cursor: GroupCursor)], boosts: [(group: TermGroup, cursor: GroupCursor)], searcher: Searcher) {
        cursors = matching.map(\.cursor) + boosts.map(\.cursor)
        refs = unretained(cursors)
        groups = matching.map(\.group) + boosts.map(\.group)
        matchingCount = matching.count
        self.searcher = searcher
        super.init()
        doc = cursors.prefix(matchingCount).map(\.doc).min() ?? PostingsIterator.exhausted
        cost = matching.reduce(0) { $0 + $1.cursor.postingsCount }
    }

    override func advance(to target: UInt32) throws {
        guard doc < target else { return }
        var smallest = PostingsIterator.exhausted
        for i in 0..<matchingCount {
            try refs[i]._withUnsafeGuaranteedRef { c in
                try c.advance(to: target)
                smallest = min(smallest, c.doc)
            }
        }
        doc = smallest
    }

    override func score(length: Double, norm: Double, parts: inout [Explanation]?) throws -> Double {
        var total = 0.0
        for i in refs.indices {
            try refs[i]._withUnsafeGuaranteedRef { c in
                try c.advance(to: doc)
                guard c.doc == doc else { return }
                let value = searcher.bm25.score(idf: c.idf, tf: Double(c.freq), lengthNorm: norm)
                total += value
                if parts != nil { parts?.append(searcher.termExplanation(groups[i], idf: c.idf, tf: Double(c.freq), length: length, value: value)) }
            }
        }
        return total
    }

    override func blockBound() throws -> (bound: Double, limit: UInt32) {
        var bound = 0.0, limit = PostingsIterator.exhausted - 1
        for i in refs.indices {
            try refs[i]._withUnsafeGuaranteedRef { c in
                try c.advance(to: doc)
                guard c.doc != PostingsIterator.exhausted else { return }
                // A cursor past the document adds nothing before its next one.
                if c.doc > doc {
                    limit = min(limit, c.doc - 1)
                    return
                }
                let b = c.blockBound()
                bound += b.bound
                limit = min(limit, b.limit)
            }
        }
        return (bound, limit)
    }
}

/// A phrase or a proximity: documents holding every word, with the words at consecutive
/// positions (or all within the window `slop` allows, in any order).
final class PhraseScorer: FindingScorer {
    private let words: [TermGroup]
    private let cursors: [GroupCursor]
    private let refs: [Unmanaged<GroupCursor>]
    /// The cursors unretained in the phrase's order (`cursors` keeps them).
    private let inOrder: [Unmanaged<GroupCursor>]
    private let slop: Int?
    private let searcher: Searcher
    private var frequency = 0
    private var matcher = PhraseMatcher()

    /// When the phrase is the whole query: the top k's threshold, and the segment's lengths.
    /// A document whose bound — BM25 with the phrase's idf and the smallest of its words'
    /// frequencies there (the phrase occurs no more often) — cannot beat it is passed over
    /// before its positions are read.
    private let threshold: ScoreThreshold?
    private let lengths: DocumentTable?
    private let idf: Double

    init(words: [TermGroup], cursors: [GroupCursor], slop: Int?, searcher: Searcher,
         threshold: ScoreThreshold? = nil, lengths: DocumentTable? = nil) throws {
        self.words = words
        self.cursors = cursors
        // The rarest word leads the leapfrog.
        refs = unretained(cursors.sorted { $0.postingsCount < $1.postingsCount })
        inOrder = unretained(cursors)
        self.slop = slop
        self.searcher = searcher
        self.threshold = threshold
        self.lengths = lengths
        idf = words.reduce(0) { $0 + $1.idf }
        super.init()
        cost = cursors.map(\.postingsCount).min() ?? 0
        doc = 0
        try find(from: 0)
    }

    /// Moves to the first document at or after `target` where the phrase occurs.
    override func find(from target: UInt32) throws {
        var candidate = target
        while true {
            let agreed = try allOn(refs, &candidate)
            if candidate == PostingsIterator.exhausted {
                doc = candidate
                return
            }
            guard agreed else { continue }
            if let threshold, threshold.value > -Double.infinity, let lengths {
                var least = UInt32.max
                for c in refs { least = min(least, c._withUnsafeGuaranteedRef { $0.freq }) }
                let bound = GroupCursor.inflate(searcher.bm25.score(idf: idf, tf: Double(least), lengthNorm: searcher.norms.norm(lengths.length(Int(candidate)))))
                if bound < threshold.value {
                    candidate += 1
                    continue
                }
            }
            frequency = try slop.map { try matcher.nearFrequency(inOrder, slop: $0) } ?? matcher.phraseFrequency(inOrder)
            if frequency > 0 {
                doc = candidate
                return
            }
            candidate += 1
        }
    }

    /// BM25 never exceeds the idf (tf / (tf + …) < 1): the phrase's bound is its idf.
    override func blockBound() throws -> (bound: Double, limit: UInt32) {
        (GroupCursor.inflate(idf), PostingsIterator.exhausted - 1)
    }

    override func score(length: Double, norm: Double, parts: inout [Explanation]?) throws -> Double {
        let value = searcher.bm25.score(idf: idf, tf: Double(frequency), lengthNorm: norm)
        if parts != nil {
            let text = words.map(\.word).joined(separator: " ")
            parts?.append(searcher.termExplanation(nil, what: slop.map { "\"\(text)\"~\($0)" } ?? "phrase \"\(text)\"", idf: idf, tf: Double(frequency), length: length, value: value))
        }
        return value
    }
}

/// A fixed list of documents (a filter, or title matches) with their scores.
final class DocListScorer: BooleanScorer {
    private let docs: [UInt32]
    private let scores: [Double]?
    private let what: String
    private var index = 0

    init(docs: [UInt32], scores: [Double]?, description: String) throws {
        self.docs = docs
        self.scores = scores
        what = description
        super.init()
        cost = docs.count
        doc = docs.first ?? PostingsIterator.exhausted
    }

    override func advance(to target: UInt32) throws {
        while index < docs.count && docs[index] < target { index += 1 }
        doc = index < docs.count ? docs[index] : PostingsIterator.exhausted
    }

    override func blockBound() throws -> (bound: Double, limit: UInt32) {
        (GroupCursor.inflate(scores?.max() ?? 0), PostingsIterator.exhausted - 1)
    }

    override func score(length: Double, norm: Double, parts: inout [Explanation]?) throws -> Double {
        guard let scores else { return 0 }
        parts?.append(Explanation(value: scores[index], description: "\(what) (BM25 over titles)"))
        return scores[index]
    }
}

/// Lucene's boolean clause set: every `must`, none of `mustNot`, and — without a `must` — one
/// `should` at least; the score is the sum of the matching clauses'.
final class ClauseScorer: FindingScorer {
    private let must: [BooleanScorer]
    private let should: [BooleanScorer]
    private let mustNot: [BooleanScorer]
    /// Unretained references to the clauses, for the per-document loops; `leapfrog` holds the
    /// `must` ones cheapest first (scores add in query order, as `--explain` lists them).
    private let leapfrog: [Unmanaged<BooleanScorer>]
    private let mustRefs: [Unmanaged<BooleanScorer>]
    private let shouldRefs: [Unmanaged<BooleanScorer>]
    private let mustNotRefs: [Unmanaged<BooleanScorer>]
    private let scoringRefs: [Unmanaged<BooleanScorer>]
    /// At the root: the top k's threshold. A candidate whose block bound cannot beat it is
    /// skipped, with every document up to the bound's limit, before its exclusions are checked.
    private let threshold: ScoreThreshold?

    init(must: [BooleanScorer], should: [BooleanScorer], mustNot: [BooleanScorer], threshold: ScoreThreshold? = nil) throws {
        self.must = must
        self.should = should
        self.mustNot = mustNot
        // The cheapest clause leads the leapfrog: the others are only asked about its documents.
        leapfrog = unretained(must.sorted { $0.cost < $1.cost })
        mustRefs = unretained(must)
        shouldRefs = unretained(should)
        mustNotRefs = unretained(mustNot)
        scoringRefs = mustRefs + shouldRefs
        self.threshold = threshold
        super.init()
        cost = must.isEmpty ? should.reduce(0) { $0 + $1.cost } : (must.map(\.cost).min() ?? 0)
        doc = 0
        try find(from: 0)
    }

    override func find(from target: UInt32) throws {
        var candidate = target
        while candidate != PostingsIterator.exhausted {
            if !mustRefs.isEmpty {
                guard try allOn(leapfrog, &candidate) else { continue }
            } else {
                var smallest = PostingsIterator.exhausted
                for s in shouldRefs {
                    try s._withUnsafeGuaranteedRef { s in
                        try s.advance(to: candidate)
                        smallest = min(smallest, s.doc)
                    }
                }
                candidate = smallest
                guard candidate != PostingsIterator.exhausted else { break }
            }
            if let threshold, threshold.value > -Double.infinity {
                doc = candidate
                let (bound, limit) = try blockBound()
                if bound < threshold.value {
                    candidate = max(candidate, limit) &+ 1
                    continue
                }
            }
            var excluded = false
            for n in mustNotRefs {
                excluded = try n._withUnsafeGuaranteedRef { n in
                    try n.advance(to: candidate)
                    return n.doc == candidate
                }
                if excluded { break }
            }
            if !excluded {
                doc = candidate
                return
            }
            candidate += 1
        }
        doc = PostingsIterator.exhausted
    }

    override func blockBound() throws -> (bound: Double, limit: UInt32) {
        var bound = 0.0, limit = PostingsIterator.exhausted - 1
        for child in scoringRefs {
            try child._withUnsafeGuaranteedRef { child in
                try child.advance(to: doc)
                guard child.doc != PostingsIterator.exhausted else { return }
                // A child past the document adds nothing before its own next document.
                if child.doc > doc {
                    limit = min(limit, child.doc - 1)
                    return
                }
                let (b, l) = try child.blockBound()
                bound += b
                limit = min(limit, l)
            }
        }
        return (bound, limit)
    }

    override func score(length: Double, norm: Double, parts: inout [Explanation]?) throws -> Double {
        var total = 0.0
        guard parts != nil else {
            for m in mustRefs { total += try m._withUnsafeGuaranteedRef { try $0.score(length: length, norm: norm, parts: &parts) } }
            for s in shouldRefs {
                try s._withUnsafeGuaranteedRef { s in
                    try s.advance(to: doc)
                    if s.doc == doc { total += try s.score(length: length, norm: norm, parts: &parts) }
                }
            }
            return total
        }
        // Explained: one part per clause (its own parts under it when it has several), so that
        // each level's parts add up, in order, to exactly its value.
        func add(_ clause: BooleanScorer) throws {
            var sub: [Explanation]? = []
            let value = try clause.score(length: length, norm: norm, parts: &sub)
            total += value
            let list = sub ?? []
            parts?.append(list.count == 1 ? list[0] : Explanation(value: value, description: "sum of \(list.count) parts", details: list))
        }
        for m in mustRefs { try m._withUnsafeGuaranteedRef { try add($0) } }
        for s in shouldRefs {
            try s._withUnsafeGuaranteedRef { s in
                try s.advance(to: doc)
                if s.doc == doc { try add(s) }
            }
        }
        return total
    }
}
