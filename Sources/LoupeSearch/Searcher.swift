import LoupeAnalysis
import LoupeFormat
import LoupeRead
import LoupeStorage

/// How to collect the top k.
public enum RetrievalStrategy: String, Sendable, CaseIterable {
    /// Score every document that contains a query term.
    case exhaustive
    /// MaxScore dynamic pruning (Turtle & Flood): terms whose upper bounds cannot lift a document
    /// into the top k are only probed for documents found through the others; and blocks whose
    /// block-max bounds (skip data) cannot beat the threshold are skipped whole. Where it pays,
    /// a segment is scored block by block instead (`BlockScoring`): term at a time for queries
    /// with few postings (`Searcher.termAtATimeLimit`), one word whose members never share a
    /// document, a common word after the rare ones. Same results.
    case maxScore
}

/// The ranked documents of a query, before snippets.
public struct RankedResults: Sendable {
    public var plan: QueryPlan
    public var hits: [ScoredDoc]
    /// Documents matching at least one query word (nil when not counted).
    public var totalHits: Int?
    /// Documents actually scored (for measuring pruning).
    public var scored: Int
}

/// Runs queries over an index: BM25 over term groups (see `QueryPlan`), OR semantics, top k by
/// score with ties going to the smaller doc id. Not thread-safe (it owns an analyzer): use one
/// searcher per thread over a shared `IndexReader`.
public final class Searcher {
    public let reader: IndexReader
    public let bm25: BM25
    let analyzer: Analyzer
    let norms: LengthNormTable

    /// Multi-word queries whose postings in a segment number at most this are scored term at a
    /// time there (see `RetrievalStrategy.maxScore`); 0 turns it off (tests compare both paths).
    /// 8000 measured best on the benchmark corpora (medians of 8 interleaved runs against 2000,
    /// 4000, 16000 and 32000): above it, MaxScore's skipping usually wins.
    public var termAtATimeLimit = 8000
    /// Segments larger than this are never scored block by block through the accumulator
    /// (`BlockScoring`): its arrays, kept by the searcher, take up to 60 bytes per document
    /// (scores, frequencies, two document lists, four small groups' contributions and their sums), which past
    /// a million documents costs more memory than the time it saves.
    static let termAtATimeMaxDocs = 1 << 20
    let termAtATimeScratch = TermAtATimeScratch()
    /// Per-document arrays for boolean queries evaluated term at a time (`booleanTermAtATime`).
    let denseScratch = DenseScratch()

    public init(reader: IndexReader) throws {
        self.reader = reader
        bm25 = BM25(docCount: reader.docCount, averageDocLength: reader.averageDocLength)
        norms = LengthNormTable(bm25)
        analyzer = try Analyzer()
    }

    /// Analyzes and parses a query (no index access).
    public func parse(_ query: String) -> ParsedQuery { ParsedQuery(query, analyzer: analyzer, expandNames: expandNames, matchAll: matchAll) }

    /// Whether words side by side must all occur (`loupe search --all`): the query is then
    /// evaluated as a boolean one.
    public var matchAll = false

    /// The sentence iterator passages are cut with, made by the first request for passages.
    private var sentences: SentenceBreaker?

    func sentenceBreaker() throws -> SentenceBreaker {
        if let sentences { return sentences }
        let made = try SentenceBreaker()
        sentences = made
        return made
    }

    /// Titles analyzed, built by the first `title:` query.
    private var titles: TitleIndex?

    func titleIndex() throws -> TitleIndex {
        if let titles { return titles }
        let built = try TitleIndex(reader: reader, analyzer: analyzer)
        titles = built
        return built
    }

    /// Documents every query is limited to (`--lang`, `--path-prefix`, `--modified-after`).
    public var filter = SearchFilter()

    /// Whether a query that names a place or a language also searches its names in the other
    /// languages (`NameAlternative`); `loupe search --no-translate` turns it off.
    public var expandNames = true

    /// Looks a parsed query up in the index.
    public func plan(_ query: ParsedQuery) throws -> QueryPlan {
        if let error = query.syntaxError { throw error }
        if let syntax = query.syntax { return try QueryPlan.make(query, syntax: syntax, analyzer: analyzer, reader: reader, bm25: bm25) }
        return try QueryPlan.make(query, reader: reader, bm25: bm25)
    }

