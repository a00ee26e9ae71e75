import ArgumentParser
import LoupeAnalysis
import LoupeIndex

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a directory of documents (.txt, .md, .html, …), or bring its index up to date.",
        discussion: """
            Walks DIR recursively (hidden files skipped; patterns in DIR/.loupeignore skipped), extracts the text, \
            detects each document's language (en/fr/es/other), analyzes it and writes a new index. When the index \
            already holds DIR, only what changed is done (one stat per file; a file whose time moved is compared by \
            content): added and changed files go into a new segment, changed and removed ones are marked deleted, and \
            segments are merged as they accumulate (`loupe optimize` merges them all). --full rebuilds from scratch. \
            Every step is committed atomically: if indexing fails or is interrupted, the previous index stays usable. \
            One writer at a time: a second `loupe index` or `loupe watch` on the same index is refused.
            """
    )

    @Argument(help: ArgumentHelp("Directory to index.", valueName: "dir"))
    var corpus: String

    @OptionGroup var location: IndexLocation

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Memory budget for in-memory segments, in MiB.", valueName: "mib"))
    var memory: Int = 1024

    @Option(name: .long, help: ArgumentHelp("Skip files larger than this, with a warning (MiB, at most 256).", valueName: "mib"))
    var maxFileSize: Int = 256

    @Flag(name: .long, help: "Keep one segment per worker instead of merging them: faster indexing, slower queries.")
    var noMerge = false

    @Flag(name: .shortAndLong, help: "Print only warnings and errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "List each file as it is indexed (path and kind).")
    var verbose = false

    @Flag(name: .long, help: "Rebuild the index even when the directory has not changed.")
    var full = false

    @OptionGroup(title: "OCR") var ocrFlags: OCRFlags

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if memory < 16 { throw ValidationError("--memory must be at least 16 (MiB)") }
        if maxFileSize < 1 || maxFileSize > 256 { throw ValidationError("--max-file-size must be between 1 and 256 (MiB)") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose disagree") }
    }

    func run() throws {
        Allocator.keepFreedMemory()
        try reportingErrors {
            var options = IndexOptions(memoryBudget: memory << 20, maxFileSize: maxFileSize << 20)
            if let threads { options.threads = threads }
            if noMerge { options.mergeSegments = .whenOverBudget }
            if verbose {
                options.fileIndexed = { path, kind in
                    Terminal.writeStderr(Terminal.inert("\r\u{1B}[K\(kind)\t\(path)") + "\n")
                }
            }
            let showProgress = !quiet && Terminal.stderrIsTTY
            // On a terminal the walk stats every file, so that progress knows the total bytes.
            options.measureTotal = showProgress
            let ocrProgress = OCRProgress()
            options.ocr = try ocrFlags.resolve(index: location.index, progress: ocrProgress)
            let started = monotonicSeconds()
            let draw: @Sendable (IndexProgress) -> Void = { p in
                guard p.filesTotal > 0 else { return }
                if p.phase == .merging {
                    Terminal.writeStderr("\rwriting \(grouped(p.filesTotal)) documents into one segment…\u{1B}[K")
                    return
                }
                Terminal.writeStderr("\r" + Self.progressLine(p, elapsed: monotonicSeconds() - started, ocr: ocrProgress) + "\u{1B}[K")
            }
            let ticker = showProgress && options.ocr != nil ? ProgressTicker(draw: draw) : nil
            defer { ticker?.stop() }
            let outcome = try IndexBuilder.update(
                corpus: corpus, index: location.index, full: full, options: options,
                warning: { skipped in Terminal.warning(Terminal.inert("\(FileName.shown(skipped.path)): \(skipped.reason)")) },
                progress: { p in
                    guard showProgress else { return }
                    if let ticker { ticker.update(p) } else { draw(p) }
                })
            ticker?.stop()
            if showProgress { Terminal.writeStderr("\r\u{1B}[K") }
            guard !quiet else { return }
            printOutcome(outcome, index: location.index)
            let ocr = ocrProgress.snapshot
            if ocr.planned > 0 {
                let recognised = ocr.done - ocr.cached
                print("OCR: \(grouped(ocr.done)) pages (\(grouped(recognised)) recognised\(recognised > 0 && ocr.seconds > 0 ? ", \(fixed(Double(recognised) / ocr.seconds, 2)) pages/s" : ""), "
                      + "\(grouped(ocr.cached)) from the cache\(ocr.skipped > 0 ? ", \(grouped(ocr.skipped)) skipped" : ""))")
            }
        }
    }

    /// `indexing: 1,200/4,000 files, 35.2 MB of 120.4 MB (29%) at 14.1 MB/s, about 6 s left`:
    /// files done of those found so far (the walk runs ahead of the workers), bytes read of the
    /// bytes found (when the walk stats files: `IndexOptions.measureTotal`), the rate since the
    /// start, and the time left at that pace (shown after the first second; by bytes when the
    /// total is known, else by files).
    static func progressLine(_ p: IndexProgress, elapsed: Double, ocr: OCRProgress? = nil) -> String {
        var line = "indexing: \(grouped(p.filesDone))/\(grouped(p.filesTotal)) files, \(formatBytes(p.bytesDone))"
        let fraction: Double
        if let total = p.bytesTotal, total > 0 {
            fraction = min(1, Double(p.bytesDone) / Double(total))
            line += " of \(formatBytes(total))"
        } else {
            fraction = Double(p.filesDone) / Double(max(1, p.filesTotal))
        }
        line += " (\(Int(fraction * 100))%)"
        if elapsed >= 1 {
            line += " at \(fixed(Double(p.bytesDone) / 1e6 / elapsed, 1)) MB/s"
            if fraction > 0 && fraction < 1 {
                let left = elapsed * (1 - fraction) / fraction
                line += left < 90 ? ", about \(Int(left.rounded(.up))) s left" : ", about \(Int((left / 60).rounded(.up))) min left"
            }
        }
        // OCR's own: pages done of those planned so far (a PDF's are planned when it is opened),
        // the pace of recognition, and the time left for the planned pages at that pace.
        if let ocr {
            let s = ocr.snapshot
            if s.planned > 0 {
                line += " · OCR \(grouped(s.done))/\(grouped(s.planned)) pages"
                let recognised = s.done - s.cached
                if recognised > 0 && s.seconds >= 1 {
                    let rate = Double(recognised) / s.seconds
                    line += ", \(fixed(rate, 2)) pages/s"
                    let left = Double(s.planned - s.done) / rate
                    if left > 0 { line += left < 90 ? ", about \(Int(left.rounded(.up))) s left" : ", about \(Int((left / 60).rounded(.up))) min left" }
                }
            }
        }
        return line
    }
}

