import Dispatch
import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage
import Synchronization
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
        // The walk runs beside the workers: they take its chunks of files as it completes them.
        let feed = try CorpusFeed(root: corpus, filesPerChunk: options.filesPerChunk)
        let directory = IndexDirectory(path: index)
        try prepare(directory)
        let lock = try directory.lock()
        defer { lock.release() }
        let generation = try nextGeneration(directory)
        let threads = options.threads

        /// What a worker produced: a segment it flushed, or the builder it still holds at the end,
        /// with the chunks whose documents it holds, in its doc-id order.
        struct Part: @unchecked Sendable {
            var worker: Int
            var seq: Int
            enum Held { case segment(Manifest.Segment), builder(SegmentBuilder) }
            var held: Held
            var runs: [(chunk: Int, documents: Int)]
        }
        struct Shared: Sendable {
            var parts: [Part] = []
            var skipped: [SkippedFile] = []
            var error: IndexError?
            var otherError: String?
            var filesDone = 0
            var bytesDone = 0
            var tokens: UInt64 = 0
            var languages: [Language: Int] = [:]
            var lastReport = 0.0
        }
        let shared = Mutex(Shared())
        let perWorkerBudget = options.memoryBudget / threads
        // Merged builds take chunks on demand (the merge puts documents in path order whoever read
        // them); unmerged ones deal chunk i to worker i mod threads, so their segments are the same
        // on every run.
        let onDemand = options.mergeSegments == .always
        let nextChunk = Atomic<Int>(threads)
        @Sendable func segmentName(worker: Int, seq: Int) -> String { "s\(generation)_\(worker)_\(seq)" }

        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            do {
                let analyzer = try Analyzer()
                let detector = LanguageDetector()
                var builder = SegmentBuilder(analyzer: analyzer)
                var seq = 0
                var runs: [(chunk: Int, documents: Int)] = []
                func flush() throws {
                    guard builder.documentCount > 0 else { return }
                    let segment = try builder.write(to: directory, name: segmentName(worker: worker, seq: seq))
                    shared.withLock { $0.parts.append(Part(worker: worker, seq: seq, held: .segment(segment), runs: runs)) }
                    seq += 1
                    runs = []
                    builder = SegmentBuilder(analyzer: analyzer)
                }
                var chunk = worker
                while let files = feed.chunk(chunk) {
                    let documentsBefore = builder.documentCount
                    if shared.withLock({ $0.error != nil || $0.otherError != nil }) {
                        CorpusFeed.close(files)
                        return
                    }
                    var localBytes = 0
                    var localTokens: UInt64 = 0
                    var localLanguages: [Language: Int] = [:]
                    var localSkipped: [SkippedFile] = []
                    for file in files {
                        let bytes: [UInt8]
                        let opened: CorpusWalker.OpenedFile
                        do {
                            opened = try CorpusWalker.read(file, in: feed.directories, sizeLimit: IndexOptions.maxFileSize)
                            if opened.missedCache { feed.noteUncachedRead() }
                            guard let read = opened.bytes else {
                                localSkipped.append(SkippedFile(path: file.relativePath, reason: "larger than \(IndexOptions.maxFileSize >> 20) MiB; skipped"))
                                continue
                            }
                            bytes = read
                            localBytes += bytes.count
                        } catch {
                            localSkipped.append(SkippedFile(path: file.relativePath, reason: "cannot read: \(error)"))
                            continue
                        }
                        switch TextExtractor.extract(bytes, fileName: file.relativePath) {
                        case .failure(let failure):
                            localSkipped.append(SkippedFile(path: file.relativePath, reason: failure.description))
                        case .success(let document):
                            let language = document.text.withUnsafeBufferPointer { detector.detect(utf8: $0) }
                            let length = builder.add(text: document.text, language: language, path: file.relativePath, title: document.title,
                                                     contentHash: ContentHash.of(bytes), modified: opened.modified, fileSize: UInt64(bytes.count))
                            localTokens += UInt64(length)
                            localLanguages[language, default: 0] += 1
                        }
                    }
                    for s in localSkipped { warning(s) }
                    let report: IndexProgress? = shared.withLock { state in
                        state.filesDone += files.count
                        state.bytesDone += localBytes
                        state.tokens += localTokens
                        state.skipped += localSkipped
                        state.languages.merge(localLanguages, uniquingKeysWith: +)
                        let now = monotonicSeconds()
                        guard now - state.lastReport >= 0.25 else { return nil }
                        state.lastReport = now
                        return IndexProgress(filesDone: state.filesDone, filesTotal: feed.found, bytesDone: state.bytesDone)
                    }
                    if let report { progress(report) }
                    runs.append((chunk, builder.documentCount - documentsBefore))
                    if builder.memoryUsage > perWorkerBudget { try flush() }
                    chunk = onDemand ? nextChunk.add(1, ordering: .relaxed).oldValue : chunk + threads
                }
                // What is left stays in memory: the last step writes it, merged or not.
                if builder.documentCount > 0 {
                    _ = builder.sortedTerms()
                    BuildTrace.mark("worker \(worker) done: \(builder.traceSummary)", since: started)
                    let left = Part(worker: worker, seq: seq, held: .builder(builder), runs: runs)
                    shared.withLock { $0.parts.append(left) }
                }
            } catch let error as IndexError {
                shared.withLock { $0.error = $0.error ?? error }
            } catch {
                shared.withLock { $0.otherError = $0.otherError ?? "\(error)" }
            }
        }

        let walked = feed.finish()
        let state = shared.withLock { $0 }
        BuildTrace.mark("inverted", since: started)
        let written = state.parts.compactMap { part -> String? in
            if case .segment(let segment) = part.held { return segment.name }
            return nil
        }
        let mergedName = "s\(generation)_\(threads)_0"
        func removeWritten() {
            for name in written { removeSegment(name, in: directory) }
            removeSegment(mergedName, in: directory)
        }
        let walkFailure: IndexError?
        let chunkCount: Int, fileCount: Int, unreadable: [SkippedFile]
        switch walked {
        case .success(let result): (chunkCount, fileCount, unreadable, walkFailure) = (result.chunks, result.files, result.skipped, nil)
        case .failure(let error): (chunkCount, fileCount, unreadable, walkFailure) = (0, 0, [], error)
        }
        if let error = walkFailure ?? state.error ?? state.otherError.map({ IndexError.invalidInput($0) }) {
            // Leave the committed index as it was; remove what this attempt wrote.
            removeWritten()
            throw error
        }
        for s in unreadable { warning(s) }
        progress(IndexProgress(filesDone: fileCount, filesTotal: fileCount, bytesDone: state.bytesDone))
        let parts = state.parts.sorted { ($0.worker, $0.seq) < ($1.worker, $1.seq) }
        let merge: Bool
        switch options.mergeSegments {
        case .never: merge = false
        case .always:
            if parts.count == 1, case .segment = parts[0].held { merge = false } else { merge = !parts.isEmpty }
        case .whenOverBudget: merge = parts.count > threads
        }
        var segments: [Manifest.Segment] = []
        do {
            if merge {
                var merging = IndexProgress(filesDone: fileCount, filesTotal: fileCount, bytesDone: state.bytesDone)
                merging.phase = .merging
                progress(merging)
                // Combined doc ids follow the chunks, hence the paths.
                var chunkBase = [Int](repeating: 0, count: chunkCount + 1)
                for part in parts { for run in part.runs { chunkBase[run.chunk + 1] = run.documents } }
                for c in 0..<chunkCount { chunkBase[c + 1] += chunkBase[c] }
                let sources = try parts.map { part -> CombineSource in
                    var docMap: [UInt32] = []
                    for run in part.runs { docMap += (0..<run.documents).map { UInt32(chunkBase[run.chunk] + $0) } }
                    switch part.held {
                    case .builder(let builder):
                        return CombineSource(builder: builder, docMap: docMap)
                    case .segment(let segment):
                        let reader = try SegmentReader(directory: directory, segment: segment, docBase: 0, verifyChecksums: false)
                        return try CombineSource(segment: reader, docMap: docMap)
                    }
                }
                segments = [try SegmentCombiner.combine(sources, into: directory, name: mergedName, threads: options.threads,
                                                        bufferLimit: options.memoryBudget / 2)]
            } else {
                for part in parts {
                    switch part.held {
                    case .builder(let builder): segments.append(try builder.write(to: directory, name: segmentName(worker: part.worker, seq: part.seq)))
                    case .segment(let segment): segments.append(segment)
                    }
                }
            }
        } catch {
            removeWritten()
            for part in parts { removeSegment(segmentName(worker: part.worker, seq: part.seq), in: directory) }
            throw error
        }
        BuildTrace.mark("segment written", since: started)
        let manifest = Manifest(generation: generation, segments: segments, sourceRoot: absolutePath(corpus), createdAt: Int64(time(nil)))
        try directory.commit(manifest)
        try directory.deleteUnreferenced(keeping: manifest)
        BuildTrace.mark("committed", since: started)
        return IndexSummary(documents: manifest.docCount, skipped: unreadable + state.skipped, bytesRead: state.bytesDone,
                            tokens: manifest.totalTokens, segments: segments.count, generation: generation,
                            languages: state.languages, seconds: monotonicSeconds() - started)
    }

    /// Creates the index directory, refusing one that holds files that are not Loupe's.
    static func prepare(_ directory: IndexDirectory) throws {
        if directory.exists {
            let foreign = try directory.list().filter { !IndexDirectory.isIndexFileName($0) }
            if !directory.hasManifest, let first = foreign.first {
                throw IndexError.invalidInput("refusing to write an index into \(directory.path): it is not empty and not a Loupe index (it holds \(first))")
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

    static func removeSegment(_ name: String, in directory: IndexDirectory) {
        for kind in IndexFile.Kind.allCases where kind != .manifest { directory.remove(name + "." + kind.fileExtension) }
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path == "." ? cwd : cwd + "/" + path
    }
}
