import Glibc
import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// What `loupe index` did.
public enum IndexOutcome: Sendable {
    /// The directory had not changed since its index: the index was left as it was.
    case upToDate(CorpusChanges, generation: UInt64, seconds: Double)
    /// The changes were applied to the index: a new segment for the added and changed files,
    /// deletions for the changed and removed ones, then any merges the policy asked for.
    case updated(UpdateSummary)
    /// A new index was built: the first one of the directory, or because a full rebuild was asked
    /// for, the index was of another directory or could not be read by this version (`changes`
    /// is kept for callers that rebuild knowing what changed; `update` leaves it nil).
    case built(IndexSummary, changes: CorpusChanges?)
}

/// What an incremental update did.
public struct UpdateSummary: Sendable {
    public var changes: CorpusChanges
    /// Documents in the index after the update.
    public var documents: Int
    /// Files read and not indexed, with their reasons.
    public var skipped: [SkippedFile]
    public var bytesRead: Int
    public var generation: UInt64
    /// Segments after the update (and its merges).
    public var segments: Int
    /// Merges done after the update: the documents each rewrote.
    public var merges: [Int]
    /// Bytes of segment files the update wrote: its new segment and deletions, then its merges.
    public var bytesWritten: Int
    public var mergeBytesWritten: Int
    public var seconds: Double
}

extension IndexBuilder {
    /// Brings the index of `corpus` up to date. When the index at `index` is of the same directory
    /// (and readable by this version), only what changed is done (`CorpusChanges`): nothing when
    /// nothing changed; else the added and changed files are indexed into a new segment, the
    /// documents of changed and removed files are marked deleted in their segments (with what
    /// they held, so that BM25's statistics stay exact), and segments are merged as `mergePolicy`
    /// says — each step committed atomically. Otherwise, or with `full`, the index is rebuilt.
    /// The write lock is taken for the run, unless the caller holds it (`holdingLock`, `lockIndex`).
    public static func update(corpus: String, index: String, full: Bool = false, options: IndexOptions = IndexOptions(),
                              mergePolicy: LogMergePolicy = LogMergePolicy(), holdingLock: Bool = false,
                              warning: @escaping @Sendable (SkippedFile) -> Void = { _ in },
                              progress: @escaping @Sendable (IndexProgress) -> Void = { _ in }) throws -> IndexOutcome {
        let started = monotonicSeconds()
        let options = options.placingCache(in: index)
        let directory = IndexDirectory(path: index)
        try CorpusWalker.checkRoot(corpus)
        let lock = holdingLock ? nil : try lockIndex(index)
        defer { lock?.release() }
        // Another OCR setting changes which files are indexed and what scans hold: a full build
        // (OCR's cache spares it recognising again what it already did).
        if !full, let reader = try? IndexReader(path: index), sameDirectory(reader.manifest.sourceRoot, corpus),
           reader.manifest.settings == options.settings {
            let found = try CorpusChanges.compute(corpus: corpus, reader: reader, maxFileSize: options.maxFileSize)
            for s in found.unreadable { warning(s) }
            if found.isEmpty {
                var generation = reader.manifest.generation
                if found.racyConfirmed > 0 {
                    // Files modified just before the last commit were confirmed by their content: a
                    // new commit time (same segments) spares the next runs reading them again.
                    var touched = reader.manifest
                    touched.generation = try nextGeneration(reader.directory)
                    touched.createdAt = Int64(time(nil))
                    try reader.directory.commit(touched)
                    generation = touched.generation
                }
                return .upToDate(found, generation: generation, seconds: monotonicSeconds() - started)
            }
            return .updated(try apply(found, to: reader, options: options, mergePolicy: mergePolicy, started: started,
                                      warning: warning, progress: progress))
        }
        let feed = try CorpusFeed(root: corpus, filesPerChunk: options.filesPerChunk, statFiles: options.measureTotal, registry: options.registry)
        let summary = try build(corpus: corpus, feed: feed, directory: directory, options: options, started: started, warning: warning, progress: progress)
        return .built(summary, changes: nil)
    }

    /// Takes the write lock of the index at `index` (creating the directory; refusing one that
    /// holds files that are not Loupe's), for a caller that updates it several times
    /// (`loupe watch`, then `update(holdingLock: true)`). Released with the lock or the process.
    public static func lockIndex(_ index: String) throws -> WriteLock {
        let directory = IndexDirectory(path: index)
        try prepare(directory)
        return try directory.lock()
    }

