/// Where encoded terms go, in key order: straight into a segment's files (`SegmentWriter`), or
/// into memory (`BufferedTerms`) when parts of a merge run in parallel.
protocol TermSink: AnyObject {
    func addTerm(_ key: UnsafeBufferPointer<UInt8>, docs: [UInt32], freqs: [UInt32], docLengths: [UInt32], averageDocLength: Double, totalTermFreq: Int,
                 nameFreq: Int, positions: UnsafeRawBufferPointer) throws
}

/// Encoded terms held in memory: their postings and positions bytes back to back, and their
/// dictionary entries with offsets relative to those bytes. Filled by one thread, then handed to
/// the writer (hence `@unchecked Sendable`).
final class BufferedTerms: TermSink, @unchecked Sendable {
    private(set) var postings: [UInt8] = []
    private(set) var positions: [UInt8] = []
    /// The terms' keys back to back, and their dictionary entries.
    private(set) var keys = SortedTerms()
    private(set) var infos: [TermInfo] = []

    /// `expectedBytes`: about how many bytes of postings and of positions to expect, reserved up
    /// front so the buffers do not grow by copying (untouched reserved pages cost no memory).
    init(expectedBytes: Int = 0) {
        postings.reserveCapacity(expectedBytes)
        positions.reserveCapacity(expectedBytes)
    }

    func addTerm(_ key: UnsafeBufferPointer<UInt8>, docs: [UInt32], freqs: [UInt32], docLengths: [UInt32], averageDocLength: Double, totalTermFreq: Int,
                 nameFreq: Int, positions: UnsafeRawBufferPointer) throws {
        let postingsStart = postings.count, positionsStart = self.positions.count
        let bounds = PostingsEncoder.encode(docs: docs, freqs: freqs, docLengths: docLengths, averageDocLength: averageDocLength,
                                            positions: positions, postings: &postings)
        self.positions.append(contentsOf: positions)
        keys.append(key)
        infos.append(TermInfo(docFreq: docs.count, totalTermFreq: totalTermFreq, nameFreq: nameFreq, maxTermFreq: Int(bounds.maxTf),
                              minDocLength: Int(bounds.minDocLength), postingsOffset: postingsStart,
                              postingsLength: postings.count - postingsStart, positionsOffset: positionsStart,
                              positionsLength: self.positions.count - positionsStart))
    }
}
