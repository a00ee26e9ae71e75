import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Where encoded terms go, in key order: straight into a segment's files (`SegmentWriter`), or
/// into memory (`BufferedTerms`) when parts of a merge run in parallel.
protocol TermSink: AnyObject {
    /// Adds the next term (keys in increasing byte order) with its postings; `docLengths` is
    /// indexed by the postings' doc ids.
    func addTerm(_ key: UnsafeBufferPointer<UInt8>, _ postings: GatheredPostings, docLengths: UnsafeBufferPointer<UInt32>, averageDocLength: Double) throws
}
