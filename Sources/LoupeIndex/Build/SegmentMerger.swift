import Dispatch
import Synchronization

/// Merges segments into one, in doc-id order: documents keep their order (ids shift by the
/// sizes of the segments before them), stored-text blocks are copied without recompression,
/// positions are copied as they are (their encoding does not depend on doc ids), and each term's
/// doc ids and frequencies are re-encoded into fresh blocks with new skip data.
///
/// The key space is cut into `threads` ranges merged in parallel into memory, then written in
/// order; past `bufferLimit` bytes of input postings and positions the merge runs in one
/// streaming pass instead, so it stays within the build's memory budget.
public enum SegmentMerger {
    public static func merge(_ segments: [SegmentReader], into directory: IndexDirectory, name: String, threads: Int = 1,
                             bufferLimit: Int = 256 << 20) throws -> Manifest.Segment {
        // Documents and stored text.
        var documents = DocumentTableWriter()
        var store = StoredTextWriter()
        var docLengths: [UInt32] = []
        var docBases: [UInt32] = []
        for segment in segments {
            docBases.append(UInt32(docLengths.count))
            let blockBase = UInt32(try (0..<segment.store.count).map { b -> UInt32 in
                let block = try segment.store.compressedBlock(b)
                return store.appendCompressedBlock(block.bytes, rawLength: block.rawLength)
            }.first ?? 0)
            for doc in 0..<segment.docCount {
                var record = try segment.documents.record(doc)
                record.storeBlock += blockBase
                let length = segment.documents.length(doc)
                documents.add(record, length: length)
                docLengths.append(length)
            }
        }
        // Terms: a k-way merge of the sorted dictionaries, over key ranges.
        var lists: [[([UInt8], TermInfo)]] = []
        for segment in segments {
            var list: [([UInt8], TermInfo)] = []
            list.reserveCapacity(segment.terms.termCount)
            try segment.terms.forEach { key, info in
                list.append((key, info))
                return true
            }
            lists.append(list)
        }
        let writer = try SegmentWriter(directory: directory, name: name)
        let inputBytes = segments.reduce(0) { $0 + $1.postingsFile.body.count + $1.positionsFile.body.count }
        let parts = inputBytes > bufferLimit ? 1 : max(1, threads)
        if parts == 1 {
            try mergeTerms(lists, ranges: lists.map { 0..<$0.count }, segments, docBases, docLengths, into: writer)
        } else {
            // Split points: keys at even quantiles of the longest list.
            let longest = lists.max { $0.count < $1.count } ?? []
            let splits = (1..<parts).map { longest[longest.count * $0 / parts].0 }
            func lowerBound(_ list: [([UInt8], TermInfo)], _ key: [UInt8]) -> Int {
                var lo = 0, hi = list.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if list[mid].0.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
            let rangesPerPart: [[Range<Int>]] = (0..<parts).map { p in
                lists.map { list in
                    let start = p == 0 ? 0 : lowerBound(list, splits[p - 1])
                    let end = p == parts - 1 ? list.count : lowerBound(list, splits[p])
                    return start..<max(start, end)
                }
            }
            let results = Mutex([BufferedTerms?](repeating: nil, count: parts))
            let failure = Mutex<String?>(nil)
            let frozenLists = lists, frozenLengths = docLengths, frozenBases = docBases
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                do {
                    let buffer = BufferedTerms()
                    try mergeTerms(frozenLists, ranges: rangesPerPart[p], segments, frozenBases, frozenLengths, into: buffer)
                    results.withLock { $0[p] = buffer }
                } catch {
                    failure.withLock { $0 = $0 ?? "\(error)" }
                }
            }
            if let message = failure.withLock({ $0 }) { throw IndexError.invalidInput("merge failed: \(message)") }
            for part in results.withLock({ $0 }) {
                guard let part else { continue }
                try writer.append(part)
            }
        }
        return try writer.finish(documents: documents, store: &store)
    }

    /// Merges the terms of `ranges` (one index range per segment list) into `sink`, in key order.
    static func mergeTerms(_ lists: [[([UInt8], TermInfo)]], ranges: [Range<Int>], _ segments: [SegmentReader],
                           _ docBases: [UInt32], _ docLengths: [UInt32], into sink: TermSink) throws {
        var heads = ranges.map(\.lowerBound)
        let averageDocLength = DocumentLengths.average(docLengths)
        var docs: [UInt32] = [], freqs: [UInt32] = []
        var rawPositions: [UInt8] = [], positionStarts: [Int] = []
        while true {
            var smallest: [UInt8]? = nil
            for (s, list) in lists.enumerated() where heads[s] < ranges[s].upperBound {
                let key = list[heads[s]].0
                if let current = smallest, !key.lexicographicallyPrecedes(current) { continue }
                smallest = key
            }
            guard let key = smallest else { break }
            docs.removeAll(keepingCapacity: true)
            freqs.removeAll(keepingCapacity: true)
            rawPositions.removeAll(keepingCapacity: true)
            positionStarts.removeAll(keepingCapacity: true)
            var totalFreq = 0, names = 0
            for (s, list) in lists.enumerated() where heads[s] < ranges[s].upperBound && list[heads[s]].0 == key {
                let info = list[heads[s]].1
                heads[s] += 1
                totalFreq += info.totalTermFreq
                names += info.nameFreq
                let segment = segments[s]
                let it = try segment.postings(info)
                let positions = UnsafeRawBufferPointer(rebasing: segment.positionsFile.body[info.positionsOffset..<(info.positionsOffset + info.positionsLength)])
                var reader = ByteReader(positions, file: segment.name + ".positions")
                while try it.next() != PostingsIterator.exhausted {
                    docs.append(docBases[s] + it.doc)
                    freqs.append(it.freq)
                    positionStarts.append(rawPositions.count + reader.offset)
                    for _ in 0..<it.freq { _ = try reader.readVarUInt() }
                }
                guard reader.isAtEnd else { throw IndexError.corrupt(file: segment.name + ".positions", reason: "positions do not match the frequencies") }
                rawPositions.append(contentsOf: positions)
            }
            positionStarts.append(rawPositions.count)
            try sink.addTerm(key, docs: docs, freqs: freqs, docLengths: docLengths, averageDocLength: averageDocLength, totalTermFreq: totalFreq, nameFreq: names) { i, out in
                out.append(contentsOf: rawPositions[positionStarts[i]..<positionStarts[i + 1]])
            }
        }
    }
}
