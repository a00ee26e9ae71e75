import Glibc
import LoupeAnalysis

/// How scans are read (`loupe index --ocr`): PDF pages without a text layer, and PNG, JPEG and
/// TIFF files, are rendered at `dpi` and recognised by Tesseract in `languages`, in the helper
/// program `loupe-ocr` beside `loupe` (as `loupe-pdf` reads PDFs: a page cannot hang or exhaust the
/// run). What it recognises is kept in `cacheDirectory` by content, so an unchanged scan is
/// recognised once.
public struct OCROptions: Sendable, Equatable {
    /// Tesseract's languages, `+`-joined (`fra+spa+eng`).
    public var languages: String
    /// A page that takes longer is skipped with a warning (the document is indexed in part).
    public var pageSeconds: Int
    /// Pages recognised per file at most; the rest are left out with a warning.
    public var maxPages: Int
    public var dpi: Int
    /// Where recognised text is cached (the index's `ocr-cache`), nil for no cache.
    public var cacheDirectory: String?
    /// The helper's path, or nil to look for `loupe-ocr` beside the running executable (or where
    /// `LOUPE_OCR_HELPER` points).
    public var helper: String?
    /// Counts pages planned and recognised, for the progress line.
    public var progress: OCRProgress?

    public static let defaultLanguages = "fra+spa+eng"
    /// The Debian packages OCR needs at run time.
    public static let packages = "tesseract-ocr tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-eng"
    /// The extensions of the image files OCR reads.
    public static let imageExtensions = ["png", "jpg", "jpeg", "tif", "tiff"]

    public init(languages: String = OCROptions.defaultLanguages, pageSeconds: Int = 60, maxPages: Int = 200, dpi: Int = 300,
                cacheDirectory: String? = nil, helper: String? = nil, progress: OCRProgress? = nil) {
        self.languages = languages
        self.pageSeconds = max(1, pageSeconds)
        self.maxPages = max(1, maxPages)
        self.dpi = min(max(dpi, 72), 600)
        self.cacheDirectory = cacheDirectory
        self.helper = helper
        self.progress = progress
    }

    public static func == (a: OCROptions, b: OCROptions) -> Bool {
        a.languages == b.languages && a.pageSeconds == b.pageSeconds && a.maxPages == b.maxPages && a.dpi == b.dpi
            && a.cacheDirectory == b.cacheDirectory && a.helper == b.helper
    }

    /// Whether `languages` is a `+`-joined list of Tesseract language codes (`fra+spa+eng`, `chi_sim`).
    public static func isValid(languages: String) -> Bool {
        let parts = languages.split(separator: "+", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.count <= 8 && parts.allSatisfy { part in
            (2...16).contains(part.utf8.count) && part.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
        }
    }

    static let located = HelperProcess.locate("loupe-ocr", override: "LOUPE_OCR_HELPER")

    /// The helper's path, or why there is none.
    func helperPath() throws(OCRUnavailable) -> String {
        if let helper { return helper }
        guard let path = Self.located else {
            throw OCRUnavailable(message: "OCR needs the helper loupe-ocr beside the loupe executable (build it: make build; it needs the Debian packages libtesseract-dev \(Self.packages))")
        }
        return path
    }

    /// Checks that the helper runs and Tesseract has every language: what `--ocr` does before a
    /// run starts, so that a missing package fails at once with what to install.
    public func check() throws(OCRUnavailable) {
        guard Self.isValid(languages: languages) else {
            throw OCRUnavailable(message: "invalid OCR languages '\(languages)': Tesseract codes joined by +, as fra+spa+eng")
        }
        let path = try helperPath()
        let outcome: HelperProcess.Outcome
        do {
            outcome = try HelperProcess(path: path).run(["--check", "--lang", languages], input: [], timeout: 30, maxOutput: 4096)
        } catch {
            throw OCRUnavailable(message: "OCR is not available: \(error) (install the Debian packages \(Self.packages))")
        }
        guard outcome.exitStatus == 0 else {
            let reason = outcome.errorOutput.split(separator: "\n").first.map(String.init) ?? "loupe-ocr failed"
            throw OCRUnavailable(message: "OCR is not available: \(reason) (install the Debian packages \(Self.packages))")
        }
    }
}

/// Why `--ocr` cannot run: one line naming what to install.
public struct OCRUnavailable: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Pages OCR has planned and done so far in a run, with when the first started: the progress
/// line's `OCR 12/40 pages, 1.8 pages/s`. Pages from the cache count as done at once.
public final class OCRProgress: Sendable {
    private let state = Locked((planned: 0, done: 0, cached: 0, skipped: 0, started: 0.0))

    public init() {}

    func plan(_ pages: Int) {
        state.withLock { s in
            if s.planned == 0 { s.started = Self.now() }
            s.planned += pages
        }
    }

    func finish(_ pages: Int, cached: Bool = false, skipped: Int = 0) {
        state.withLock { s in
            s.done += pages
            if cached { s.cached += pages }
            s.skipped += skipped
        }
    }

    /// Pages planned, recognised (or found in the cache), of those from the cache, skipped, and
    /// the seconds since the first was planned.
    public var snapshot: (planned: Int, done: Int, cached: Int, skipped: Int, seconds: Double) {
        state.withLock { s in (s.planned, s.done, s.cached, s.skipped, s.planned == 0 ? 0 : Self.now() - s.started) }
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
