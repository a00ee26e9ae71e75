import CSupport
import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Inverts documents in memory into one segment's worth of postings.
///
/// Per term it keeps two byte streams in a `PostingsPool`: the documents, each written when the
/// document ends as `varint(delta << 1 | tf == 1)` then `varint(tf)` when tf ≠ 1 (deltas from the
/// previous doc of the term, the first from 0), and the positions exactly as the positions file
/// stores them (per document, `tf` varint deltas, the first from 0), so that writing them out is
/// a copy. Words are mapped to term ids through a cache keyed by the raw word bytes, so
/// normalization and stemming run once per distinct spelling, not once per token.
public final class SegmentBuilder {
    private let analyzer: Analyzer
    private let terms = TermTable(capacity: 1 << 16)
    private let rawWords = WordCache(capacity: 1 << 16)
    /// A new spelling folded, then its term key (scratch, reused). There is no cache of folded
    /// spellings: `The` and `the` are each stemmed once, which costs less than a second table
    /// whose every lookup for a new spelling is a cache miss.
    private var folded: [UInt8] = []
    private var accented: [UInt8] = []
    private var plain: [UInt8] = []
    private var key: [UInt8] = []
    /// Accented words whose stem differs from their unaccented spelling's (see `AccentVariant`).
    private(set) var accentVariants = Set<AccentVariant>()
    private let pool = PostingsPool()
    private var states: UnsafeMutablePointer<TermState>
    private var stateCapacity = 1 << 12
    private let docTerms = GrowableBuffer<Int32>(capacity: 4096)
    /// The document's words, then its tokens (term id << 1 | name flag), reused across documents.
    private let words = GrowableBuffer<PendingWord>(capacity: 4096)
    private let tokens = GrowableBuffer<Int32>(capacity: 4096)
    private(set) var records: [DocumentRecord] = []
    private(set) var docLengths: [UInt32] = []
    private var store = StoredTextWriter()

    /// What the inverter tracks per term while documents stream in.
    struct TermState {
        var docs: PostingsPool.Stream
        var positions: PostingsPool.Stream
        /// The document being added, and the last one written to `docs`.
        var currentDoc: Int32 = -1
        var writtenDoc: Int32 = 0
        var tf: UInt32 = 0
        var lastPosition: Int32 = 0
        var nameFreq: UInt32 = 0
    }

    /// Words of a document inverted at a time (see `add`).
    private let wordBatch: Int

    public convenience init(analyzer: Analyzer) {
        self.init(analyzer: analyzer, wordBatch: Self.defaultWordBatch)
    }

    init(analyzer: Analyzer, wordBatch: Int) {
        self.analyzer = analyzer
        self.wordBatch = max(1, wordBatch)
        states = .allocate(capacity: stateCapacity)
    }

    deinit {
        states.deinitialize(count: terms.count)
        states.deallocate()
    }

    public var documentCount: Int { docLengths.count }
    public var termCount: Int { terms.count }

    /// Approximate bytes held, for the memory budget.
    public var memoryUsage: Int { memoryParts.reduce(0) { $0 + $1.bytes } }

    /// What `memoryUsage` adds up, part by part (`LOUPE_TRACE` shows them).
    private var memoryParts: [(name: String, bytes: Int)] {
        [("pool", pool.memoryUsage), ("states", stateCapacity * MemoryLayout<TermState>.stride), ("terms", terms.memoryUsage),
         ("spellings", rawWords.memoryUsage), ("store", store.memoryUsage), ("records", records.count * 160)]
    }

