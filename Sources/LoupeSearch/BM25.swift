#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Lucene's BM25 (`BM25Similarity`, k1 = 1.2, b = 0.75), with exact document lengths:
///
///     idf(n)          = ln(1 + (N − n + 0.5) / (n + 0.5))
///     score(tf, dl)   = idf · tf / (tf + k1 · (1 − b + b · dl / avgdl))
///
/// where N is the number of documents and n the number containing the term. A document's score
/// is the sum over the query's terms.
public struct BM25: Sendable {
    public var k1: Double
    public var b: Double
    public let docCount: Int
    public let averageDocLength: Double

    public init(docCount: Int, averageDocLength: Double, k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
        self.docCount = docCount
        self.averageDocLength = averageDocLength
    }

    public func idf(docFreq: Int) -> Double {
        log(1 + (Double(docCount) - Double(docFreq) + 0.5) / (Double(docFreq) + 0.5))
    }

    /// The length part of the tf denominator: k1 · (1 − b + b · dl / avgdl).
    @inline(__always)
    public func lengthNorm(docLength: Double) -> Double {
        let avg = averageDocLength > 0 ? averageDocLength : 1
        return k1 * (1 - b + b * docLength / avg)
    }

    /// The tf part of the score, without idf.
    @inline(__always)
    public func tfNorm(tf: Double, docLength: Double) -> Double {
        tf / (tf + lengthNorm(docLength: docLength))
    }

    @inline(__always)
    public func score(idf: Double, tf: Double, docLength: Double) -> Double {
        idf * tfNorm(tf: tf, docLength: docLength)
    }

    /// The same score from a precomputed `lengthNorm` (bit-identical).
    @inline(__always)
    public func score(idf: Double, tf: Double, lengthNorm: Double) -> Double {
        idf * (tf / (tf + lengthNorm))
    }
}

/// `BM25.lengthNorm` precomputed for the common document lengths, as Lucene caches its norms: the
/// scoring loops then spend no division on the document length. Longer documents are computed.
final class LengthNormTable {
    static let size = 8192
    let bm25: BM25
    private let values: UnsafeMutableBufferPointer<Double>

    init(_ bm25: BM25) {
        self.bm25 = bm25
        values = .allocate(capacity: Self.size)
        for length in 0..<Self.size { values[length] = bm25.lengthNorm(docLength: Double(length)) }
    }

    deinit { values.deallocate() }

    @inline(__always)
    func norm(_ length: UInt32) -> Double {
        length < Self.size ? values[Int(length)] : bm25.lengthNorm(docLength: Double(length))
    }
}
