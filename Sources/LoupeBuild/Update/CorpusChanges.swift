#if canImport(Glibc)
import Glibc
#endif
import LoupeFormat
import LoupeIngest
import LoupeRead

/// What changed in an indexed directory since its index was built: files added, changed and
/// removed, by path relative to the directory. A file is unchanged when its size and
/// modification time (whole seconds) are those the index recorded; when only its time differs
/// (a file touched, or copied back), its content hash decides. Files the last run read but did
/// not index (`Manifest.skipped`) count as indexed, so an unchanged binary file is no change.
/// Costs one stat per file; only files whose time moved (or that were modified within a second
/// of the last commit) are read.
public struct CorpusChanges: Sendable, Equatable {
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
    /// Files found as the index has them.
    public var unchanged = 0
    /// Of those, files modified within a second of the index's commit, found unchanged by their
    /// content (see `compute`): an update commits a new time so that the next run need not.
    package var racyConfirmed = 0
    /// Files the walk could not look at (an unreadable directory), as warnings.
    public var unreadable: [SkippedFile] = []
    /// The global doc ids of the documents of changed and removed files (an update deletes them).
    package var obsoleteDocs: [Int] = []
    /// The added and changed files, in path order (an update reads them).
    package var filesToRead: [CorpusFile] = []

    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }

    /// The changes of `corpus` since `reader`'s index.
    /// A file the last run skipped for its size counts as changed when it fits `maxFileSize`
    /// (the limit of the run to come: `loupe index --max-file-size`).
    public static func compute(corpus: String, reader: IndexReader, maxFileSize: Int = IndexOptions.largestFileSize) throws -> CorpusChanges {
        struct Known {
            var size: UInt64
            var modified: Int64
            var hash: UInt64?
            /// Its document (nil: a file the index skipped).
            var doc: Int?
        }
        // The walk (its stats spread over the cores) runs on a thread of its own while this one
        // maps the index's documents by path: neither waits for the other.
        let walking = WalkJob(corpus: corpus, registry: ExtractorRegistry(settings: reader.manifest.settings))
        let thread = walking.start()
        var known: [String: Known] = [:]
        known.reserveCapacity(reader.docCount + reader.manifest.skipped.count)
        let mapped = Result {
            try reader.forEachLiveDocument { doc, record in
                known[record.path] = Known(size: record.fileSize, modified: record.modified, hash: record.contentHash, doc: doc)
            }
        }
        let walk = try walking.finish(thread).get()
        try mapped.get()
        for file in reader.manifest.skipped {
            // Skipped for its size, and now within the limit: to be read (a size that cannot match).
            let size = file.reason.hasPrefix(SkippedFile.tooLargePrefix) && file.size <= UInt64(maxFileSize) ? UInt64.max : file.size
            known[file.path] = Known(size: size, modified: file.modified, hash: nil, doc: nil)
        }
        var changes = CorpusChanges(unreadable: walk.skipped)
        for file in walk.files {
            guard let was = known.removeValue(forKey: file.relativePath) else {
                changes.added.append(file.relativePath)
                changes.filesToRead.append(file)
                continue
            }
            // A file modified in the second of the last commit, or the one before, may have changed
            // after it was read without its size or time telling (the "racy clean" case of git):
            // its content decides, as for a file whose time moved.
            let racy = file.modified + 1 >= reader.manifest.createdAt
            if UInt64(file.size) == was.size && file.modified == was.modified && (!racy || was.hash == nil) {
                changes.unchanged += 1
            } else if UInt64(file.size) == was.size, let hash = was.hash,
                      let bytes = try? CorpusWalker.read(file.absolutePath, sizeLimit: file.size + 1).bytes, ContentHash.of(bytes) == hash {
                changes.unchanged += 1
                if file.modified == was.modified { changes.racyConfirmed += 1 }
            } else {
                changes.changed.append(file.relativePath)
                changes.filesToRead.append(file)
                if let doc = was.doc { changes.obsoleteDocs.append(doc) }
            }
        }
        changes.removed = known.keys.sorted()
        changes.obsoleteDocs += known.values.compactMap(\.doc)
        changes.obsoleteDocs.sort()
        changes.filesToRead.sort { $0.relativePath < $1.relativePath }
        changes.added.sort()
        changes.changed.sort()
        return changes
    }
}

/// `CorpusWalker.walkStatted` on a thread of its own.
private final class WalkJob: @unchecked Sendable {
    let corpus: String
    let registry: ExtractorRegistry
    private var result: Result<(files: [CorpusFile], skipped: [SkippedFile]), any Error> = .failure(IndexError.invalidInput("the walk did not run"))

    init(corpus: String, registry: ExtractorRegistry) {
        self.corpus = corpus
        self.registry = registry
    }

    private func run() {
        result = Result { try CorpusWalker.walkStatted(corpus, threads: IndexOptions().threads, registry: registry) }
    }

    /// Starts the walk; nil when no thread could be made (then `finish` walks here).
    func start() -> pthread_t? { ThreadJob.start { self.run() } }

    /// Waits for the walk (or runs it, without a thread) and returns its outcome.
    func finish(_ thread: pthread_t?) -> Result<(files: [CorpusFile], skipped: [SkippedFile]), any Error> {
        if let thread { pthread_join(thread, nil) } else { run() }
        return result
    }
}