    /// Analyzes and inverts one document. Returns its length in tokens.
    @discardableResult
    public func add(text: [UInt8], language: Language, path: String, title: String, contentHash: UInt64, modified: Int64, fileSize: UInt64,
                    charset: String = "UTF-8") -> Int {
        let doc = Int32(docLengths.count)
        // Three passes over the document's words, so that the table reads each needs can be
        // prefetched a few words ahead: the per-token work is bound by cache misses (the word
        // cache, the term's state, the tail of its positions stream), not by instructions. A long
        // document is taken `wordBatch` words at a time (positions run on), so that what the
        // passes hold stays small whatever the document's size; the index is the same either way.
        var position: Int32 = 0
        words.removeAll()
        // A long text notes where every `interval`-th word starts (`TextCheckpoints`).
        wordOffsets.removeAll(keepingCapacity: true)
        notingOffsets = text.count > TextCheckpoints.minimumTextLength
        text.withUnsafeBufferPointer { invertField($0, language: language, doc: doc, from: &position) }
        var checkpoints: TextCheckpoints? = nil
        if notingOffsets {
            notingOffsets = false
            checkpoints = text.withUnsafeBufferPointer {
                TextCheckpoints.make(text: $0, wordOffsets: wordOffsets, textPositions: Int(position))
            }
            if checkpoints?.points.isEmpty == true { checkpoints = nil }
        }
        // The title field (`TitleField`): the title's words again, past a gap.
        if !title.isEmpty {
            var titlePosition = position &+ Int32(bitPattern: TitleField.gap)
            let start = titlePosition
            Array(title.utf8).withUnsafeBufferPointer { invertField($0, language: language, doc: doc, from: &titlePosition) }
            position += titlePosition - start
        }
        let docTermIDs = docTerms.buffer
        for (i, t) in docTermIDs.enumerated() {
            if i + Self.lookAhead < docTermIDs.count { pool.prefetch(states[Int(docTermIDs[i + Self.lookAhead])].docs) }
            let state = states + Int(t)
            let delta = UInt32(doc - state.pointee.writtenDoc)
            if state.pointee.tf == 1 {
                pool.appendVarUInt(&state.pointee.docs, delta << 1 | 1)
            } else {
                pool.appendVarUInt(&state.pointee.docs, delta << 1)
                pool.appendVarUInt(&state.pointee.docs, state.pointee.tf)
            }
            state.pointee.writtenDoc = doc
        }
        docTerms.removeAll()
        let location = text.withUnsafeBufferPointer { store.add($0) }
        let record = DocumentRecord(path: path, title: title, language: language.rawValue, contentHash: contentHash, modified: modified,
                                    fileSize: fileSize, textLength: UInt32(text.count), storeBlock: location.block, storeOffset: location.offset,
                                    charset: charset, checkpoints: checkpoints)
        records.append(record)
        docLengths.append(UInt32(position))
        return Int(position)
    }

    /// Inverts one field's text, `wordBatch` words at a time, at positions from `position` on
    /// (advanced past its words).
    private func invertField(_ buffer: UnsafeBufferPointer<UInt8>, language: Language, doc: Int32, from position: inout Int32) {
        let batch = wordBatch
        analyzer.forEachWord(in: buffer) { word in
            let raw = UnsafeBufferPointer(rebasing: buffer[word.start..<word.end])
            let qualifier = language.rawValue | (word.isName ? 0x80 : 0)
            words.append(PendingWord(start: Int32(word.start), end: Int32(word.end), qualifier: qualifier,
                                     probe: WordCache.probe(prefix: qualifier, raw)))
            if words.count == batch { invertWords(buffer, language: language, doc: doc, from: &position) }
        }
        invertWords(buffer, language: language, doc: doc, from: &position)
    }

    /// Resolves the pending words' terms, then adds their occurrences at positions from
    /// `position` on (advanced past them), and empties the pending words.
    private func invertWords(_ buffer: UnsafeBufferPointer<UInt8>, language: Language, doc: Int32, from position: inout Int32) {
        tokens.removeAll()
        do {
            // Read through a pointer: nothing appends to the words meanwhile.
            let words = self.words.buffer
            for i in 0..<words.count {
                if i + Self.lookAhead < words.count { rawWords.prefetch(words[i + Self.lookAhead].probe) }
                let word = words[i]
                let raw = UnsafeBufferPointer(rebasing: buffer[Int(word.start)..<Int(word.end)])
                let id = termID(raw: raw, language: language, qualifier: word.qualifier, probe: word.probe)
                if id >= 0 {
                    if notingOffsets && (Int(position) + tokens.count) % TextCheckpoints.defaultInterval == 0 { wordOffsets.append(Int(word.start)) }
                    tokens.append(id << 1 | Int32(word.qualifier >> 7))
                }
            }
        }
        do {
            // Read through a pointer: nothing appends to the tokens meanwhile.
            let tokens = self.tokens.buffer
            for i in 0..<tokens.count {
                if i + Self.lookAhead < tokens.count { csupport_prefetch(states + Int(tokens[i + Self.lookAhead] >> 1)) }
                if i + Self.lookAhead / 2 < tokens.count { pool.prefetch(states[Int(tokens[i + Self.lookAhead / 2] >> 1)].positions) }
                addOccurrence(Int(tokens[i] >> 1), doc: doc, position: position + Int32(i), isName: tokens[i] & 1 != 0)
            }
            position += Int32(tokens.count)
        }
        words.removeAll()
    }

