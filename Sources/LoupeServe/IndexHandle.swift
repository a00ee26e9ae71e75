import Dispatch
import LoupeAnalysis
import LoupeIndex
import LoupeSearch

/// The one read-only index every request of `loupe serve` shares, kept at its newest commit: at
/// most every `reopenInterval` seconds a request looks at the manifest (`IndexReader.reopened()`,
/// a small file read) and, when a commit has landed — `loupe index` or `loupe watch` running
/// beside the server — swaps in the new reader; requests under way finish on the old one, whose
/// files stay mapped until they let go. Searchers (which own an analyzer and scratch memory and
/// are not thread-safe) are pooled per reader, so a request borrows one instead of building it.
public final class IndexHandle: Sendable {
    public let path: String
    public let reopenInterval: Double

    private struct State {
        var reader: IndexReader
        var checkedAt: Double
        var idle: [Idle]
    }
    /// A searcher waiting in the pool: only ever used by the one request that took it out.
    private struct Idle: @unchecked Sendable {
        let searcher: Searcher
    }
    private let state: Locked<State>

    public init(path: String, reopenInterval: Double = 0.5) throws {
        self.path = path
        self.reopenInterval = reopenInterval
        state = Locked(State(reader: try IndexReader(path: path), checkedAt: Self.now(), idle: []))
    }

    /// The newest committed reader (looked for at most every `reopenInterval` seconds). A failure
    /// to reopen (an index being replaced) keeps the reader it had.
    public func reader() -> IndexReader {
        let (current, due) = state.withLock { s -> (IndexReader, Bool) in
            let now = Self.now()
            guard now - s.checkedAt >= reopenInterval else { return (s.reader, false) }
            s.checkedAt = now
            return (s.reader, true)
        }
        guard due, let newer = try? current.reopened(), newer !== current else { return current }
        return state.withLock { s in
            // Another request may have swapped first: keep the newer generation.
            if newer.manifest.generation > s.reader.manifest.generation {
                s.reader = newer
                s.idle.removeAll()
            }
            return s.reader
        }
    }

    /// Runs `body` with a searcher of the newest reader, reset to default settings, and returns it
    /// to the pool after.
    public func withSearcher<T>(_ body: (Searcher) throws -> T) throws -> T {
        let reader = reader()
        let pooled: Searcher? = state.withLock { s in
            guard let i = s.idle.lastIndex(where: { $0.searcher.reader === reader }) else { return nil }
            return s.idle.remove(at: i).searcher
        }
        let searcher = try pooled ?? Searcher(reader: reader)
        searcher.filter = SearchFilter()
        searcher.expandNames = true
        searcher.matchAll = false
        defer {
            let idle = Idle(searcher: searcher)
            state.withLock { s in
                if s.reader === idle.searcher.reader && s.idle.count < 16 { s.idle.append(idle) }
            }
        }
        return try body(searcher)
    }

    static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}
