import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// The corpus's files for a build, found by a walk on a thread of its own and handed out in
/// chunks (of `filesPerChunk` files, or fewer of a format dearer to read — a PDF is a chunk of its
/// own, `DocumentExtractor.chunkWeight` — in path order) as soon as each is complete: the workers start
/// reading and inverting while the walk goes on, instead of after it. Before the walk reads a
/// directory it hands out the files it holds, however few: a directory of ten thousand entries
/// takes milliseconds to read and sort, which a worker would otherwise spend waiting. The walk keeps directories
/// open (`DirectoryHandles`) so that the workers open files relative to them.
///
/// Once a worker has had to wait for the disk (`noteUncachedRead`), the same thread also opens the
/// files of the next few chunks the workers will take (up to `prefetchChunks` beyond the chunks
/// taken) and asks the kernel to start reading them (`POSIX_FADV_WILLNEED`): files not in the page
/// cache — a first build, a cold cache — then arrive from the disk many at a time while the
/// workers are busy, instead of one at a time as each worker blocks on its read. A build whose
/// files are all cached never starts it, and pays nothing for it. A worker reads a prefetched
/// file from the descriptor it comes with (and closes it); whatever is never taken is closed by
/// the feed.
final class CorpusFeed: @unchecked Sendable {
    let directories = DirectoryHandles()
    private let filesPerChunk: Int
    private let prefetchChunks: Int
    /// Allocated once the root is known to be a directory (a throwing init leaves nothing behind).
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    // Guarded by `lock`.
    private var chunks: [[CorpusFile]] = []
    private var taken: [Bool] = []
    private var takenCount = 0
    /// The next chunk to prefetch.
    private var prefetched = 0
    /// The prefetch is waiting for the workers to take chunks.
    private var prefetchWaiting = false
    /// A read has missed the page cache: prefetching is on.
    private var prefetchStarted = false
    private var stopping = false
    private var filesFound = 0
    /// Bytes of the files found so far, when the walk stats them (`statFiles`).
    private var bytesFound = 0
    private let statFiles: Bool
    /// Which files are indexed, and how much of a chunk each weighs.
    let registry: ExtractorRegistry
    private var walkEnded = false
    private var skipped: [SkippedFile] = []
    private var walkError: IndexError?
    private var thread = pthread_t()
    private var joined = false

    /// Checks the root, then starts walking it. `prefetchChunks` defaults to 8, fewer when the
    /// process may not hold that many more descriptors (a quarter of its limit at most).
    /// With `statFiles`, the walk stats every file, so that `foundBytes` adds up their sizes (for
    /// a progress line that knows the total); without, it stats only what the directory listing
    /// does not tell apart.
    init(root: String, filesPerChunk: Int, prefetchChunks: Int? = nil, statFiles: Bool = false, registry: ExtractorRegistry = .standard) throws {
        try CorpusWalker.checkRoot(root)
        lock = .allocate(capacity: 1)
        changed = .allocate(capacity: 1)
        self.registry = registry
        self.statFiles = statFiles
        self.filesPerChunk = max(1, filesPerChunk)
        self.prefetchChunks = prefetchChunks ?? min(8, DirectoryHandles.descriptorLimit / 4 / max(1, filesPerChunk))
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
        if let started = ThreadJob.start({ [self] in walk(root) }) {
            thread = started
        } else {
            // No thread: walk here, before any worker starts.
            walk(root)
            joined = true
        }
    }

    /// A feed of the given files, in chunks, with no walk (an update's added and changed files).
    init(files: [CorpusFile], filesPerChunk: Int, registry: ExtractorRegistry = .standard) {
        lock = .allocate(capacity: 1)
        changed = .allocate(capacity: 1)
        self.registry = registry
        self.filesPerChunk = max(1, filesPerChunk)
        statFiles = true
        bytesFound = files.reduce(0) { $0 + $1.size }
        prefetchChunks = 0
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
        var start = 0, weight = 0
        for (i, file) in files.enumerated() {
            weight += registry.chunkWeight(of: file.relativePath)
            if weight >= self.filesPerChunk || i == files.count - 1 {
                chunks.append(Array(files[start...i]))
                taken.append(false)
                start = i + 1
                weight = 0
            }
        }
        filesFound = files.count
        walkEnded = true
        joined = true
    }

    deinit {
        _ = finish()
        // Chunks no worker took: their prefetched descriptors are still open.
        for (index, chunk) in chunks.enumerated() where !taken[index] { Self.close(chunk) }
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        lock.deallocate()
        changed.deallocate()
    }

    private func walk(_ root: String) {
        var pending: [CorpusFile] = []
        var pendingWeight = 0
        pending.reserveCapacity(filesPerChunk)
        func publish() {
            let chunk = pending
            pending.removeAll(keepingCapacity: true)
            pendingWeight = 0
            let bytes = chunk.reduce(0) { $0 + $1.size }
            locked {
                chunks.append(chunk)
                taken.append(false)
                filesFound += chunk.count
                bytesFound += bytes
            }
            pthread_cond_broadcast(changed)
        }
        do {
            // Files found before a directory is read go out at once, even short of a chunk:
            // reading a large directory takes long enough to leave a worker idle.
            let unreadable = try CorpusWalker.walk(root, statFiles: statFiles, directories: directories, registry: registry, listing: {
                if !pending.isEmpty { publish() }
            }) { file in
                pending.append(file)
                pendingWeight += registry.chunkWeight(of: file.relativePath)
                if pendingWeight >= filesPerChunk {
                    publish()
                    // The walk goes on at once: only what already fits is prefetched meanwhile.
                    while prefetchNext(wait: false) {}
                }
            }
            if !pending.isEmpty { publish() }
            locked { skipped = unreadable }
        } catch {
            locked { walkError = error as? IndexError ?? .invalidInput("walking \(root) failed: \(error)") }
        }
        locked { walkEnded = true }
        pthread_cond_broadcast(changed)
        while prefetchNext(wait: true) {}
    }

