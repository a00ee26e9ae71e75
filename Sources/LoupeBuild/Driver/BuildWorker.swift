import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeStorage

/// One indexing thread: takes chunks of files from the feed, reads each file, extracts its text,
/// detects its language and inverts it into its own `SegmentBuilder`, writing a segment out
/// whenever the builder passes its share of the memory budget. What is left at the end stays in
/// memory for the build's last step.
struct BuildWorker {
    let run: BuildRun
    let worker: Int

    /// Works until the feed runs out or another worker failed; records its parts and any error.
    func work() {
        do {
            try workChunks()
        } catch {
            run.tally.withLock { $0.error = $0.error ?? error }
        }
    }

    private func workChunks() throws {
        let analyzer = try Analyzer()
        let detector = LanguageDetector()
        let budget = run.options.memoryBudget / run.options.threads
        var builder = SegmentBuilder(analyzer: analyzer)
        var seq = 0
        var runs: [(chunk: Int, documents: Int)] = []
        var chunk = worker
        while let files = run.feed.chunk(chunk) {
            if run.tally.withLock({ $0.error != nil }) {
                CorpusFeed.close(files)
                return
            }
            let documentsBefore = builder.documentCount
            let done = index(files, into: builder, detector: detector)
            report(done, files: files.count)
            runs.append((chunk, builder.documentCount - documentsBefore))
            if builder.memoryUsage > budget && builder.documentCount > 0 {
                let segment = try builder.write(to: run.directory, name: run.segmentName(worker: worker, seq: seq))
                run.tally.withLock { $0.parts.append(BuildPart(worker: worker, seq: seq, held: .segment(segment), runs: runs)) }
                seq += 1
                runs = []
                builder = SegmentBuilder(analyzer: analyzer)
            }
            chunk = run.chunksOnDemand ? run.nextChunk.add(1, ordering: .relaxed).oldValue : chunk + run.options.threads
        }
        if builder.documentCount > 0 {
            _ = builder.sortedTerms()
            BuildTrace.mark("worker \(worker) done: \(builder.traceSummary)", since: run.started)
            let left = BuildPart(worker: worker, seq: seq, held: .builder(builder), runs: runs)
            run.tally.withLock { $0.parts.append(left) }
        }
    }

    /// What one chunk added.
    private struct ChunkResult {
        var bytes = 0
        var tokens: UInt64 = 0
        var languages: [Language: Int] = [:]
        var kinds: [String: Int] = [:]
        var charsets: [String: Int] = [:]
        var skipped: [SkippedFile] = []
        /// Documents indexed only in part (a limit cut their text), with why: warned about.
        var cut: [Manifest.PartialFile] = []
    }

    /// Reads, extracts and inverts a chunk's files; a file that cannot be read or extracted is
    /// skipped with its reason.
    private func index(_ files: [CorpusFile], into builder: SegmentBuilder, detector: LanguageDetector) -> ChunkResult {
        var result = ChunkResult()
        let limit = run.options.maxFileSize
        for file in files {
            let bytes: [UInt8]
            let opened: CorpusWalker.OpenedFile
            do {
                opened = try CorpusWalker.read(file, in: run.feed.directories, sizeLimit: limit)
                if opened.missedCache { run.feed.noteUncachedRead() }
                guard let read = opened.bytes else {
                    result.skipped.append(SkippedFile(path: file.relativePath, reason: "\(SkippedFile.tooLargePrefix)\(limit >> 20) MiB; skipped",
                                                      size: UInt64(opened.size), modified: opened.modified))
                    continue
                }
                bytes = read
                result.bytes += bytes.count
            } catch {
                result.skipped.append(SkippedFile(path: file.relativePath, reason: "cannot read: \(error)"))
                continue
            }
            let extractor = run.feed.registry.extractor(for: file.relativePath)
            switch extractor.extract(bytes, fileName: file.relativePath) {
            case .failure(let failure):
                result.skipped.append(SkippedFile(path: file.relativePath, reason: failure.description, size: UInt64(bytes.count), modified: opened.modified))
            case .success(let document):
                var language = document.text.withUnsafeBufferPointer { detector.detect(utf8: $0) }
                // The text cannot tell (too short, no function words): the document's own word.
                if language == .other, let hint = document.languageHint.flatMap(Language.init(code:)) { language = hint }
                let length = builder.add(text: document.text, language: language, path: file.relativePath, title: document.title,
                                         contentHash: ContentHash.of(bytes), modified: opened.modified, fileSize: UInt64(bytes.count),
                                         charset: document.charset)
                result.tokens += UInt64(length)
                result.languages[language, default: 0] += 1
                result.kinds[extractor.kind, default: 0] += 1
                run.options.fileIndexed?(file.relativePath, extractor.kind)
                if let cut = document.cut { result.cut.append(Manifest.PartialFile(path: file.relativePath, reason: cut)) }
                if document.charset != "UTF-8" { result.charsets[document.charset, default: 0] += 1 }
            }
        }
        return result
    }

    /// Adds a chunk's figures to the tally, passes its warnings on, and reports progress at most
    /// four times a second.
    private func report(_ done: ChunkResult, files: Int) {
        for s in done.skipped { run.warning(s) }
        for p in done.cut { run.warning(SkippedFile(path: p.path, reason: "indexed in part: \(p.reason)")) }
        let update: IndexProgress? = run.tally.withLock { state in
            state.filesDone += files
            state.bytesDone += done.bytes
            state.tokens += done.tokens
            state.skipped += done.skipped
            state.partial += done.cut
            state.languages.merge(done.languages, uniquingKeysWith: +)
            state.kinds.merge(done.kinds, uniquingKeysWith: +)
            state.charsets.merge(done.charsets, uniquingKeysWith: +)
            let now = monotonicSeconds()
            guard now - state.lastReport >= 0.25 else { return nil }
            state.lastReport = now
            return IndexProgress(filesDone: state.filesDone, filesTotal: run.feed.found, bytesDone: state.bytesDone, bytesTotal: run.feed.foundBytes)
        }
        if let update { run.progress(update) }
    }
}
