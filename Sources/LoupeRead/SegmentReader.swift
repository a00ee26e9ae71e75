import LoupeFormat
import LoupeStorage

/// One segment opened for reading: its five files mapped and verified, its dictionary,
/// document table and store ready. Immutable and safe to share between threads.
public final class SegmentReader: @unchecked Sendable {
    public let name: String
    /// Global doc id of this segment's first document.
    public let docBase: Int
    public let terms: TermDictionary
    public let documents: DocumentTable
    public let store: StoredTextReader
    /// Its deleted documents and what they held (nil: none deleted).
    public let deletions: SegmentDeletions?
    public let deletionsFileName: String?
    package let postingsFile: MappedFile
    package let positionsFile: MappedFile
    private(set) var files: [MappedFile]
    private let postingsFileName: String

    public init(directory: IndexDirectory, segment: Manifest.Segment, docBase: Int, verifyChecksums: Bool = false) throws {
        name = segment.name
        postingsFileName = segment.name + ".postings"
        self.docBase = docBase
        func map(_ kind: IndexFile.Kind) throws -> MappedFile {
            try MappedFile(path: directory.file(segment.name + "." + kind.fileExtension), kind: kind, verifyChecksum: verifyChecksums)
        }
        let termsFile = try map(.terms)
        postingsFile = try map(.postings)
        positionsFile = try map(.positions)
        let docsFile = try map(.documents)
        let storeFile = try map(.store)
        files = [termsFile, postingsFile, positionsFile, docsFile, storeFile]
        documents = try DocumentTable(body: docsFile.body, file: segment.name + ".docs")
        terms = try TermDictionary(body: termsFile.body, file: segment.name + ".terms", docCount: documents.count)
        store = try StoredTextReader(body: storeFile.body, file: segment.name + ".store")
        guard documents.count == segment.docCount, documents.totalTokens == segment.totalTokens else {
            throw IndexError.corrupt(file: segment.name + ".docs", reason: "holds \(documents.count) documents, the manifest says \(segment.docCount)")
        }
        deletionsFileName = segment.deletionsFileName
        if let deletionsName = segment.deletionsFileName {
            // Small, and read by every query's statistics: its checksum is always verified.
            let file = try MappedFile(path: directory.file(deletionsName), kind: .deletions, verifyChecksum: true)
            let deletions = try SegmentDeletions(body: file.body, file: deletionsName, docCount: segment.docCount)
            guard deletions.deletedCount == segment.deletedDocs, deletions.deletedTokens == segment.deletedTokens else {
                throw IndexError.corrupt(file: deletionsName, reason: "deletes \(deletions.deletedCount) documents, the manifest says \(segment.deletedDocs)")
            }
            self.deletions = deletions
            files.append(file)
        } else {
            deletions = nil
        }
    }

    /// Documents in the segment's files, deleted ones included: local doc ids run below it.
    public var docCount: Int { documents.count }
    /// Documents not deleted.
    public var liveDocCount: Int { documents.count - (deletions?.deletedCount ?? 0) }
    public var liveTokens: UInt64 { documents.totalTokens - (deletions?.deletedTokens ?? 0) }

    @inline(__always)
    public func isDeleted(_ local: Int) -> Bool { deletions?.isDeleted(local) ?? false }

    /// A term's statistics over the live documents: its dictionary entry `info` (which still
    /// counts deleted documents, and must be what its postings are read with) less what the
    /// deleted documents held of it. For BM25's statistics, never for reading postings.
    @inline(__always)
    public func liveStatistics(_ key: UnsafeRawBufferPointer, _ info: TermInfo) throws -> TermInfo {
        guard let deletions, let c = try deletions.correction(for: key) else { return info }
        var live = info
        live.docFreq -= c.docFreq
        live.totalTermFreq -= c.totalTermFreq
        live.nameFreq -= c.nameFreq
        guard live.docFreq >= 0, live.totalTermFreq >= 0, live.nameFreq >= 0 else {
            throw IndexError.corrupt(file: deletions.file, reason: "deletes more of a term than its segment holds")
        }
        return live
    }

    public func liveStatistics(_ key: [UInt8], _ info: TermInfo) throws -> TermInfo {
        guard deletions != nil else { return info }
        return try key.withUnsafeBytes { try liveStatistics($0, info) }
    }

    /// A fresh iterator over a term's postings.
    public func postings(_ info: TermInfo) throws -> PostingsIterator {
        try PostingsIterator(postings: postingsFile.body, positions: positionsFile.body, info: info, docCount: docCount, file: postingsFileName)
    }

    /// Recomputes every file's checksum.
    public func verifyChecksums() throws {
        for f in files { try f.verifyChecksum() }
    }

    /// Total bytes of the segment's files.
    public var byteSize: Int { files.reduce(0) { $0 + $1.body.count + IndexFile.headerSize + IndexFile.footerSize } }
}
