import Glibc
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// What `loupe index` did.
public enum IndexOutcome: Sendable {
    /// The directory had not changed since its index: the index was left as it was.
    case upToDate(CorpusChanges, generation: UInt64, seconds: Double)
    /// A new index was built: the first one of the directory (`changes` nil), after changes, or
    /// because a full rebuild was asked for or the old index could not be read.
    case built(IndexSummary, changes: CorpusChanges?)
}

extension IndexBuilder {
    /// Brings the index of `corpus` up to date: when the index at `index` is of the same
    /// directory and nothing changed (`CorpusChanges`), it is left as it is; otherwise the index
    /// is rebuilt (`build`), atomically as ever. With `full`, it is rebuilt whatever changed.
    public static func update(corpus: String, index: String, full: Bool = false, options: IndexOptions = IndexOptions(),
                              warning: @escaping @Sendable (SkippedFile) -> Void = { _ in },
                              progress: @escaping @Sendable (IndexProgress) -> Void = { _ in }) throws -> IndexOutcome {
        let started = monotonicSeconds()
        var changes: CorpusChanges? = nil
        if !full, let reader = try? IndexReader(path: index), sameDirectory(reader.manifest.sourceRoot, corpus) {
            let found = try CorpusChanges.compute(corpus: corpus, reader: reader)
            for s in found.unreadable { warning(s) }
            if found.isEmpty { return .upToDate(found, generation: reader.manifest.generation, seconds: monotonicSeconds() - started) }
            changes = found
        }
        return .built(try build(corpus: corpus, index: index, options: options, warning: warning, progress: progress), changes: changes)
    }

    /// Whether two paths name the same directory (symbolic links and `..` resolved).
    static func sameDirectory(_ a: String, _ b: String) -> Bool {
        func resolved(_ path: String) -> String? {
            guard let p = realpath(absolutePath(path), nil) else { return nil }
            defer { free(p) }
            return String(cString: p)
        }
        guard let x = resolved(a), let y = resolved(b) else { return false }
        return x == y
    }
}
