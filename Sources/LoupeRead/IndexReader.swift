import LoupeFormat
import LoupeStorage

/// An index opened for searching: the manifest's segments, and the collection statistics BM25
/// needs (document count and average length over all segments).
public final class IndexReader: @unchecked Sendable {
    public let directory: IndexDirectory
    public let manifest: Manifest
    public let segments: [SegmentReader]
    /// Live documents (deleted ones left out) and their tokens: BM25's N and average length.
    public let docCount: Int
    public let totalTokens: UInt64
    /// One past the largest global doc id: documents in the segments' files, deleted ones included.
    public let maxDoc: Int

    /// Opens the index at `path`. Every file's frame is verified (magic, kind, version, footer,
    /// recorded length) and the manifest's checksum; segment files' checksums only with
    /// `verifyChecksums` (as `loupe check` and merges do), so that opening costs the same whatever
    /// the index's size — as Lucene verifies big files' checksums only when checking or merging.
    /// Every offset and length read from a segment is bounds-checked either way.
    public convenience init(path: String, verifyChecksums: Bool = false) throws {
        let directory = IndexDirectory(path: path)
        guard directory.exists else { throw IndexError.notFound(directory: path) }
        let (manifest, segments) = try Self.open(directory, verifyChecksums: verifyChecksums)
        self.init(directory: directory, manifest: manifest, segments: segments)
    }

    /// The index at its newest committed generation: this reader itself when no commit has landed
    /// since it was opened, else a new reader, which shares the segments both generations hold.
    /// This reader stays valid whatever happens: its segments keep their files mapped (even once
    /// a commit has deleted them) until the last search holding it lets go. A server calls this
    /// between requests and swaps the reader it hands out; requests under way finish on the old one.
    public func reopened() throws -> IndexReader {
        guard try directory.readManifest().generation != manifest.generation else { return self }
        let known = Dictionary(segments.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let (manifest, segments) = try Self.open(directory, verifyChecksums: false, reusing: known)
        return IndexReader(directory: directory, manifest: manifest, segments: segments)
    }

    private init(directory: IndexDirectory, manifest: Manifest, segments: [SegmentReader]) {
        self.directory = directory
        self.manifest = manifest
        self.segments = segments
        docCount = segments.reduce(0) { $0 + $1.liveDocCount }
        maxDoc = segments.reduce(0) { $0 + $1.docCount }
        totalTokens = manifest.totalTokens
    }

    /// Reads the manifest and opens its segments. A commit may replace the manifest and delete
    /// old segments between the two: then a file is missing and the manifest has moved on, and
    /// the open starts again (up to three times).
    private static func open(_ directory: IndexDirectory, verifyChecksums: Bool,
                             reusing known: [String: SegmentReader] = [:]) throws -> (Manifest, [SegmentReader]) {
        var attempt = 0
        while true {
            let manifest = try directory.readManifest()
            guard manifest.analyzerVersion == Manifest.analyzerVersion else {
                throw IndexError.incompatibleAnalyzer(found: manifest.analyzerVersion, supported: Manifest.analyzerVersion)
            }
            do {
                var segments: [SegmentReader] = []
                var base = 0
                for s in manifest.segments {
                    // A segment's files never change once written: one already open is reused
                    // when it keeps its place (its first global doc id) and its deletions.
                    if let open = known[s.name], open.docBase == base, open.docCount == s.docCount,
                       open.deletionsFileName == s.deletionsFileName {
                        segments.append(open)
                    } else {
                        segments.append(try SegmentReader(directory: directory, segment: s, docBase: base, verifyChecksums: verifyChecksums))
                    }
                    base += s.docCount
                }
                return (manifest, segments)
            } catch IndexError.missingFile where attempt < 3 {
                attempt += 1
                if (try? directory.readManifest().generation) == manifest.generation {
                    throw IndexError.corrupt(file: Manifest.fileName, reason: "names a segment file that is missing")
                }
            }
        }
    }

    /// Average document length in tokens.
    public var averageDocLength: Double { docCount == 0 ? 0 : Double(totalTokens) / Double(docCount) }

    /// The segment holding global doc id `doc`, and the local id inside it.
    public func locate(_ doc: Int) -> (SegmentReader, Int)? {
        locateIndex(doc).map { (segments[$0.segment], $0.local) }
    }

    /// The index in `segments` of the segment holding global doc id `doc`, and the local id.
    public func locateIndex(_ doc: Int) -> (segment: Int, local: Int)? {
        for (i, s) in segments.enumerated() where doc >= s.docBase && doc < s.docBase + s.docCount { return (i, doc - s.docBase) }
        return nil
    }

    /// Whether global doc id `doc` is deleted.
    public func isDeleted(_ doc: Int) -> Bool {
        guard let (segment, local) = locate(doc) else { return true }
        return segment.isDeleted(local)
    }

    /// Every live document: its global id and record, in doc-id order.
    public func forEachLiveDocument(_ body: (Int, DocumentRecord) throws -> Void) throws {
        for segment in segments {
            for local in 0..<segment.docCount where !segment.isDeleted(local) {
                try body(segment.docBase + local, try segment.documents.record(local))
            }
        }
    }

    /// The record of global doc id `doc`.
    public func record(_ doc: Int) throws -> DocumentRecord {
        guard let (segment, local) = locate(doc) else { throw IndexError.noSuchDocument(doc) }
        return try segment.documents.record(local)
    }

    /// The stored text of global doc id `doc`.
    public func text(_ doc: Int) throws -> [UInt8] {
        guard let (segment, local) = locate(doc) else { throw IndexError.noSuchDocument(doc) }
        return try segment.store.text(of: try segment.documents.record(local))
    }

    /// The bytes `range` of the stored text of global doc id `doc`, whose record is `record`:
    /// only the store blocks that hold them are decompressed.
    public func text(_ doc: Int, record: DocumentRecord, in range: Range<Int>) throws -> [UInt8] {
        guard let (segment, _) = locate(doc) else { throw IndexError.noSuchDocument(doc) }
        return try segment.store.text(of: record, in: range)
    }
}
