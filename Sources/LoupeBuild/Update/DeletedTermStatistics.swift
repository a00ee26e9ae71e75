import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeRead

/// What some documents of a segment hold, term by term — found by analyzing their stored text
/// again exactly as the build did (same text, title and language, same analyzer), so that the
/// statistics a deletion subtracts are the ones the documents added. Costs an analysis of the
/// deleted documents only, never a pass over the segment.
enum DeletedTermStatistics {
    /// Per term key (in key order) what the documents `locals` of `segment` hold of it.
    static func of(_ locals: [Int], in segment: SegmentReader, analyzer: Analyzer) throws -> [([UInt8], TermCorrection)] {
        let builder = SegmentBuilder(analyzer: analyzer)
        var cache = StoredTextReader.BlockCache()
        for local in locals {
            let record = try segment.documents.record(local)
            let text = try segment.store.text(of: record, reusing: &cache)
            let length = builder.add(text: text, language: Language(rawValue: record.language) ?? .other, path: record.path, title: record.title,
                                     contentHash: record.contentHash, modified: record.modified, fileSize: record.fileSize, charset: record.charset)
            // The same analysis gives the same length; anything else means the statistics would drift.
            guard length == Int(segment.documents.length(local)) else {
                throw IndexError.corrupt(file: segment.name + ".docs", reason: "document \(local) (\(record.path)) analyzes to \(length) tokens, "
                                         + "the index says \(segment.documents.length(local)): rebuild with --full")
            }
        }
        let (ids, keys) = builder.sortedTerms()
        let identity = Array(0..<UInt32(builder.documentCount))
        let out = GatheredPostings()
        var result: [([UInt8], TermCorrection)] = []
        result.reserveCapacity(ids.count)
        identity.withUnsafeBufferPointer { map in
            for (i, t) in ids.enumerated() {
                out.reset()
                builder.gather(term: t, docMap: map, into: out)
                result.append((keys.key(i), TermCorrection(docFreq: out.count, totalTermFreq: out.totalFreq, nameFreq: out.nameFreq)))
            }
        }
        return result
    }

    /// Two lists of corrections in key order added up, in key order.
    static func sum(_ a: [([UInt8], TermCorrection)], _ b: [([UInt8], TermCorrection)]) -> [([UInt8], TermCorrection)] {
        var out: [([UInt8], TermCorrection)] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].0.lexicographicallyPrecedes(b[j].0)) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j].0.lexicographicallyPrecedes(a[i].0) {
                out.append(b[j]); j += 1
            } else {
                out.append((a[i].0, a[i].1 + b[j].1)); i += 1; j += 1
            }
        }
        return out
    }

    /// Every correction of a deletions file, in key order.
    static func all(_ deletions: SegmentDeletions) throws -> [([UInt8], TermCorrection)] {
        var out: [([UInt8], TermCorrection)] = []
        out.reserveCapacity(deletions.correctionCount)
        try deletions.forEachCorrection { key, c in out.append((Array(key), c)) }
        return out
    }
}
