import Dispatch
import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// Builds a complete new index of a directory and commits it atomically, replacing whatever
/// the index held before (the previous index stays intact and readable until the commit).
///
/// Files are cut into chunks (in path order, of `filesPerChunk` files). Each worker analyzes and
/// inverts chunks into its own in-memory segment, written out whenever it passes its share of the
/// memory budget. Merged (the default), workers take chunks on demand and `SegmentCombiner`
/// writes one segment from what they hold, doc ids in path order whatever the thread count;
/// unmerged, chunk `i` goes to worker `i mod threads`, so the segments depend only on the files
/// and the thread count.
public enum IndexBuilder {
    public static func build(corpus: String, index: String, options: IndexOptions = IndexOptions(),
                             warning: @escaping @Sendable (SkippedFile) -> Void = { _ in },
                             progress: @escaping @Sendable (IndexProgress) -> Void = { _ in }) throws -> IndexSummary {
        let started = monotonicSeconds()
        let options = options.placingCache(in: index)
        // The walk runs beside the workers: they take its chunks of files as it completes them.
        let feed = try CorpusFeed(root: corpus, filesPerChunk: options.filesPerChunk, statFiles: options.measureTotal, registry: options.registry)
        let directory = IndexDirectory(path: index)
        try prepare(directory)
        let lock = try directory.lock()
        defer { lock.release() }
        return try build(corpus: corpus, feed: feed, directory: directory, options: options, started: started, warning: warning, progress: progress)
    }

    /// A full build from `feed`, with the write lock held.
    static func build(corpus: String, feed: CorpusFeed, directory: IndexDirectory, options: IndexOptions, started: Double,
                      warning: @escaping @Sendable (SkippedFile) -> Void,
                      progress: @escaping @Sendable (IndexProgress) -> Void) throws -> IndexSummary {
        let generation = try nextGeneration(directory)
        let inverted = try invert(feed: feed, directory: directory, generation: generation, options: options, started: started,
                                  warning: warning, progress: progress)
        let manifest = Manifest(generation: generation, segments: inverted.segments, sourceRoot: absolutePath(corpus), createdAt: Int64(time(nil)),
                                skipped: inverted.remembered, partial: inverted.tally.partial.sorted { $0.path < $1.path },
                                settings: options.settings)
        try directory.commit(manifest)
        try directory.deleteUnreferenced(keeping: manifest)
        BuildTrace.mark("committed", since: started)
        return IndexSummary(documents: manifest.docCount, skipped: inverted.skipped, bytesRead: inverted.tally.bytesDone,
                            tokens: manifest.totalTokens, segments: inverted.segments.count, generation: generation,
                            languages: inverted.tally.languages, kinds: inverted.tally.kinds, charsets: inverted.tally.charsets,
                            seconds: monotonicSeconds() - started)
    }

    /// What `invert` wrote and found.
    struct Inverted {
        /// The segments written (uncommitted), in doc-id order.
        var segments: [Manifest.Segment]
        var tally: BuildTally
        /// Every file not indexed, with its reason (directories the walk could not read first).
        var skipped: [SkippedFile]
        /// The files read but not indexed, with the stat they had: the next run's `CorpusChanges`
        /// knows them unchanged.
        var remembered: [Manifest.SkippedFile]
    }

    /// Reads, analyzes and inverts every file of `feed` into new segments of `generation` (one,
    /// in path order, with the default merge), written but not committed. On failure, nothing it
    /// wrote is left behind.
    static func invert(feed: CorpusFeed, directory: IndexDirectory, generation: UInt64, options: IndexOptions, started: Double,
                       warning: @escaping @Sendable (SkippedFile) -> Void,
                       progress: @escaping @Sendable (IndexProgress) -> Void) throws -> Inverted {
        let run = BuildRun(feed: feed, directory: directory, generation: generation, options: options,
                           started: started, warning: warning, progress: progress)
        DispatchQueue.concurrentPerform(iterations: options.threads) { BuildWorker(run: run, worker: $0).work() }
        let walked = feed.finish()
        let tally = run.tally.withLock { $0 }
        BuildTrace.mark("inverted", since: started)
        let assembly: SegmentAssembly
        let unreadable: [SkippedFile]
        do {
            let walk = try walked.get()
            if let error = tally.error { throw error }
            assembly = SegmentAssembly(run: run, parts: tally.parts.sorted { ($0.worker, $0.seq) < ($1.worker, $1.seq) },
                                       chunkCount: walk.chunks, fileCount: walk.files, bytesRead: tally.bytesDone)
            unreadable = walk.skipped
        } catch {
            // Leave the committed index as it was; remove what this attempt wrote.
            SegmentAssembly(run: run, parts: tally.parts, chunkCount: 0, fileCount: 0, bytesRead: 0).removeWritten()
            throw error
        }
        for s in unreadable { warning(s) }
        progress(IndexProgress(filesDone: assembly.fileCount, filesTotal: assembly.fileCount, bytesDone: tally.bytesDone,
                               bytesTotal: feed.foundBytes))
        let segments = try assembly.write()
        BuildTrace.mark("segment written", since: started)
        let remembered = tally.skipped.compactMap { f in
            f.size.flatMap { size in f.modified.map { Manifest.SkippedFile(path: f.path, size: size, modified: $0, reason: f.reason) } }
        }.sorted { $0.path < $1.path }
        return Inverted(segments: segments, tally: tally, skipped: unreadable + tally.skipped, remembered: remembered)
    }

    /// Creates the index directory, refusing one that holds files that are not Loupe's.
    static func prepare(_ directory: IndexDirectory) throws {
        if directory.exists {
            let foreign = try directory.list().filter { !IndexDirectory.isIndexFileName($0) }
            if !directory.hasManifest, let first = foreign.first {
                throw IndexError.foreignDirectory(path: directory.path, example: first)
            }
        } else {
            try directory.create()
        }
    }

    static func nextGeneration(_ directory: IndexDirectory) throws -> UInt64 {
        var generation: UInt64 = 0
        if let manifest = try? directory.readManifest() { generation = manifest.generation }
        for name in try directory.list() {
            if let g = IndexDirectory.generation(ofFile: name) { generation = max(generation, g) }
        }
        return generation + 1
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path == "." ? cwd : cwd + "/" + path
    }
}
