/// Merges segments into one, in doc-id order: documents keep their order (ids shift by the
/// sizes of the segments before them), stored-text blocks are copied without recompression,
/// positions are copied as they are (their encoding does not depend on doc ids), and each term's
/// doc ids and frequencies are re-encoded into fresh blocks with new skip data.
public enum SegmentMerger {
    public static func merge(_ segments: [SegmentReader], into directory: IndexDirectory, name: String) throws -> Manifest.Segment {
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
        // Terms: a k-way merge of the sorted dictionaries.
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
        var heads = [Int](repeating: 0, count: segments.count)
        var docs: [UInt32] = [], freqs: [UInt32] = []
        var rawPositions: [UInt8] = [], positionStarts: [Int] = []
        while true {
            var smallest: [UInt8]? = nil
            for (s, list) in lists.enumerated() where heads[s] < list.count {
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
            for (s, list) in lists.enumerated() where heads[s] < list.count && list[heads[s]].0 == key {
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
            try writer.addTerm(key, docs: docs, freqs: freqs, docLengths: docLengths, totalTermFreq: totalFreq, nameFreq: names) { i, out in
                out.append(contentsOf: rawPositions[positionStarts[i]..<positionStarts[i + 1]])
            }
        }
        return try writer.finish(documents: documents, store: &store)
    }
}