    /// Whether the field being inverted is a long text's, whose word offsets are noted.
    private var notingOffsets = false
    /// The byte offset of every `TextCheckpoints.defaultInterval`-th word of the text being added.
    private var wordOffsets: [Int] = []

    /// Words of a document inverted at a time by default: 64 Ki words hold about 1.5 MiB of
    /// pending words and tokens, where a 134 MB text held as a whole took over a gigabyte.
    static let defaultWordBatch = 1 << 16

    /// How many words ahead the inverter prefetches.
    private static let lookAhead = 16

    /// A word of the document being added, with its word-cache probe computed.
    private struct PendingWord {
        var start: Int32
        var end: Int32
        /// Language byte, high bit set for a name.
        var qualifier: UInt8
        var probe: WordCache.Probe
    }

    @inline(__always)
    private func termID(raw: UnsafeBufferPointer<UInt8>, language: Language, qualifier: UInt8, probe: WordCache.Probe) -> Int32 {
        let isName = qualifier & 0x80 != 0
        if let known = rawWords.find(prefix: qualifier, raw, probe) { return known }
        var id: Int32 = -1
        if analyzer.normalizer.normalize(raw, into: &folded, accented: &accented) {
            key.removeAll(keepingCapacity: true)
            if accented.isEmpty {
                folded.withUnsafeBufferPointer { Analyzer.appendTerm(folded: $0, language: language, isName: isName, to: &key) }
            } else {
                folded.withUnsafeBufferPointer { f in
                    accented.withUnsafeBufferPointer { a in analyzer.appendTerm(folded: f, accented: a, language: language, isName: isName, to: &key) }
                }
                if !isName && (language == .french || language == .spanish) { noteAccentVariant(term: key, language: language) }
            }
            TermKey.appendLanguage(language, to: &key)
            var newTerm = false
            id = key.withUnsafeBufferPointer { Int32(terms.intern($0, inserted: &newTerm)) }
            if newTerm {
                if Int(id) == stateCapacity { growStates() }
                (states + Int(id)).initialize(to: TermState(docs: pool.makeStream(), positions: pool.makeStream()))
            }
        }
        rawWords.insert(prefix: qualifier, raw, value: id, probe)
        return id
    }

    /// Records an accent variant when the accented word just stemmed to `term` (in `key`) gets
    /// another stem typed without its accents (`folded`): a query typed so must still reach it.
    private func noteAccentVariant(term: [UInt8], language: Language) {
        plain.removeAll(keepingCapacity: true)
        folded.withUnsafeBufferPointer { Analyzer.appendTerm(folded: $0, language: language, isName: false, to: &plain) }
        guard plain != term else { return }
        TermKey.appendLanguage(language, to: &plain)
        accentVariants.insert(AccentVariant(from: plain, to: term))
    }

    @inline(__always)
    private func addOccurrence(_ t: Int, doc: Int32, position: Int32, isName: Bool) {
        let state = states + t
        if state.pointee.currentDoc != doc {
            state.pointee.currentDoc = doc
            state.pointee.tf = 0
            state.pointee.lastPosition = 0
            docTerms.append(Int32(t))
        }
        pool.appendVarUInt(&state.pointee.positions, UInt32(position - state.pointee.lastPosition))
        state.pointee.lastPosition = position
        state.pointee.tf += 1
        if isName { state.pointee.nameFreq += 1 }
    }

    private func growStates() {
        let bigger = UnsafeMutablePointer<TermState>.allocate(capacity: stateCapacity * 2)
        bigger.moveInitialize(from: states, count: terms.count - 1)
        states.deallocate()
        states = bigger
        stateCapacity *= 2
    }

    /// Counts for `LOUPE_TRACE`.
    var traceSummary: String {
        let parts = memoryParts.map { part -> String in
            let tenths = (part.bytes * 10 + (1 << 19)) >> 20  // MiB to one decimal, rounded
            return "\(part.name) \(tenths / 10).\(tenths % 10)"
        }
        return "\(documentCount) documents, \(rawWords.count) spellings, \(terms.count) terms; MiB: " + parts.joined(separator: ", ")
    }

