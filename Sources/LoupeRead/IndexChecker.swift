import LoupeFormat
import LoupeStorage

/// Verifies everything a reader relies on (after Lucene's CheckIndex): every file's checksum,
/// the dictionary's order, every term's postings decoded to the end with its statistics
/// recomputed, every position, every document record and every store block.
public enum IndexChecker {
    public struct Report: Sendable {
        public var segments = 0
        /// Live documents, and deleted ones (still in their segments' files).
        public var documents = 0
        public var deleted = 0
        public var terms = 0
        public var postings = 0
        public var positions = 0
        public var bytes = 0
        /// Bytes of stored text decompressed and checked.
        public var textBytes = 0
    }

    public static func check(path: String) throws -> Report {
        let reader = try IndexReader(path: path, verifyChecksums: true)
        var report = Report()
        for segment in reader.segments {
            report.segments += 1
            report.bytes += segment.byteSize
            try segment.verifyChecksums()
            var previous: [UInt8]? = nil
            var lengthSum = 0
            for doc in 0..<segment.docCount { lengthSum += Int(segment.documents.length(doc)) }
            guard UInt64(lengthSum) == segment.documents.totalTokens else {
                throw IndexError.corrupt(file: segment.name + ".docs", reason: "document lengths do not add up to the token count")
            }
            let averageLength = DocumentLengths.average(sum: lengthSum, count: segment.docCount)
            var pairs: [(tf: UInt32, length: UInt32)] = []
            var corrections = 0
            try segment.terms.forEach { term, info in
                if let p = previous, !p.lexicographicallyPrecedes(term) {
                    throw IndexError.corrupt(file: segment.name + ".terms", reason: "terms out of order")
                }
                previous = term
                let it = try segment.postings(info)
                var df = 0, ttf = 0, maxTf = 0, minDl = Int.max
                var deletedDf = 0, deletedTtf = 0
                pairs.removeAll(keepingCapacity: true)
                while try it.next() != PostingsIterator.exhausted {
                    df += 1
                    let tf = Int(it.freq)
                    if segment.isDeleted(Int(it.doc)) {
                        deletedDf += 1
                        deletedTtf += tf
                    }
                    pairs.append((it.freq, segment.documents.length(Int(it.doc))))
                    ttf += tf
                    maxTf = max(maxTf, tf)
                    minDl = min(minDl, Int(segment.documents.length(Int(it.doc))))
                    let positions = try it.positions()
                    guard positions.count == tf, zip(positions, positions.dropFirst()).allSatisfy({ $0 < $1 }),
                          let last = positions.last, last < segment.documents.length(Int(it.doc)) + TitleField.gap else {
                        throw IndexError.corrupt(file: segment.name + ".positions", reason: "bad positions for doc \(it.doc)")
                    }
                    report.positions += tf
                }
                guard df == info.docFreq, ttf == info.totalTermFreq, maxTf == info.maxTermFreq, minDl == info.minDocLength else {
                    throw IndexError.corrupt(file: segment.name + ".postings", reason: "statistics of a term do not match its postings")
                }
                try checkImpacts(it, pairs, averageLength: averageLength, file: segment.name + ".postings")
                if let deletions = segment.deletions {
                    // The deletions file's correction is exactly what the deleted postings hold.
                    let c = try deletions.correction(for: term)
                    if c != nil { corrections += 1 }
                    guard (c?.docFreq ?? 0) == deletedDf, (c?.totalTermFreq ?? 0) == deletedTtf, (c?.nameFreq ?? 0) <= info.nameFreq,
                          c == nil || deletedDf > 0 else {
                        throw IndexError.corrupt(file: deletions.file, reason: "the correction of a term does not match its deleted postings")
                    }
                }
                report.terms += 1
                report.postings += df
                return true
            }
            guard report.terms > 0 || segment.docCount == 0 || segment.documents.totalTokens == 0 else {
                throw IndexError.corrupt(file: segment.name + ".terms", reason: "no terms")
            }
            try checkAccentVariants(segment)
            if let deletions = segment.deletions {
                var deletedTokens: UInt64 = 0
                for doc in 0..<segment.docCount where segment.isDeleted(doc) { deletedTokens += UInt64(segment.documents.length(doc)) }
                guard corrections == deletions.correctionCount, deletedTokens == deletions.deletedTokens, deletions.deletedCount < segment.docCount else {
                    throw IndexError.corrupt(file: deletions.file, reason: "its corrections or token count do not match the deleted documents")
                }
                report.deleted += deletions.deletedCount
            }
            var cache = StoredTextReader.BlockCache()
            for doc in 0..<segment.docCount {
                let record = try segment.documents.record(doc)
                // The text's length is used (not discarded): Swift 6.3's optimizer freed a discarded
                // copy before filling it (a use-after-free caught by AddressSanitizer).
                let text = try segment.store.text(of: record, reusing: &cache)
                guard text.count == Int(record.textLength) else {
                    throw IndexError.corrupt(file: segment.name + ".store", reason: "document \(doc) text has the wrong length")
                }
                report.textBytes += text.count
                if let checkpoints = record.checkpoints {
                    // Lines, pages, page starts and sections counted again from the text; the text's
                    // positions within the document's length.
                    let recounted = text.withUnsafeBufferPointer {
                        TextCheckpoints.make(text: $0, wordOffsets: checkpoints.points.map(\.offset), textPositions: checkpoints.textPositions,
                                             interval: checkpoints.interval)
                    }
                    guard recounted == checkpoints, checkpoints.textPositions <= Int(segment.documents.length(doc)) else {
                        throw IndexError.corrupt(file: segment.name + ".docs", reason: "document \(doc)'s checkpoints do not match its text")
                    }
                }
                if !segment.isDeleted(doc) { report.documents += 1 }
            }
        }
        return report
    }

