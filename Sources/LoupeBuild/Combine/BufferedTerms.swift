import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Encoded terms held in memory: their postings and positions bytes back to back, and their
/// dictionary entries with offsets relative to those bytes. Filled by one thread, then handed to
/// the writer (hence `@unchecked Sendable`).
final class BufferedTerms: TermSink, @unchecked Sendable {
    let postings: GrowableBuffer<UInt8>
    let positions: GrowableBuffer<UInt8>
    /// The terms' keys back to back, and their dictionary entries.
    private(set) var keys = SortedTerms()
    private(set) var infos: [TermInfo] = []

    /// `expectedBytes`: about how many bytes of postings and of positions to expect, reserved up
    /// front so the buffers do not grow by copying (untouched reserved pages cost no memory).
    init(expectedBytes: Int = 0) {
        postings = GrowableBuffer(capacity: expectedBytes)
        positions = GrowableBuffer(capacity: expectedBytes)
    }

    func addTerm(_ key: UnsafeBufferPointer<UInt8>, _ gathered: GatheredPostings, docLengths: UnsafeBufferPointer<UInt32>, averageDocLength: Double) throws {
        infos.append(gathered.encode(into: postings, docLengths: docLengths, averageDocLength: averageDocLength,
                                     postingsOffset: postings.count, positionsOffset: positions.count))
        positions.append(contentsOf: gathered.positions.bytes)
        keys.append(key)
    }
}