    public func plan(_ query: String) throws -> QueryPlan { try plan(parse(query)) }

    /// The top `k` documents for `query`.
    public func search(_ query: String, k: Int = 10, strategy: RetrievalStrategy = .maxScore, countTotal: Bool = true) throws -> RankedResults {
        try search(parse(query), k: k, strategy: strategy, countTotal: countTotal)
    }

    /// The top `k` documents for a parsed query.
    public func search(_ query: ParsedQuery, k: Int = 10, strategy: RetrievalStrategy = .maxScore, countTotal: Bool = true) throws -> RankedResults {
        try search(plan(query), k: k, strategy: strategy, countTotal: countTotal)
    }

    public func search(_ plan: QueryPlan, k: Int, strategy: RetrievalStrategy = .maxScore, countTotal: Bool = true) throws -> RankedResults {
        var collector = TopKCollector(k: max(0, k))
        var scored = 0
        var total = 0
        if let tree = plan.boolean {
            // Document at a time; with `.maxScore` the root skips what cannot beat the top k's
            // threshold (`ClauseScorer`), with `.exhaustive` it scores every match. The count of
            // matches, when asked for, is a pass of its own that scores nothing.
            let threshold = ScoreThreshold()
            for (s, segment) in reader.segments.enumerated() {
                collector.filter = try DocFilter.make(plan, filter, segment, s) { try makeCursor($0, index: 0, segment, s, priming: false) }
                // Few postings: term at a time, every match scored and counted in one pass.
                if strategy == .maxScore, let matches = try booleanTermAtATime(tree, segment, s, &collector) {
                    total += matches
                    scored += matches
                    threshold.value = collector.threshold
                    continue
                }
                var factory = BooleanScorerFactory(searcher: self, segment: segment, segmentIndex: s)
                if countTotal {
                    let counter = try factory.makeRoot(tree)
                    while counter.doc != PostingsIterator.exhausted {
                        if collector.filter?.allows(local: Int(counter.doc)) ?? true { total += 1 }
                        try counter.advance(to: counter.doc + 1)
                    }
                }
                if strategy == .maxScore { factory.threshold = threshold }
                let root = try factory.makeRoot(tree)
                var none: [Explanation]? = nil
                let lengths = segment.documents
                while root.doc != PostingsIterator.exhausted {
                    let doc = root.doc
                    if collector.filter?.allows(local: Int(doc)) ?? true {
                        let length = lengths.length(Int(doc))
                        let score = try root.score(length: Double(length), norm: norms.norm(length), parts: &none)
                        collector.offer(ScoredDoc(score: score, doc: segment.docBase + Int(doc)))
                        threshold.value = collector.threshold
                        scored += 1
                    }
                    try root.advance(to: doc + 1)
                }
            }
            return RankedResults(plan: plan, hits: collector.sorted(), totalHits: countTotal ? total : nil, scored: scored)
        }
        if !plan.phrases.isEmpty || !plan.alternatives.isEmpty {
            for (s, segment) in reader.segments.enumerated() {
                collector.filter = try DocFilter.make(plan, filter, segment, s) { try makeCursor($0, index: 0, segment, s, priming: false) }
                let matched = plan.phrases.isEmpty ? try alternativesSearch(plan, segment, s, &collector)
                    : try phraseSearch(plan, segment, s, &collector, countingMatches: countTotal || strategy == .exhaustive)
                total += matched
                scored += matched
            }
            return RankedResults(plan: plan, hits: collector.sorted(), totalHits: countTotal ? total : nil, scored: scored)
        }
        for (s, segment) in reader.segments.enumerated() {
            collector.filter = try DocFilter.make(plan, filter, segment, s) { try makeCursor($0, index: 0, segment, s, priming: false) }
            if countTotal {
                let cursors = try makeCursors(plan, segment, s)
                total += try countUnion(cursors, collector.filter)
            }
            // Not primed: the block-at-a-time strategies read from the start; the others prime them.
            let cursors = try makeCursors(plan, segment, s, priming: false)
            guard !cursors.isEmpty else { continue }
            func primed() throws -> [GroupCursor] {
                for c in cursors { try c.prime() }
                return cursors
            }
            switch strategy {
            case .exhaustive: scored += try exhaustive(try primed(), segment, plan.orGroupCount, &collector)
            case .maxScore:
                let postings = cursors.map(\.postingsCount)
                let blockScoring = segment.docCount <= Self.termAtATimeMaxDocs
                if cursors.count == 1 && cursors[0].membersAreLanguageDisjoint {
                    scored += try disjointGroup(cursors[0], segment, &collector)
                } else if blockScoring && postings.reduce(0, +) <= termAtATimeLimit {
                    scored += try termAtATime(cursors, segment, &collector)
                } else if blockScoring, let large = oneLargeGroup(cursors, postings: postings) {
                    scored += try largeGroupWithSmallOnes(try primed(), large: large, segment, &collector)
                } else if cursors.count == 1 {
                    scored += try singleGroup(try primed()[0], segment, &collector)
                } else {
                    scored += try maxScore(try primed(), segment, plan.orGroupCount, &collector)
                }
            }
        }
        return RankedResults(plan: plan, hits: collector.sorted(), totalHits: countTotal ? total : nil, scored: scored)
    }