    /// Recomputes a term's block and term impacts from its decoded postings.
    static func checkImpacts(_ it: PostingsIterator, _ pairs: [(tf: UInt32, length: UInt32)], averageLength: Double, file: String) throws {
        let fullBlocks = pairs.count / BitPacking.blockSize
        guard fullBlocks > 0 else { return }
        var term = Impacts.Builder()
        for b in 0..<fullBlocks {
            var block = Impacts.Builder()
            for p in pairs[(b * BitPacking.blockSize)..<((b + 1) * BitPacking.blockSize)] { block.add(tf: p.tf, length: p.length) }
            let expected = block.build(averageLength: averageLength)
            guard it.blockImpacts(b) == expected else {
                throw IndexError.corrupt(file: file, reason: "block \(b) impacts do not match its postings")
            }
            term.add(expected)
        }
        for p in pairs[(fullBlocks * BitPacking.blockSize)...] { term.add(tf: p.tf, length: p.length) }
        guard it.termImpacts == term.build(averageLength: averageLength) else {
            throw IndexError.corrupt(file: file, reason: "term impacts do not match its postings")
        }
    }

    /// The accent variants are in strictly increasing order, each names a term key of a stemming
    /// language, and its target is a term of the dictionary in that language.
    static func checkAccentVariants(_ segment: SegmentReader) throws {
        let file = segment.name + ".terms"
        var previous: AccentVariant? = nil
        for variant in try segment.terms.allAccentVariants() {
            if let previous, !(previous < variant) { throw IndexError.corrupt(file: file, reason: "accent variants out of order") }
            previous = variant
            guard let language = variant.from.last, (1...3).contains(language), variant.from.count > 1, !variant.to.isEmpty,
                  try segment.terms.lookup(variant.to + [language]) != nil else {
                throw IndexError.corrupt(file: file, reason: "an accent variant names no term of the segment")
            }
        }
        let byTarget = try segment.terms.allAccentVariantsByTarget()
        let ordered = zip(byTarget, byTarget.dropFirst()).allSatisfy { a, b in
            a.targetKey != b.targetKey ? a.targetKey.lexicographicallyPrecedes(b.targetKey) : a.from.lexicographicallyPrecedes(b.from)
        }
        guard ordered, Set(byTarget) == Set(try segment.terms.allAccentVariants()) else {
            throw IndexError.corrupt(file: file, reason: "accent variants by target do not list the same entries in order")
        }
    }
}
