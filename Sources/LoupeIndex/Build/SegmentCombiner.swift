import Dispatch
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
    static func combine(_ sources: [CombineSource], into directory: IndexDirectory, name: String, threads: Int = 1,
                        bufferLimit: Int = 256 << 20) throws -> Manifest.Segment {
        let started = monotonicSeconds()
        // Where each combined document comes from, and its length.
        let total = sources.reduce(0) { $0 + $1.docCount }
        var owner = [(source: Int32, local: Int32)](repeating: (-1, -1), count: total)
        for (s, source) in sources.enumerated() {
            for (local, combined) in source.docMap.enumerated() {
                guard Int(combined) < total, owner[Int(combined)].source < 0 else {
                    throw IndexError.invalidInput("combining \(name): document ids do not map one to one")
                }
                owner[Int(combined)] = (Int32(s), Int32(local))
            }
        }
        let docLengths = owner.map { sources[Int($0.source)].length(Int($0.local)) }

        // Terms: a k-way merge of the sorted term lists, over key ranges, in parallel with the
        // documents and stored text (task 0).
        let writer = try SegmentWriter(directory: directory, name: name)
        let inputBytes = sources.reduce(0) { $0 + $1.inputBytes }
        let parts = inputBytes > bufferLimit ? 1 : max(1, threads)
        var rangesPerPart: [[Range<Int>]] = [sources.map { 0..<$0.terms.count }]
        if parts > 1 {
            // Split points: keys at even quantiles of the longest list.
            let longest = sources.max { $0.terms.count < $1.terms.count }?.terms ?? SortedTerms()
            let splits = (1..<parts).map { longest.key(longest.count * $0 / parts) }
            rangesPerPart = (0..<parts).map { p in
                sources.map { source in
                    let start = p == 0 ? 0 : source.terms.lowerBound(splits[p - 1])
                    let end = p == parts - 1 ? source.terms.count : source.terms.lowerBound(splits[p])
                    return start..<max(start, end)
                }
            }
        }
        let results = Mutex([BufferedTerms?](repeating: nil, count: parts))
        let failure = Mutex<IndexError?>(nil)
        let ranges = rangesPerPart, frozenOwner = owner
        let streaming = OneTask(value: writer)
        DispatchQueue.concurrentPerform(iterations: parts + 1) { task in
            do {
                if task == 0 {
                    var store = StoredTextWriter()
                    let blockBases = try sources.map { try $0.moveStore(to: &store) }
                    var documents = DocumentTableWriter()
                    for (combined, (s, local)) in frozenOwner.enumerated() {
                        var record = try sources[Int(s)].record(Int(local))
                        record.storeBlock += blockBases[Int(s)]
                        documents.add(record, length: docLengths[combined])
                    }
                    try SegmentWriter.writeDocuments(documents, store: &store, directory: directory, name: name)
                } else if parts == 1 {
                    try combineTerms(sources, ranges: ranges[0], docLengths, into: streaming.value)
                } else {
                    let buffer = BufferedTerms()
                    try combineTerms(sources, ranges: ranges[task - 1], docLengths, into: buffer)
                    results.withLock { $0[task - 1] = buffer }
                }
            } catch {
                let failed = error as? IndexError ?? .invalidInput("combining \(name) failed: \(error)")
                failure.withLock { $0 = $0 ?? failed }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        BuildTrace.mark("combine \(name): documents and terms", since: started)
        if parts > 1 {
            for part in results.withLock({ $0 }) {
                guard let part else { continue }
                try writer.append(part)
            }
        }
        try writer.finishTerms()
        BuildTrace.mark("combine \(name): files", since: started)
        return Manifest.Segment(name: name, docCount: total, totalTokens: docLengths.reduce(0) { $0 + UInt64($1) })
    }

    /// Combines the terms of `ranges` (one index range per source) into `sink`, in key order.
    static func combineTerms(_ sources: [CombineSource], ranges: [Range<Int>], _ docLengths: [UInt32], into sink: TermSink) throws {
        try SortedTerms.withViews(sources.map(\.terms)) { terms in
            var heads = ranges.map(\.lowerBound)
            let ends = ranges.map(\.upperBound)
            let averageDocLength = DocumentLengths.average(docLengths)
            var out = GatheredPostings()
            var parts = [GatheredPostings](repeating: GatheredPostings(), count: sources.count)
            var scratch: [UInt8] = []
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
                let key = Array(terms[smallest].key(heads[smallest]))
                out.reset()
                if members.count == 1 {
                    try sources[smallest].gather(heads[smallest], into: &out, scratch: &scratch)
                } else {
                    for s in members {
                        parts[s].reset()
                        try sources[s].gather(heads[s], into: &parts[s], scratch: &scratch)
                    }
                    out.merge(parts, members)
                }
                for s in members { heads[s] += 1 }
                try out.positions.withUnsafeBytes { positions in
                    try sink.addTerm(key, docs: out.docs, freqs: out.freqs, docLengths: docLengths, averageDocLength: averageDocLength,
                                     totalTermFreq: out.totalFreq, nameFreq: out.nameFreq, positions: positions)
                }
            }
        }
    }
}

/// A reference used by exactly one task of a concurrent loop.
private struct OneTask<T>: @unchecked Sendable {
    let value: T
}
