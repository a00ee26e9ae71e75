import LoupeAnalysis

/// Inverts documents in memory into one segment's worth of postings.
///
/// Per term it keeps one byte stream: for each document, `varint(doc − previous doc)`, then the
/// positions as `varint(position − previous position)` (the first from −1, so never 0), then a 0
/// terminator. The frequency is the count of positions, known only at flush. Words are mapped
/// to term ids through a cache keyed by the raw word bytes, so normalization and stemming run
/// once per distinct spelling, not once per token.
public final class SegmentBuilder {
    private let analyzer: Analyzer
    private let terms = TermTable(capacity: 1 << 16)
    private let rawWords = WordCache(capacity: 1 << 16)
    /// Second-level cache: folded spelling (+ language/name byte) → term id, so that `The`,
    /// `THE` and `the` are stemmed once.
    private let foldedWords = TermTable(capacity: 1 << 15)
    private var foldedToTerm: [Int32] = []
    private var folded: [UInt8] = []
    private let pool = PostingsPool()
    private var states: UnsafeMutablePointer<TermState>
    private var stateCapacity = 1 << 12
    private var docTerms: [Int32] = []
    private(set) var documents = DocumentTableWriter()
    private(set) var docLengths: [UInt32] = []
    private(set) var store = StoredTextWriter()

    /// What the inverter tracks per term while documents stream in.
    struct TermState {
        var stream: PostingsPool.Stream
        var lastDoc: Int32 = -1
        var lastPosition: Int32 = -1
        var nameFreq: UInt32 = 0
    }

    public init(analyzer: Analyzer) {
        self.analyzer = analyzer
        states = .allocate(capacity: stateCapacity)
    }

    deinit {
        states.deinitialize(count: terms.count)
        states.deallocate()
    }

    public var documentCount: Int { docLengths.count }
    public var termCount: Int { terms.count }

    /// Approximate bytes held, for the memory budget.
    public var memoryUsage: Int {
        pool.memoryUsage + stateCapacity * MemoryLayout<TermState>.stride + terms.memoryUsage + rawWords.memoryUsage
            + foldedWords.memoryUsage + foldedToTerm.capacity * 4 + store.memoryUsage + docLengths.count * 64
    }

    /// Analyzes and inverts one document. Returns its length in tokens.
    @discardableResult
    public func add(text: [UInt8], language: Language, path: String, title: String, contentHash: UInt64, modified: Int64, fileSize: UInt64) -> Int {
        let doc = Int32(docLengths.count)
        var position: Int32 = 0
        text.withUnsafeBufferPointer { buffer in
            analyzer.forEachWord(in: buffer) { word in
                let raw = UnsafeBufferPointer(rebasing: buffer[word.start..<word.end])
                let id = termID(raw: raw, language: language, isName: word.isName)
                guard id >= 0 else { return }
                addOccurrence(Int(id), doc: doc, position: position, isName: word.isName)
                position += 1
            }
        }
        for t in docTerms { pool.append(&states[Int(t)].stream, 0) }
        docTerms.removeAll(keepingCapacity: true)
        let location = text.withUnsafeBufferPointer { store.add($0) }
        let record = DocumentRecord(path: path, title: title, language: language.rawValue, contentHash: contentHash, modified: modified,
                                    fileSize: fileSize, textLength: UInt32(text.count), storeBlock: location.block, storeOffset: location.offset)
        documents.add(record, length: UInt32(position))
        docLengths.append(UInt32(position))
        return Int(position)
    }

    @inline(__always)
    private func termID(raw: UnsafeBufferPointer<UInt8>, language: Language, isName: Bool) -> Int32 {
        let qualifier = language.rawValue | (isName ? 0x80 : 0)
        if let known = rawWords.find(prefix: qualifier, raw) { return known }
        var id: Int32 = -1
        if analyzer.normalizer.normalize(raw, into: &folded) {
            var newFolded = false
            let foldedID = folded.withUnsafeBufferPointer {
                foldedWords.intern(prefix: language.rawValue | (isName ? 0x80 : 0), $0, inserted: &newFolded)
            }
            if !newFolded {
                id = foldedToTerm[foldedID]
            } else {
                let term = Analyzer.stem(String(decoding: folded, as: UTF8.self), language: language, isName: isName)
                let bytes = Array(term.utf8)
                var newTerm = false
                id = bytes.withUnsafeBufferPointer { Int32(terms.intern(prefix: language.rawValue, $0, inserted: &newTerm)) }
                if newTerm {
                    if Int(id) == stateCapacity { growStates() }
                    (states + Int(id)).initialize(to: TermState(stream: pool.makeStream()))
                }
                foldedToTerm.append(id)
            }
        }
        rawWords.insert(prefix: qualifier, raw, value: id)
        return id
    }

