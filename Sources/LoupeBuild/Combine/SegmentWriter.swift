import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Writes one segment's five files: terms are added in key order with their postings (the
/// `.postings` and `.positions` streams grow as they come, the dictionary in memory), then
/// `finishTerms` writes `.terms`; `writeDocuments` writes `.docs` and `.store`. Every file is
/// created exclusively; each is completed (and its writeback started) as soon as it is written,
/// and `finishTerms` fsyncs them all last, so the disk writes overlap the rest of the combine.
/// Used by `SegmentCombiner`.
final class SegmentWriter: TermSink {
    private let directory: IndexDirectory
    private let name: String
    private let postingsFile: IndexFileWriter
    private let positionsFile: IndexFileWriter
    private var dictionary = TermDictionaryWriter()
    private let postingBuffer = GrowableBuffer<UInt8>(capacity: 1 << 16)
    /// Files completed by `writeDocuments` (on another thread), to fsync with the rest.
    private let completedDocuments = Locked(HandedOver())

    /// Writers passed from the thread that completed them to the one that syncs them; neither
    /// touches them again.
    private struct HandedOver: @unchecked Sendable {
        var files: [IndexFileWriter] = []
    }

    init(directory: IndexDirectory, name: String) throws {
        self.directory = directory
        self.name = name
        postingsFile = try IndexFileWriter(path: directory.file(name + ".postings"), kind: .postings)
        positionsFile = try IndexFileWriter(path: directory.file(name + ".positions"), kind: .positions)
    }

    /// Adds the next term (keys in increasing byte order) with its postings.
    func addTerm(_ key: UnsafeBufferPointer<UInt8>, _ gathered: GatheredPostings, docLengths: UnsafeBufferPointer<UInt32>, averageDocLength: Double) throws {
        postingBuffer.removeAll()
        let info = gathered.encode(into: postingBuffer, docLengths: docLengths, averageDocLength: averageDocLength,
                                   postingsOffset: Int(postingsFile.bodyOffset), positionsOffset: Int(positionsFile.bodyOffset))
        dictionary.add(key, info)
        try postingsFile.write(postingBuffer.bytes)
        try positionsFile.write(gathered.positions.bytes)
    }

    /// Appends terms encoded in memory (which must follow every term added so far in key order).
    func append(_ terms: BufferedTerms) throws {
        let postingsBase = Int(postingsFile.bodyOffset), positionsBase = Int(positionsFile.bodyOffset)
        terms.keys.withView { keys in
            for (i, relative) in terms.infos.enumerated() {
                var info = relative
                info.postingsOffset += postingsBase
                info.positionsOffset += positionsBase
                dictionary.add(keys.key(i).assumingMemoryBound(to: UInt8.self), info)
            }
        }
        try postingsFile.write(terms.postings.bytes)
        try positionsFile.write(terms.positions.bytes)
    }

    /// Sets the segment's accent variants (written with the dictionary).
    func setAccentVariants(_ variants: Set<AccentVariant>) {
        dictionary.setVariants(variants)
    }

    /// Finishes the postings and positions files, writes the dictionary, then fsyncs every file
    /// of the segment (`writeDocuments` must have returned).
    func finishTerms() throws {
        try postingsFile.complete()
        try positionsFile.complete()
        let termsFile = try IndexFileWriter(path: directory.file(name + ".terms"), kind: .terms)
        try termsFile.write(dictionary.finish())
        try termsFile.complete()
        for file in completedDocuments.withLock({ $0.files }) + [postingsFile, positionsFile, termsFile] { try file.sync() }
    }

    /// Writes the segment's document table and store (independent of its terms, so another
    /// thread may write them while the terms are encoded); `finishTerms` fsyncs them.
    func writeDocuments(_ documents: DocumentTableWriter, store: inout StoredTextWriter) throws {
        let docsFile = try IndexFileWriter(path: directory.file(name + ".docs"), kind: .documents)
        try docsFile.write(documents.finish())
        try docsFile.complete()
        let storeFile = try IndexFileWriter(path: directory.file(name + ".store"), kind: .store)
        try store.finish { try storeFile.write($0) }
        try storeFile.complete()
        completedDocuments.withLock { $0.files += [docsFile, storeFile] }
    }
}
