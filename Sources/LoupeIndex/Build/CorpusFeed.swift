#if canImport(Glibc)
import Glibc
#endif

/// The corpus's files for a build, found by a walk on a thread of its own and handed out in
/// chunks (of `filesPerChunk` files, in path order) as soon as each is complete: the workers start
/// reading and inverting while the walk goes on, instead of after it. The walk keeps directories
/// open (`DirectoryHandles`) so that the workers open files relative to them.
final class CorpusFeed: @unchecked Sendable {
    let directories = DirectoryHandles()
    private let filesPerChunk: Int
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `lock`.
    private var chunks: [[CorpusFile]] = []
    private var filesFound = 0
    private var walkEnded = false
    private var skipped: [SkippedFile] = []
    private var walkError: IndexError?
    private var thread = pthread_t()
    private var joined = false

    /// Checks the root, then starts walking it.
    init(root: String, filesPerChunk: Int) throws {
        try CorpusWalker.checkRoot(root)
        self.filesPerChunk = max(1, filesPerChunk)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
        let job = Unmanaged.passRetained(WalkJob { [self] in walk(root) }).toOpaque()
        let started = pthread_create(&thread, nil, { job in
            guard let job else { return nil }
            Unmanaged<WalkJob>.fromOpaque(job).takeRetainedValue().body()
            return nil
        }, job)
        if started != 0 {
            // No thread: walk here, before any worker starts.
            Unmanaged<WalkJob>.fromOpaque(job).takeRetainedValue().body()
            joined = true
        }
    }

    deinit {
        _ = finish()
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        lock.deallocate()
        changed.deallocate()
    }

    private func walk(_ root: String) {
        var pending: [CorpusFile] = []
        pending.reserveCapacity(filesPerChunk)
        func publish() {
            let chunk = pending
            pending.removeAll(keepingCapacity: true)
            locked {
                chunks.append(chunk)
                filesFound += chunk.count
            }
            pthread_cond_broadcast(changed)
        }
        do {
            let unreadable = try CorpusWalker.walk(root, statFiles: false, directories: directories) { file in
                pending.append(file)
                if pending.count == filesPerChunk { publish() }
            }
            if !pending.isEmpty { publish() }
            locked { skipped = unreadable }
        } catch {
            locked { walkError = error as? IndexError ?? .invalidInput("walking \(root) failed: \(error)") }
        }
        locked { walkEnded = true }
        pthread_cond_broadcast(changed)
    }

    /// Chunk `index` (waiting until the walk has found it), or nil when the corpus has fewer.
    func chunk(_ index: Int) -> [CorpusFile]? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while chunks.count <= index && !walkEnded { pthread_cond_wait(changed, lock) }
        return index < chunks.count ? chunks[index] : nil
    }

    /// Files found so far.
    var found: Int { locked { filesFound } }

    /// Waits for the walk's end: its chunk and file counts and the directories it could not read,
    /// or the error that stopped it.
    func finish() -> Result<(chunks: Int, files: Int, skipped: [SkippedFile]), IndexError> {
        if !joined {
            pthread_join(thread, nil)
            joined = true
        }
        return locked {
            if let walkError { return .failure(walkError) }
            return .success((chunks.count, filesFound, skipped))
        }
    }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }
}

/// What the walk thread runs.
private final class WalkJob {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