/// Prints what `loupe index` (or one round of `loupe watch`) did.
func printOutcome(_ outcome: IndexOutcome, index: String) {
    let summary: IndexSummary
    switch outcome {
    case .upToDate(let changes, let generation, let seconds):
        print("Up to date: \(grouped(changes.unchanged)) files unchanged (checked in \(fixed(seconds, 2)) s); \(index) is at generation \(generation)")
        return
    case .updated(let update):
        let c = update.changes
        print("\(grouped(c.added.count)) added, \(grouped(c.changed.count)) updated, \(grouped(c.removed.count)) removed, "
              + "\(grouped(c.unchanged)) unchanged in \(fixed(update.seconds, 2)) s")
        if !update.skipped.isEmpty {
            print(Terminal.inert("Skipped \(grouped(update.skipped.count)): " + update.skipped.prefix(5).map { "\(FileName.shown($0.path)) (\($0.reason))" }.joined(separator: ", ")))
        }
        let merged = update.merges.isEmpty ? "" : "; merged \(update.merges.map { grouped($0) }.joined(separator: ", ")) documents"
        let wrote = "wrote \(formatBytes(update.bytesWritten))" + (update.merges.isEmpty ? "" : ", merges \(formatBytes(update.mergeBytesWritten))")
        print("Index updated in \(index) (generation \(update.generation), \(grouped(update.documents)) documents, "
              + "\(update.segments) segment\(update.segments == 1 ? "" : "s")\(merged); \(wrote))")
        return
    case .built(let built, let changes):
        summary = built
        if let changes {
            print("Changed since the index: \(grouped(changes.added.count)) added, \(grouped(changes.changed.count)) changed, "
                  + "\(grouped(changes.removed.count)) removed, \(grouped(changes.unchanged)) unchanged; rebuilding")
        }
    }
    let rate = summary.seconds > 0 ? Double(summary.bytesRead) / 1e6 / summary.seconds : 0
    let languages = summary.languages.sorted { $0.value > $1.value }.map { "\($0.key.code) \($0.value)" }.joined(separator: ", ")
    print("Indexed \(grouped(summary.documents)) documents (\(formatBytes(summary.bytesRead)), \(grouped(Int(summary.tokens))) tokens) in \(fixed(summary.seconds, 2)) s, \(fixed(rate, 1)) MB/s")
    if !languages.isEmpty { print("Languages: \(languages)") }
    func counts(_ map: [String: Int]) -> String { map.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", ") }
    if !summary.kinds.isEmpty { print("Kinds: \(counts(summary.kinds))") }
    if !summary.charsets.isEmpty { print("Not UTF-8, decoded: \(counts(summary.charsets))") }
    if !summary.skipped.isEmpty {
        let shown = summary.skipped.sorted { $0.path < $1.path }.prefix(5).map { f in
            "\(FileName.shown(f.path)) (\(f.reason.hasSuffix("; skipped") ? String(f.reason.dropLast(9)) : f.reason))"
        }.joined(separator: ", ")
        let more = summary.skipped.count > 5 ? ", and \(grouped(summary.skipped.count - 5)) more (see the warnings above)" : ""
        print(Terminal.inert("Skipped \(grouped(summary.skipped.count)): \(shown)\(more)"))
    }
    print("Index written to \(index) (generation \(summary.generation), \(summary.segments) segment\(summary.segments == 1 ? "" : "s"))")
}