    private func makeCursors(_ plan: QueryPlan, _ segment: SegmentReader, _ segmentIndex: Int, priming: Bool = true) throws -> [GroupCursor] {
        try plan.groups.prefix(plan.orGroupCount).enumerated().compactMap { index, group in
            try makeCursor(group, index: index, segment, segmentIndex, priming: priming)
        }
    }

    /// A cursor over one group's postings in a segment, or nil when the segment has none of its
    /// terms; without `priming`, for `forEachMemberBlock` only (see `GroupCursor.init`).
    func makeCursor(_ group: TermGroup, index: Int, _ segment: SegmentReader, _ segmentIndex: Int, priming: Bool = true) throws -> GroupCursor? {
        var members: [GroupCursor.Member] = []
        members.reserveCapacity(group.keys.count)
        for (k, key) in group.keys.enumerated() {
            guard let info = try group.entry(k, in: segment, at: segmentIndex) else { continue }
            let postings = try segment.postings(info)
            let impacts = postings.termImpacts ?? Impacts(tf: UInt32(clamping: info.maxTermFreq), length: UInt32(clamping: info.minDocLength))
            members.append(GroupCursor.Member(postings: postings, language: key.last ?? 0, impacts: impacts))
        }
        guard !members.isEmpty else { return nil }
        return try GroupCursor(group: index, idf: group.idf, members: members, bm25: bm25, priming: priming)
    }

    /// Queries with phrases: documents containing every phrase (a conjunction of the phrases'
    /// words, advanced with skipping, then checked position by position), scored by the phrases'
    /// frequencies plus the OR words they contain. Returns the number of matching documents.
    private func phraseSearch(_ plan: QueryPlan, _ segment: SegmentReader, _ segmentIndex: Int,
                              _ collector: inout TopKCollector, countingMatches: Bool) throws -> Int {
        var phraseCursors: [[GroupCursor]] = []
        for phrase in plan.phrases {
            var cursors: [GroupCursor] = []
            for word in phrase.words {
                guard let cursor = try makeCursor(word, index: 0, segment, segmentIndex) else { return 0 }
                cursors.append(cursor)
            }
            phraseCursors.append(cursors)
        }
        let required = phraseCursors.flatMap { $0 }
        let optional = try makeCursors(plan, segment, segmentIndex)
        let optionalBound = optional.reduce(0) { $0 + $1.upperBound }
        // Per phrase, its idf and its words' cursors (unretained: `phraseCursors` keeps them),
        // worked out once, not per document.
        let idfs = plan.phrases.map(\.idf)
        let refs = phraseCursors.map { unretained($0) }
        var matched = 0
        var matcher = PhraseMatcher()
        try forEachCommonDocument(required) { doc in
            let length = Double(segment.documents.length(Int(doc)))
            // A document that cannot enter the top k — each phrase occurs at most as often as
            // its rarest word there — is passed over before its positions are read (it still
            // counts as a match only when counting, below).
            if !countingMatches, collector.threshold > -Double.infinity {
                let norm = norms.norm(UInt32(length))
                var bound = optionalBound
                for p in refs.indices {
                    var least = UInt32.max
                    for c in refs[p] { least = min(least, c._withUnsafeGuaranteedRef { $0.freq }) }
                    bound += bm25.score(idf: idfs[p], tf: Double(least), lengthNorm: norm)
                }
                if GroupCursor.inflate(bound) < collector.threshold { return }
            }
            var score = 0.0
            var allPhrasesFound = true
            for p in phraseCursors.indices {
                let frequency = try matcher.phraseFrequency(refs[p])
                if frequency == 0 {
                    allPhrasesFound = false
                    break
                }
                score += bm25.score(idf: idfs[p], tf: Double(frequency), docLength: length)
            }
            if allPhrasesFound, collector.filter?.allows(local: Int(doc)) ?? true {
                matched += 1
                for c in optional {
                    try c.advance(to: doc)
                    if c.doc == doc { score += bm25.score(idf: c.idf, tf: Double(c.freq), docLength: length) }
                }
                collector.offer(ScoredDoc(score: score, doc: segment.docBase + Int(doc)))
            }
        }
        return matched
    }

