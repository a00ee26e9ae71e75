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
    package let postingsFile: MappedFile
    package let positionsFile: MappedFile
    let files: [MappedFile]
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
    }

    public var docCount: Int { documents.count }

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