    /// Writes the segment's five files into `directory` under `name`, each fsynced.
    public func write(to directory: IndexDirectory, name: String) throws -> Manifest.Segment {
        let source = CombineSource(builder: self, docMap: Array(0..<UInt32(documentCount)))
        return try SegmentCombiner.combine([source], into: directory, name: name)
    }

    /// Bytes of postings streams held.
    var postingsBytes: Int { pool.memoryUsage }

    private var sorted: (ids: [Int], keys: SortedTerms)?

    /// The term ids and keys in key order, computed once (workers call it before they hand
    /// their builder over, so the sorting runs in parallel).
    func sortedTerms() -> (ids: [Int], keys: SortedTerms) {
        if let sorted { return sorted }
        let ids = sortedTermIDs()
        var keys = SortedTerms()
        for t in ids { terms.withKey(t) { keys.append($0) } }
        sorted = (ids, keys)
        return (ids, keys)
    }

    /// Moves the stored texts to the end of `other`; returns the number of their first block.
    func moveStore(to other: inout StoredTextWriter) -> UInt32 { other.appendBlocks(of: &store) }

    /// Starts fetching term `t`'s state (for a gather a few terms ahead).
    @inline(__always)
    func prefetchState(term t: Int) { csupport_prefetch(states + t) }

    /// Starts fetching the first bytes of term `t`'s streams (its state should be cached by now).
    @inline(__always)
    func prefetchStreams(term t: Int) {
        pool.prefetchHead(states[t].docs)
        pool.prefetchHead(states[t].positions)
    }

    /// Appends term `t`'s postings to `out`, doc ids mapped through `docMap`; positions are copied.
    /// The documents stream is decoded straight from the pool's slices (a varint may straddle two).
    func gather(term t: Int, docMap map: UnsafeBufferPointer<UInt32>, into out: GatheredPostings) {
        var total = 0
        var doc = 0
        var decoder = VarInt.StreamDecoder()
        var expectingTf = false
        let docs = out.docs, freqs = out.freqs
        pool.read(states[t].docs) { slice in
            for byte in slice {
                guard let value = decoder.take(byte) else { continue }
                if expectingTf {
                    freqs.append(value)
                    total += Int(value)
                    expectingTf = false
                } else {
                    doc += Int(value >> 1)
                    docs.append(map[doc])
                    if value & 1 == 1 {
                        freqs.append(1)
                        total += 1
                    } else {
                        expectingTf = true
                    }
                }
            }
        }
        let positions = out.positions
        pool.read(states[t].positions) { positions.append(contentsOf: $0) }
        out.totalFreq += total
        out.nameFreq += Int(states[t].nameFreq)
    }

    /// Term ids in byte order of their keys: a radix sort on the keys' first 8 bytes (big-endian,
    /// zero-padded), one byte a pass from the last, then each run of equal prefixes sorted on its
    /// whole keys (words longer than 8 bytes that share their start).
    func sortedTermIDs() -> [Int] {
        struct Item {
            var prefix: UInt64
            var id: Int
        }
        let n = terms.count
        var items = [Item]()
        items.reserveCapacity(n)
        for t in 0..<n {
            let prefix = terms.withKey(t) { key in
                var p: UInt64 = 0
                for i in 0..<8 { p = p << 8 | UInt64(i < key.count ? key[i] : 0) }
                return p
            }
            items.append(Item(prefix: prefix, id: t))
        }
        var other = items
        var counts = [Int](repeating: 0, count: 256)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            for i in 0..<256 { counts[i] = 0 }
            for item in items { counts[Int((item.prefix >> shift) & 0xFF)] += 1 }
            // A byte that is the same in every key (most of the low ones) needs no pass.
            if counts.contains(n) { continue }
            var start = 0
            for i in 0..<256 { (counts[i], start) = (start, start + counts[i]) }
            for item in items {
                let b = Int((item.prefix >> shift) & 0xFF)
                other[counts[b]] = item
                counts[b] += 1
            }
            swap(&items, &other)
        }
        var runStart = 0
        while runStart < n {
            var runEnd = runStart + 1
            while runEnd < n && items[runEnd].prefix == items[runStart].prefix { runEnd += 1 }
            if runEnd - runStart > 1 {
                items[runStart..<runEnd].sort { a, b in
                    terms.withKey(a.id) { ka in terms.withKey(b.id) { kb in compareBytes(UnsafeRawBufferPointer(ka), UnsafeRawBufferPointer(kb)) < 0 } }
                }
            }
            runStart = runEnd
        }
        return items.map(\.id)
    }
}