    /// Calls `body` with every document all `cursors` are on, in order: each cursor advanced with
    /// skipping to the largest document the others are on, until they agree.
    private func forEachCommonDocument(_ cursors: [GroupCursor], _ body: (UInt32) throws -> Void) throws {
        var doc = cursors.reduce(0) { max($0, $1.doc) }
        let refs = unretained(cursors.sorted { $0.postingsCount < $1.postingsCount })
        while doc != PostingsIterator.exhausted {
            guard try allOn(refs, &doc) else { continue }
            try body(doc)
            doc += 1
        }
    }

    /// Queries naming a place or a language: every document holding a query word or a translation
    /// of the name, scored by its words plus each translation it holds (`NameAlternative`). One
    /// exhaustive path whatever the strategy, so the two strategies agree by construction.
    /// Returns the number of matching documents.
    private func alternativesSearch(_ plan: QueryPlan, _ segment: SegmentReader, _ segmentIndex: Int,
                                    _ collector: inout TopKCollector) throws -> Int {
        let lengths = segment.documents
        // The documents holding each translation, and what it adds to their score (in plan order).
        var extra: [UInt32: Double] = [:]
        for alternative in plan.alternatives {
            var cursors: [GroupCursor] = []
            for word in alternative.words {
                guard let cursor = try makeCursor(word, index: 0, segment, segmentIndex) else { break }
                cursors.append(cursor)
            }
            guard !cursors.isEmpty, cursors.count == alternative.words.count else { continue }
            var matcher = PhraseMatcher()
            try forEachCommonDocument(cursors) { doc in
                let frequency = cursors.count == 1 ? Int(cursors[0].freq) : try matcher.phraseFrequency(cursors)
                if frequency > 0 {
                    let length = Double(lengths.length(Int(doc)))
                    extra[doc, default: 0] += NameAlternative.weight * bm25.score(idf: alternative.idf, tf: Double(frequency), docLength: length)
                }
            }
        }
        let extraDocs = extra.keys.sorted()
        let cursors = try makeCursors(plan, segment, segmentIndex)
        var contributions = [Double](repeating: 0, count: plan.orGroupCount)
        var matched = 0, e = 0
        while true {
            var doc = PostingsIterator.exhausted
            for c in cursors { doc = min(doc, c.doc) }
            if e < extraDocs.count { doc = min(doc, extraDocs[e]) }
            if doc == PostingsIterator.exhausted { return matched }
            let length = Double(lengths.length(Int(doc)))
            for c in cursors where c.doc == doc {
                contributions[c.group] = bm25.score(idf: c.idf, tf: Double(c.freq), docLength: length)
                _ = try c.next()
            }
            var score = 0.0
            for g in contributions.indices where contributions[g] != 0 {
                score += contributions[g]
                contributions[g] = 0
            }
            if e < extraDocs.count && extraDocs[e] == doc {
                score += extra[doc] ?? 0
                e += 1
            }
            if collector.filter?.allows(local: Int(doc)) ?? true { matched += 1 }
            collector.offer(ScoredDoc(score: score, doc: segment.docBase + Int(doc)))
        }
    }