    @inline(__always)
    private func addOccurrence(_ t: Int, doc: Int32, position: Int32, isName: Bool) {
        let state = states + t
        if state.pointee.lastDoc != doc {
            pool.appendVarUInt(&state.pointee.stream, UInt32(doc - state.pointee.lastDoc))
            state.pointee.lastDoc = doc
            state.pointee.lastPosition = -1
            docTerms.append(Int32(t))
        }
        pool.appendVarUInt(&state.pointee.stream, UInt32(position - state.pointee.lastPosition))
        state.pointee.lastPosition = position
        if isName { state.pointee.nameFreq += 1 }
    }

    private func growStates() {
        let bigger = UnsafeMutablePointer<TermState>.allocate(capacity: stateCapacity * 2)
        bigger.moveInitialize(from: states, count: terms.count - 1)
        states.deallocate()
        states = bigger
        stateCapacity *= 2
    }

    /// Writes the segment's five files into `directory` under `name`, each fsynced.
    public func write(to directory: IndexDirectory, name: String) throws -> Manifest.Segment {
        let writer = try SegmentWriter(directory: directory, name: name)
        var docs: [UInt32] = [], freqs: [UInt32] = [], positions: [UInt32] = [], stream: [UInt8] = []
        let averageDocLength = DocumentLengths.average(docLengths)
        for t in sortedTermIDs() {
            stream.removeAll(keepingCapacity: true)
            pool.read(states[t].stream) { stream.append(contentsOf: $0) }
            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
            decode(stream, docs: &docs, freqs: &freqs, positions: &positions)
            var next = 0
            try writer.addTerm(terms.key(t), docs: docs, freqs: freqs, docLengths: docLengths, averageDocLength: averageDocLength,
                               totalTermFreq: positions.count,
                               nameFreq: Int(states[t].nameFreq)) { i, out in
                PostingsEncoder.writePositions(positions, from: &next, count: Int(freqs[i]), into: &out)
            }
        }
        return try writer.finish(documents: documents, store: &store)
    }

    private func decode(_ data: [UInt8], docs: inout [UInt32], freqs: inout [UInt32], positions: inout [UInt32]) {
        var i = 0
        var doc: Int64 = -1
        func varint() -> UInt32 {
            var result: UInt32 = 0
            var shift: UInt32 = 0
            while true {
                let b = data[i]
                i += 1
                result |= UInt32(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }
        while i < data.count {
            doc += Int64(varint())
            docs.append(UInt32(doc))
            var position: Int64 = -1
            var tf: UInt32 = 0
            while true {
                let delta = varint()
                if delta == 0 { break }
                position += Int64(delta)
                positions.append(UInt32(position))
                tf += 1
            }
            freqs.append(tf)
        }
    }

    /// Term ids in byte order of their keys (an 8-byte big-endian prefix compares first).
    private func sortedTermIDs() -> [Int] {
        let n = terms.count
        var prefixes = [UInt64](repeating: 0, count: n)
        for t in 0..<n {
            prefixes[t] = terms.withKey(t) { key in
                var p: UInt64 = 0
                for i in 0..<8 { p = p << 8 | UInt64(i < key.count ? key[i] : 0) }
                return p
            }
        }
        var order = Array(0..<n)
        order.sort { a, b in
            if prefixes[a] != prefixes[b] { return prefixes[a] < prefixes[b] }
            return terms.withKey(a) { ka in terms.withKey(b) { kb in ka.lexicographicallyPrecedes(kb) } }
        }
        return order
    }
}
