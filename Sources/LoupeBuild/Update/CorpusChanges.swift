import LoupeFormat
import LoupeIngest
import LoupeRead

/// What changed in an indexed directory since its index was built: files added, changed and
/// removed, by path relative to the directory. A file is unchanged when its size and
/// modification time (whole seconds) are those the index recorded; when only its time differs
/// (a file touched, or copied back), its content hash decides. Files the last run read but did
/// not index (`Manifest.skipped`) count as indexed, so an unchanged binary file is no change.
/// Costs one stat per file; only files whose time moved are read.
public struct CorpusChanges: Sendable, Equatable {
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
    /// Files found as the index has them.
    public var unchanged = 0
    /// Files the walk could not look at (an unreadable directory), as warnings.
    public var unreadable: [SkippedFile] = []

    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }

    /// The changes of `corpus` since `reader`'s index.
    public static func compute(corpus: String, reader: IndexReader) throws -> CorpusChanges {
        struct Known {
            var size: UInt64
            var modified: Int64
            var hash: UInt64?
        }
        var known: [String: Known] = [:]
        known.reserveCapacity(reader.docCount + reader.manifest.skipped.count)
        for doc in 0..<reader.docCount {
            let record = try reader.record(doc)
            known[record.path] = Known(size: record.fileSize, modified: record.modified, hash: record.contentHash)
        }
        for file in reader.manifest.skipped { known[file.path] = Known(size: file.size, modified: file.modified, hash: nil) }
        let walk = try CorpusWalker.walkStatted(corpus, threads: IndexOptions().threads)
        var changes = CorpusChanges(unreadable: walk.skipped)
        for file in walk.files {
            guard let was = known.removeValue(forKey: file.relativePath) else {
                changes.added.append(file.relativePath)
                continue
            }
            if UInt64(file.size) == was.size && file.modified == was.modified {
                changes.unchanged += 1
            } else if UInt64(file.size) == was.size, let hash = was.hash,
                      let bytes = try? CorpusWalker.read(file.absolutePath, sizeLimit: file.size + 1).bytes, ContentHash.of(bytes) == hash {
                changes.unchanged += 1
            } else {
                changes.changed.append(file.relativePath)
            }
        }
        changes.removed = known.keys.sorted()
        changes.added.sort()
        changes.changed.sort()
        return changes
    }
}