    /// How many times the words of `cursors` (all on the same document) occur at consecutive positions.
    func phraseFrequency(_ cursors: [GroupCursor]) throws -> Int {
        var matcher = PhraseMatcher()
        return try matcher.phraseFrequency(cursors)
    }

    private func countUnion(_ owners: [GroupCursor], _ filter: DocFilter?) throws -> Int {
        try withUnretained(owners) { cursors in
            var count = 0
            while true {
                var doc = PostingsIterator.exhausted
                for c in cursors { doc = min(doc, c.takeUnretainedValue().doc) }
                if doc == PostingsIterator.exhausted { return count }
                if filter?.allows(local: Int(doc)) ?? true { count += 1 }
                for c in cursors {
                    try c._withUnsafeGuaranteedRef { if $0.doc == doc { try $0.next() } }
                }
            }
        }
    }

    /// Calls `body` with unretained references to `owners`, which stay alive meanwhile: the
    /// per-document loops below would otherwise spend most of their time on reference counting.
    private func withUnretained<R>(_ owners: [GroupCursor], _ body: (UnsafeBufferPointer<Unmanaged<GroupCursor>>) throws -> R) rethrows -> R {
        let refs = owners.map { Unmanaged.passUnretained($0) }
        return try withExtendedLifetime(owners) { try refs.withUnsafeBufferPointer { try body($0) } }
    }

    /// Sums the groups' contributions in group order (every strategy thus gets bit-identical
    /// scores) and clears them. Untouched groups hold 0, and every contribution is positive.
    @inline(__always)
    private func total(_ contributions: UnsafeMutableBufferPointer<Double>) -> Double {
        var sum = 0.0
        for g in 0..<contributions.count where contributions[g] != 0 {
            sum += contributions[g]
            contributions[g] = 0
        }
        return sum
    }

    private func exhaustive(_ owners: [GroupCursor], _ segment: SegmentReader, _ groupCount: Int, _ collector: inout TopKCollector) throws -> Int {
        let contributions = UnsafeMutableBufferPointer<Double>.allocate(capacity: groupCount)
        contributions.initialize(repeating: 0)
        defer { contributions.deallocate() }
        let lengths = segment.documents
        let norms = self.norms  // a local reference: no retain per document
        return try withUnretained(owners) { cursors in
            var scored = 0
            while true {
                var doc = PostingsIterator.exhausted
                for c in cursors { doc = min(doc, c.takeUnretainedValue().doc) }
                if doc == PostingsIterator.exhausted { return scored }
                let lengthNorm = norms.norm(lengths.length(Int(doc)))
                for ref in cursors {
                    try ref._withUnsafeGuaranteedRef { c in
                        guard c.doc == doc else { return }
                        contributions[c.group] = bm25.score(idf: c.idf, tf: Double(c.freq), lengthNorm: lengthNorm)
                        try c.next()
                    }
                }
                scored += 1
                collector.offer(ScoredDoc(score: total(contributions), doc: segment.docBase + Int(doc)))
            }
        }
    }

    /// MaxScore with one group (a one-word query, or one word in this segment): blocks whose
    /// bound cannot beat the threshold are skipped, the others scored in a tight loop.
    private func singleGroup(_ c: GroupCursor, _ segment: SegmentReader, _ collector: inout TopKCollector) throws -> Int {
        let lengths = segment.documents
        let norms = self.norms  // a local reference: no retain per document
        let base = segment.docBase
        var threshold = collector.threshold
        var scored = 0
        while c.doc != PostingsIterator.exhausted {
            // Until k documents are held, everything is scored; then block by block.
            var limit = UInt32.max - 1, bound = Double.infinity
            if threshold > -Double.infinity {
                let b = c.blockBound()
                if b.bound <= threshold {
                    try c.advance(to: b.limit &+ 1)
                    continue
                }
                (bound, limit) = (b.bound, b.limit)
            }
            // Score up to the block's end, or until the threshold outgrows the block's bound.
            while c.doc <= limit {
                let doc = c.doc
                let s = bm25.score(idf: c.idf, tf: Double(c.freq), lengthNorm: norms.norm(lengths.length(Int(doc))))
                scored += 1
                try c.next()
                if s > threshold && collector.offer(ScoredDoc(score: s, doc: base + Int(doc))) {
                    let updated = collector.threshold
                    if updated > threshold {
                        threshold = updated
                        // Back to the block check when this block can no longer compete, or when
                        // the collector has just filled up (block skipping can begin).
                        if bound <= threshold || bound == .infinity { break }
                    }
                }
            }
        }
        return scored
    }