    /// Opens the files of the next chunk to prefetch, if it is within `prefetchChunks` of the
    /// chunks taken (else, with `wait`, waits until it is), and starts their reads. False when
    /// there is nothing (more) to do now: with `wait`, when every chunk is prefetched or the
    /// feed is stopping.
    private func prefetchNext(wait: Bool) -> Bool {
        guard prefetchChunks > 0 else { return false }
        pthread_mutex_lock(lock)
        while true {
            if !prefetchStarted && !stopping {
                if !wait {
                    pthread_mutex_unlock(lock)
                    return false
                }
                // Nothing to do until a worker finds a file that is not cached, or the build ends.
                prefetchWaiting = true
                while !prefetchStarted && !stopping { pthread_cond_wait(changed, lock) }
                prefetchWaiting = false
                continue
            }
            if stopping || prefetched >= chunks.count {
                pthread_mutex_unlock(lock)
                return false
            }
            if taken[prefetched] {
                // A worker got there first: it opens the files itself.
                prefetched += 1
                continue
            }
            if prefetched < takenCount + prefetchChunks { break }
            if !wait {
                pthread_mutex_unlock(lock)
                return false
            }
            // Sleep until half the window is free, then fill it: a wake-up per few chunks.
            prefetchWaiting = true
            while !stopping && prefetched >= takenCount + prefetchChunks - prefetchChunks / 2 { pthread_cond_wait(changed, lock) }
            prefetchWaiting = false
        }
        let index = prefetched
        var files = chunks[index]
        pthread_mutex_unlock(lock)
        for i in files.indices { files[i].descriptor = CorpusWalker.openForPrefetch(files[i], in: directories) }
        let stale = locked { () -> Bool in
            prefetched = index + 1
            if taken[index] { return true }
            chunks[index] = files
            return false
        }
        if stale { Self.close(files) }
        return true
    }

    /// A worker's read had to wait for the disk: start prefetching (the first call does).
    func noteUncachedRead() {
        guard prefetchChunks > 0 else { return }
        // Only reads that waited for the disk come here: a lock each costs nothing beside them.
        let started = locked { () -> Bool in
            defer { prefetchStarted = true }
            return !prefetchStarted
        }
        if started { pthread_cond_broadcast(changed) }
    }

    /// Closes the prefetched descriptors of `files` (a chunk that will not be read).
    static func close(_ files: [CorpusFile]) {
        for file in files where file.descriptor >= 0 { Glibc.close(file.descriptor) }
    }

    /// Chunk `index` (waiting until the walk has found it), or nil when the corpus has fewer.
    /// The caller owns the chunk's prefetched descriptors: `CorpusWalker.read` closes each, and
    /// files it will not read it passes to `close`.
    func chunk(_ index: Int) -> [CorpusFile]? {
        pthread_mutex_lock(lock)
        while chunks.count <= index && !walkEnded { pthread_cond_wait(changed, lock) }
        guard index < chunks.count, !taken[index] else {
            pthread_mutex_unlock(lock)
            return nil
        }
        taken[index] = true
        takenCount += 1
        let files = chunks[index]
        let wake = prefetchWaiting && prefetchStarted && prefetched < takenCount + prefetchChunks - prefetchChunks / 2
        pthread_mutex_unlock(lock)
        if wake { pthread_cond_broadcast(changed) }
        return files
    }

    /// Files found so far.
    var found: Int { locked { filesFound } }
    /// Their bytes, when the walk stats files (else nil).
    var foundBytes: Int? { statFiles ? locked { bytesFound } : nil }

    /// Waits for the walk's end: its chunk and file counts and the directories it could not read,
    /// or the error that stopped it.
    func finish() -> Result<(chunks: Int, files: Int, skipped: [SkippedFile]), IndexError> {
        locked { stopping = true }
        pthread_cond_broadcast(changed)
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

/// A closure run on a thread of its own (a pthread: the callers are synchronous code that joins it).
final class ThreadJob {
    private let body: () -> Void
    private init(_ body: @escaping () -> Void) { self.body = body }

    /// Starts `body` on a new thread; nil when no thread could be made (`body` did not run).
    static func start(_ body: @escaping () -> Void) -> pthread_t? {
        var thread = pthread_t()
        let job = Unmanaged.passRetained(ThreadJob(body)).toOpaque()
        let started = pthread_create(&thread, nil, { job in
            guard let job else { return nil }
            Unmanaged<ThreadJob>.fromOpaque(job).takeRetainedValue().body()
            return nil
        }, job)
        guard started == 0 else {
            Unmanaged<ThreadJob>.fromOpaque(job).release()
            return nil
        }
        return thread
    }
}
