import ArgumentParser
import LoupeAnalysis
import Dispatch
import LoupeIndex

/// `--ocr` and its settings, shared by `loupe index` and `loupe watch`. The index remembers the
/// languages: later runs read scans without being told again, until `--no-ocr`.
struct OCRFlags: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Read scans: PDF pages without a text layer, and PNG, JPEG and TIFF files, through Tesseract (remembered by the index).",
        discussion: "Needs the Debian packages \(OCROptions.packages)."))
    var ocr = false

    @Flag(name: .long, help: "Stop reading scans in an index built with --ocr.")
    var noOcr = false

    @Option(name: .customLong("ocr-lang"), help: ArgumentHelp("Tesseract languages for --ocr (implies it).", valueName: "langs"))
    var ocrLanguages: String?

    @Option(name: .customLong("ocr-page-seconds"), help: ArgumentHelp("Skip, with a warning, a page that takes longer to recognise.", valueName: "s"))
    var pageSeconds: Int = 60

    @Option(name: .customLong("ocr-max-pages"), help: ArgumentHelp("Recognise at most this many pages of a file; the rest is left out with a warning.", valueName: "n"))
    var maxPages: Int = 200

    func validate() throws {
        if noOcr && (ocr || ocrLanguages != nil) { throw ValidationError("--no-ocr and --ocr disagree") }
        if let ocrLanguages, !OCROptions.isValid(languages: ocrLanguages) {
            throw ValidationError("--ocr-lang '\(ocrLanguages)' is not a list of Tesseract languages joined by + (as fra+spa+eng)")
        }
        if pageSeconds < 1 || pageSeconds > 3600 { throw ValidationError("--ocr-page-seconds must be between 1 and 3600") }
        if maxPages < 1 { throw ValidationError("--ocr-max-pages must be at least 1") }
    }

    /// The OCR settings of this run: the flags', else those the index at `index` remembers; nil
    /// for none. Checks that Tesseract and its languages are there, so that a missing package
    /// fails the run at once.
    func resolve(index: String, progress: OCRProgress?) throws -> OCROptions? {
        if noOcr { return nil }
        let remembered = (try? IndexDirectory(path: index).readManifest())?.settings["ocr"]
        guard let languages = ocrLanguages ?? (ocr ? remembered ?? OCROptions.defaultLanguages : remembered) else { return nil }
        let options = OCROptions(languages: languages, pageSeconds: pageSeconds, maxPages: maxPages, progress: progress)
        try options.check()
        return options
    }
}

/// Redraws the progress line twice a second while OCR runs: a page takes seconds, and the build's
/// own reports come only when a chunk of files is done.
/// (The timer source is thread-safe: Dispatch serialises its handler, and cancel may come from any thread.)
final class ProgressTicker: @unchecked Sendable {
    private let last = Locked<IndexProgress?>(nil)
    private let timer: any DispatchSourceTimer
    private let draw: @Sendable (IndexProgress) -> Void

    init(draw: @escaping @Sendable (IndexProgress) -> Void) {
        self.draw = draw
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [weak self] in
            if let self, let p = self.last.withLock({ $0 }) { self.draw(p) }
        }
        timer.resume()
    }

    func update(_ p: IndexProgress) {
        last.withLock { $0 = p }
        draw(p)
    }

    func stop() { timer.cancel() }
}