    private func maxScore(_ unsorted: [GroupCursor], _ segment: SegmentReader, _ groupCount: Int, _ collector: inout TopKCollector) throws -> Int {
        let owners = unsorted.sorted { $0.upperBound < $1.upperBound }
        var prefix = [Double](repeating: 0, count: owners.count)
        var running = 0.0
        for (i, c) in owners.enumerated() {
            running += c.upperBound
            prefix[i] = running
        }
        let contributions = UnsafeMutableBufferPointer<Double>.allocate(capacity: groupCount)
        contributions.initialize(repeating: 0)
        defer { contributions.deallocate() }
        let lengths = segment.documents
        let norms = self.norms  // a local reference: no retain per document
        return try withUnretained(owners) { cursors in
            var threshold = collector.threshold
            // Cursors below `firstEssential` together cannot beat the threshold: they never lead.
            func essentialStart() -> Int {
                var i = 0
                while i < cursors.count && prefix[i] <= threshold { i += 1 }
                return i
            }
            var firstEssential = essentialStart()
            var scored = 0
            var passedUntil: UInt32 = 0, passedAt = -Double.infinity
            while firstEssential < cursors.count {
                var doc = PostingsIterator.exhausted
                for i in firstEssential..<cursors.count { doc = min(doc, cursors[i].takeUnretainedValue().doc) }
                if doc == PostingsIterator.exhausted { break }
                // Block-max check: if the blocks under `doc` cannot beat the threshold, skip them all.
                // A check that passed holds, at the same threshold, up to its limit.
                if threshold > -Double.infinity && (doc > passedUntil || threshold != passedAt) {
                    var bound = firstEssential > 0 ? prefix[firstEssential - 1] : 0
                    var limit = UInt32.max - 1
                    for i in firstEssential..<cursors.count {
                        cursors[i]._withUnsafeGuaranteedRef { c in
                            if c.doc == doc {
                                let b = c.blockBound()
                                bound += b.bound
                                limit = min(limit, b.limit)
                            } else {
                                limit = min(limit, c.doc &- 1)
                            }
                        }
                    }
                    if bound <= threshold {
                        let target = limit &+ 1
                        for i in firstEssential..<cursors.count {
                            try cursors[i]._withUnsafeGuaranteedRef { c in if c.doc < target { try c.advance(to: target) } }
                        }
                        continue
                    }
                    passedUntil = limit
                    passedAt = threshold
                }
                let lengthNorm = norms.norm(lengths.length(Int(doc)))
                var score = 0.0
                for i in firstEssential..<cursors.count {
                    try cursors[i]._withUnsafeGuaranteedRef { c in
                        guard c.doc == doc else { return }
                        let s = bm25.score(idf: c.idf, tf: Double(c.freq), lengthNorm: lengthNorm)
                        contributions[c.group] = s
                        score += s
                        try c.next()
                    }
                }
                var pruned = false
                var i = firstEssential - 1
                while i >= 0 {
                    if score + prefix[i] <= threshold {
                        pruned = true
                        break
                    }
                    try cursors[i]._withUnsafeGuaranteedRef { c in
                        try c.advance(to: doc)
                        if c.doc == doc {
                            let s = bm25.score(idf: c.idf, tf: Double(c.freq), lengthNorm: lengthNorm)
                            contributions[c.group] = s
                            score += s
                        }
                    }
                    i -= 1
                }
                let final = total(contributions)
                if pruned { continue }
                scored += 1
                // A full collector keeps its documents on ties (they have smaller ids).
                if final <= threshold { continue }
                if collector.offer(ScoredDoc(score: final, doc: segment.docBase + Int(doc))) {
                    let updated = collector.threshold
                    if updated > threshold {
                        threshold = updated
                        firstEssential = essentialStart()
                    }
                }
            }
            return scored
        }
    }
}