    /// Applies `changes` to the index `reader` reads (the write lock held).
    static func apply(_ changes: CorpusChanges, to reader: IndexReader, options: IndexOptions, mergePolicy: LogMergePolicy, started: Double,
                      warning: @escaping @Sendable (SkippedFile) -> Void,
                      progress: @escaping @Sendable (IndexProgress) -> Void) throws -> UpdateSummary {
        let directory = reader.directory
        let generation = try nextGeneration(directory)
        var written: [String] = []
        var bytesWritten = 0
        do {
            // The added and changed files, into a new segment.
            var inverted: Inverted? = nil
            if !changes.filesToRead.isEmpty {
                let feed = CorpusFeed(files: changes.filesToRead, filesPerChunk: options.filesPerChunk, registry: options.registry)
                let new = try invert(feed: feed, directory: directory, generation: generation, options: options, started: started,
                                     warning: warning, progress: progress)
                written += new.segments.flatMap(\.fileNames)
                inverted = new
            }
            // The documents of changed and removed files, deleted in their segments.
            var segments = reader.manifest.segments
            var byIndex: [Int: [Int]] = [:]
            for doc in changes.obsoleteDocs {
                guard let (s, local) = reader.locateIndex(doc) else { continue }
                byIndex[s, default: []].append(local)
            }
            let analyzer = try Analyzer()
            var emptied = Set<Int>()
            for (s, locals) in byIndex.sorted(by: { $0.key < $1.key }) {
                let segment = reader.segments[s]
                var entry = segments[s]
                var words = segment.deletions?.words ?? [UInt64](repeating: 0, count: (segment.docCount + 63) / 64)
                for local in locals {
                    words[local >> 6] |= 1 << UInt64(local & 63)
                    entry.deletedTokens += UInt64(segment.documents.length(local))
                }
                entry.deletedDocs += locals.count
                if entry.deletedDocs == entry.docCount {
                    emptied.insert(s)
                    continue
                }
                let old = try segment.deletions.map(DeletedTermStatistics.all) ?? []
                let corrections = DeletedTermStatistics.sum(old, try DeletedTermStatistics.of(locals, in: segment, analyzer: analyzer))
                entry.deletionsGeneration = generation
                guard let name = entry.deletionsFileName else { continue }
                let body = SegmentDeletions.encode(docCount: segment.docCount, words: words, deletedTokens: entry.deletedTokens, corrections: corrections)
                written.append(name)
                let writer = try IndexFileWriter(path: directory.file(name), kind: .deletions)
                try writer.write(body)
                bytesWritten += Int(try writer.finish())
                segments[s] = entry
            }
            segments = segments.indices.filter { !emptied.contains($0) }.map { segments[$0] }
            let newSegments = inverted?.segments ?? []
            bytesWritten += newSegments.reduce(0) { $0 + segmentBytes($1, in: directory) }
            segments += newSegments
            // Skipped files: those of this run replace the old entries of every path it looked at.
            let touched = Set(changes.added + changes.changed + changes.removed)
            let skipped = (reader.manifest.skipped.filter { !touched.contains($0.path) } + (inverted?.remembered ?? [])).sorted { $0.path < $1.path }
            let partial = (reader.manifest.partial.filter { !touched.contains($0.path) } + (inverted?.tally.partial ?? [])).sorted { $0.path < $1.path }
            let manifest = Manifest(generation: generation, segments: segments, sourceRoot: reader.manifest.sourceRoot, createdAt: Int64(time(nil)),
                                    skipped: skipped, partial: partial, settings: options.settings)
            try directory.commit(manifest)
            try directory.deleteUnreferenced(keeping: manifest)
            BuildTrace.mark("update committed", since: started)
            // Merges, each its own commit.
            var current = manifest
            var merges: [Int] = []
            var mergeBytes = 0
            while let chosen = mergePolicy.selectMerge(current.segments) {
                let before = current
                (current, mergeBytes) = try merge(chosen, of: current, in: directory, adding: mergeBytes)
                merges.append(chosen.reduce(0) { $0 + before.segments[$1].liveDocs })
            }
            return UpdateSummary(changes: changes, documents: current.docCount, skipped: inverted?.skipped ?? [], bytesRead: inverted?.tally.bytesDone ?? 0,
                                 generation: current.generation, segments: current.segments.count, merges: merges,
                                 bytesWritten: bytesWritten, mergeBytesWritten: mergeBytes, seconds: monotonicSeconds() - started)
        } catch {
            // The committed index stays as it was; what this update wrote goes (files of a
            // generation the manifest does not name are removed by the next commit anyway).
            if (try? directory.readManifest().generation) != generation {
                for name in written { directory.remove(name) }
            }
            throw error
        }
    }

