import Dispatch
import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage
import Synchronization

/// Writes one segment from several sources — segment builders still in memory and segments on
/// disk — each with a map from its doc ids to the combined segment's. Builders flushing alone
/// and the final merge of a build both come through here, so a build that fits its memory budget
/// writes its one segment once, straight from the builders, with no intermediate segments.
///
/// Documents go in combined doc-id order; stored-text blocks are copied without recompression;
/// positions keep their encoding (it does not depend on doc ids); each term's doc ids and
/// frequencies are encoded into fresh blocks with new skip data and impacts.
///
/// The key space is cut into `threads` ranges combined in parallel into memory, then written in
/// order; past `bufferLimit` bytes of input postings and positions it runs in one streaming pass
/// instead, so it stays within the build's memory budget.
enum SegmentCombiner {
    /// Key ranges per thread in a parallel combine: enough for the threads to finish together and
    /// for writing to overlap combining, few enough that each range is worth a task.
    static let rangesPerThread = 8

    static func combine(_ sources: [CombineSource], into directory: IndexDirectory, name: String, threads: Int = 1,
                        bufferLimit: Int = 256 << 20) throws -> Manifest.Segment {
        let started = monotonicSeconds()
        // Where each combined document comes from, and its length.
        let total = sources.reduce(0) { $0 + $1.liveCount }
        var owner = [(source: Int32, local: Int32)](repeating: (-1, -1), count: total)
        for (s, source) in sources.enumerated() {
            for (local, combined) in source.docMap.enumerated() where combined != CombineSource.dropped {
                guard Int(combined) < total, owner[Int(combined)].source < 0 else {
                    throw IndexError.invalidInput("combining \(name): document ids do not map one to one")
                }
                owner[Int(combined)] = (Int32(s), Int32(local))
            }
        }
        let docLengths = owner.map { sources[Int($0.source)].length(Int($0.local)) }

        // Terms: a k-way merge of the sorted term lists. In parallel, the key space is cut into
        // `rangeCount` small ranges that the threads take in order, as they take the documents job;
        // each range is combined into memory, and whoever finishes one appends every range that is
        // ready, in key order, to the files (`OrderedAppender`), so writing overlaps combining.
        let writer = try SegmentWriter(directory: directory, name: name)
        let inputBytes = sources.reduce(0) { $0 + $1.inputBytes }
        let parallel = threads > 1 && inputBytes <= bufferLimit
        let rangeCount = parallel ? min(max(1, sources.map(\.terms.count).max() ?? 0), threads * rangesPerThread) : 1
        var rangesPerPart: [[Range<Int>]] = [sources.map { 0..<$0.terms.count }]
        if rangeCount > 1 {
            // Split points: keys at even quantiles of the longest list.
            let longest = sources.max { $0.terms.count < $1.terms.count }?.terms ?? SortedTerms()
            let splits = (1..<rangeCount).map { longest.key(longest.count * $0 / rangeCount) }
            rangesPerPart = (0..<rangeCount).map { p in
                sources.map { source in
                    let start = p == 0 ? 0 : source.terms.lowerBound(splits[p - 1])
                    let end = p == rangeCount - 1 ? source.terms.count : source.terms.lowerBound(splits[p])
                    return start..<max(start, end)
                }
            }
        }
        let failure = Locked<IndexError?>(nil)
        let ranges = rangesPerPart, frozenOwner = owner
        let streaming = OneTask(value: writer)
        // Job 0's use of the writer: `writeDocuments` touches only its own files (under a lock),
        // never the terms' state the other jobs use.
        let documentsWriter = OneTask(value: writer)
        let appender = OrderedAppender(writer: writer, count: rangeCount)
        // Job 0 writes the documents and the store; job r + 1 combines key range r.
        let nextJob = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: parallel ? threads : 2) { _ in
            while true {
                let job = nextJob.add(1, ordering: .relaxed).oldValue
                guard job <= rangeCount, failure.withLock({ $0 == nil }) else { return }
                do {
                    if job == 0 {
                        var store = StoredTextWriter()
                        let blockBases = try sources.map { try $0.moveStore(to: &store) }
                        var documents = DocumentTableWriter()
                        for (combined, (s, local)) in frozenOwner.enumerated() {
                            let record = try sources[Int(s)].placedRecord(Int(local), blockBase: blockBases[Int(s)])
                            documents.add(record, length: docLengths[combined])
                        }
                        try documentsWriter.value.writeDocuments(documents, store: &store)
                        BuildTrace.mark("combine \(name): documents written", since: started)
                    } else if !parallel {
                        try combineTerms(sources, ranges: ranges[0], docLengths, into: streaming.value)
                    } else {
                        let buffer = BufferedTerms(expectedBytes: inputBytes / rangeCount)
                        try combineTerms(sources, ranges: ranges[job - 1], docLengths, into: buffer)
                        try appender.finished(job - 1, buffer)
                    }
                } catch {
                    let failed = error as? IndexError ?? .invalidInput("combining \(name) failed: \(error)")
                    failure.withLock { $0 = $0 ?? failed }
                    return
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        BuildTrace.mark("combine \(name): documents and terms", since: started)
        var variants = Set<AccentVariant>()
        for source in sources { variants.formUnion(try source.accentVariants()) }
        writer.setAccentVariants(variants)
        try writer.finishTerms()
        BuildTrace.mark("combine \(name): files", since: started)
        return Manifest.Segment(name: name, docCount: total, totalTokens: docLengths.reduce(0) { $0 + UInt64($1) })
    }

    /// Combines the terms of `ranges` (one index range per source) into `sink`, in key order.
    static func combineTerms(_ sources: [CombineSource], ranges: [Range<Int>], _ docLengths: [UInt32], into sink: TermSink) throws {
        let averageDocLength = DocumentLengths.average(docLengths)
        let out = GatheredPostings()
        let parts = sources.map { _ in GatheredPostings() }
        try docLengths.withUnsafeBufferPointer { docLengths in
            try SortedTerms.withViews(sources.map(\.terms)) { terms in
                var heads = ranges.map(\.lowerBound)
                let ends = ranges.map(\.upperBound)
                var members: [Int] = []
                while true {
                    var smallest = -1
                    for s in terms.indices where heads[s] < ends[s] {
                        if smallest < 0 || terms[s].compare(heads[s], terms[smallest], heads[smallest]) < 0 { smallest = s }
                    }
                    guard smallest >= 0 else { break }
                    members.removeAll(keepingCapacity: true)
                    for s in terms.indices where heads[s] < ends[s] {
                        if s == smallest || terms[s].compare(heads[s], terms[smallest], heads[smallest]) == 0 { members.append(s) }
                    }
                    let key = terms[smallest].key(heads[smallest]).assumingMemoryBound(to: UInt8.self)
                    out.reset()
                    if members.count == 1 {
                        try sources[smallest].gather(heads[smallest], into: out)
                    } else {
                        for s in members {
                            parts[s].reset()
                            try sources[s].gather(heads[s], into: parts[s])
                        }
                        out.merge(parts, members)
                    }
                    for s in members {
                        heads[s] += 1
                        sources[s].prefetch(far: heads[s] + 8, near: heads[s] + 4)
                    }
                    // A term only deleted documents held is gone.
                    guard out.count > 0 else { continue }
                    try sink.addTerm(key, out, docLengths: docLengths, averageDocLength: averageDocLength)
                }
            }
        }
    }
}

/// Appends the key ranges of a parallel combine to the segment writer in key order, as they
/// finish: the thread that finishes a range appends every consecutive range that is ready, while
/// the other threads go on combining (at most one thread appends at a time).
private final class OrderedAppender: @unchecked Sendable {
    private struct State {
        var ready: [BufferedTerms?]
        var next = 0
        var appending = false
    }

    private let writer: SegmentWriter
    private let state: Locked<State>

    init(writer: SegmentWriter, count: Int) {
        self.writer = writer
        state = Locked(State(ready: Array(repeating: nil, count: count)))
    }

    func finished(_ range: Int, _ terms: BufferedTerms) throws {
        let mine = state.withLock { s -> Bool in
            s.ready[range] = terms
            if s.appending { return false }
            s.appending = true
            return true
        }
        guard mine else { return }
        while true {
            let batch = state.withLock { s -> [BufferedTerms] in
                var batch: [BufferedTerms] = []
                while s.next < s.ready.count, let terms = s.ready[s.next] {
                    batch.append(terms)
                    s.ready[s.next] = nil
                    s.next += 1
                }
                if batch.isEmpty { s.appending = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                for terms in batch { try writer.append(terms) }
            } catch {
                state.withLock { $0.appending = false }
                throw error
            }
        }
    }
}

/// A reference used by exactly one task of a concurrent loop.
private struct OneTask<T>: @unchecked Sendable {
    let value: T
}
