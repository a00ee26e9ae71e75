/// A term's entry in a segment's dictionary: its statistics and where its postings are.
public struct TermInfo: Sendable, Equatable {
    /// Documents containing the term.
    public var docFreq: Int
    /// Occurrences of the term in all documents.
    public var totalTermFreq: Int
    /// Occurrences that were names (capitalized, not sentence-initial): how name-like the term is.
    public var nameFreq: Int
    /// Largest frequency in one document, and shortest document length among its documents:
    /// together an upper bound of the term's BM25 score in this segment.
    public var maxTermFreq: Int
    public var minDocLength: Int
    /// Byte ranges in the segment's postings and positions files (body-relative).
    public var postingsOffset: Int
    public var postingsLength: Int
    public var positionsOffset: Int
    public var positionsLength: Int

    public init(docFreq: Int, totalTermFreq: Int, nameFreq: Int, maxTermFreq: Int, minDocLength: Int,
                postingsOffset: Int, postingsLength: Int, positionsOffset: Int, positionsLength: Int) {
        self.docFreq = docFreq
        self.totalTermFreq = totalTermFreq
        self.nameFreq = nameFreq
        self.maxTermFreq = maxTermFreq
        self.minDocLength = minDocLength
        self.postingsOffset = postingsOffset
        self.postingsLength = postingsLength
        self.positionsOffset = positionsOffset
        self.positionsLength = positionsLength
    }
}