    /// Merges the segments `chosen` of `manifest` into one, which takes the place of the first of
    /// them, and commits; returns the new manifest and `bytes` plus the bytes the merge wrote.
    static func merge(_ chosen: [Int], of manifest: Manifest, in directory: IndexDirectory, adding bytes: Int,
                      threads: Int = IndexOptions().threads) throws -> (Manifest, Int) {
        let generation = try nextGeneration(directory)
        let name = "s\(generation)_0_0"
        let inputs = try chosen.map { try SegmentReader(directory: directory, segment: manifest.segments[$0], docBase: 0, verifyChecksums: true) }
        // The merged segment's documents in path order, as a build orders them (so `optimize`
        // gives a fresh build's order, whose neighbouring documents share words — block-max
        // pruning skips more), when each segment's documents are in path order, as every
        // segment Loupe writes has them; else one segment after another.
        var live: [(path: String, segment: Int, local: Int)] = []
        for (i, segment) in inputs.enumerated() {
            for local in 0..<segment.docCount where !segment.isDeleted(local) {
                live.append((try segment.documents.record(local).path, i, local))
            }
        }
        var docMaps = inputs.map { [UInt32](repeating: CombineSource.dropped, count: $0.docCount) }
        let inPathOrder = zip(live, live.dropFirst()).allSatisfy { a, b in
            a.segment != b.segment || a.path.utf8.lexicographicallyPrecedes(b.path.utf8)
        }
        if inPathOrder { live.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) } }
        for (combined, doc) in live.enumerated() { docMaps[doc.segment][doc.local] = UInt32(combined) }
        let sources = try zip(inputs, docMaps).map { try CombineSource(segment: $0, docMap: $1) }
        let merged: Manifest.Segment
        do {
            merged = try SegmentCombiner.combine(sources, into: directory, name: name, threads: threads)
        } catch {
            SegmentAssembly.removeSegment(name, in: directory)
            throw error
        }
        var segments: [Manifest.Segment] = []
        for (i, s) in manifest.segments.enumerated() {
            if i == chosen.first { segments.append(merged) } else if !chosen.contains(i) { segments.append(s) }
        }
        var next = manifest
        next.generation = generation
        next.segments = segments
        next.createdAt = Int64(time(nil))
        try directory.commit(next)
        try directory.deleteUnreferenced(keeping: next)
        return (next, bytes + segmentBytes(merged, in: directory))
    }

    /// Merges every segment of the index at `index` into one, without its deleted documents
    /// (`loupe optimize`). Returns the documents in it, or nil when the index was one segment with
    /// no deletions already.
    public static func optimize(index: String) throws -> (documents: Int, segmentsBefore: Int, seconds: Double)? {
        let started = monotonicSeconds()
        let directory = IndexDirectory(path: index)
        guard directory.hasManifest else { throw IndexError.notFound(directory: index) }
        let lock = try directory.lock()
        defer { lock.release() }
        let manifest = try directory.readManifest()
        guard manifest.segments.count > 1 || manifest.segments.contains(where: { $0.deletedDocs > 0 }) else { return nil }
        let (merged, _) = try merge(Array(manifest.segments.indices), of: manifest, in: directory, adding: 0)
        return (merged.docCount, manifest.segments.count, monotonicSeconds() - started)
    }

    /// Bytes of a segment's files on disk.
    static func segmentBytes(_ segment: Manifest.Segment, in directory: IndexDirectory) -> Int {
        segment.fileNames.reduce(0) { total, name in
            var st = stat()
            return total + (stat(directory.file(name), &st) == 0 ? Int(st.st_size) : 0)
        }
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
