import Glibc
import LoupeFormat

/// PDF: the text of every page in reading order, through poppler, which the helper program
/// `loupe-pdf` (beside `loupe`) runs once per file: the file's bytes go to it and its pages'
/// text comes back, pages separated by a form feed (0x0C), which is how a hit's snippet knows its
/// page. The title is the document information's Title, else the first line of the text.
///
/// A file cannot hang or exhaust a run: the helper has `cpuSeconds` of CPU and `memoryMB` of
/// address space, and is killed past `timeout(for:)` of wall-clock time; its text stops at
/// `maxPages` pages and `maxOutputBytes` bytes (the document is then indexed in part and the
/// build says so). Encrypted and damaged files are skipped with the reason; so are scanned ones (no
/// text layer) unless `ocr` is set, when their pages go through OCR (`OCRReader`).
public struct PDFExtractor: DocumentExtractor {
    public let kind = "pdf"
    public let extensions = ["pdf"]
    /// A PDF is a chunk of its own: poppler reads about 2 MB/s, a hundredth of the text path's speed.
    public var chunkWeight: Int { 1 << 20 }
    public var maxPages = 10_000
    public var maxOutputBytes = 256 << 20
    public var cpuSeconds = 60
    public var memoryMB = 2048
    /// The wall-clock bound, or nil for `timeout(for:)`'s.
    public var maxSeconds: Double?
    /// The helper's path, or nil to look for `loupe-pdf` beside the running executable (or where
    /// `LOUPE_PDF_HELPER` points).
    public var helper: String?
    /// How pages without a text layer are recognised, or nil to leave them out.
    public var ocr: OCROptions?

    public init(helper: String? = nil, ocr: OCROptions? = nil) {
        self.helper = helper
        self.ocr = ocr
    }

    /// The wall-clock bound of one file: 20 s plus 2 s per MiB (poppler reads about 2 MiB/s of a
    /// typical book on one core), never more than twice the CPU bound.
    public func timeout(for bytes: Int) -> Double {
        maxSeconds ?? min(20 + 2 * Double(bytes) / 1_048_576, 2 * Double(cpuSeconds) + 5)
    }

    private static let located = HelperProcess.locate("loupe-pdf", override: "LOUPE_PDF_HELPER")

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        guard bytes.starts(with: Array("%PDF-".utf8)) else { return .failure(.unreadable("not a PDF (no %PDF- header)")) }
        guard let path = helper ?? Self.located else {
            return .failure(.unreadable("cannot read PDFs: the helper loupe-pdf is not beside the loupe executable (build it: make build)"))
        }
        let outcome: HelperProcess.Outcome
        do {
            outcome = try HelperProcess(path: path).run(
                ["--max-pages", "\(maxPages)", "--max-output-bytes", "\(maxOutputBytes)", "--cpu-seconds", "\(cpuSeconds)", "--memory-mb", "\(memoryMB)"],
                input: bytes, timeout: timeout(for: bytes.count), maxOutput: maxOutputBytes + 65_536)
        } catch {
            return .failure(.unreadable("\(error)"))
        }
        // A signal other than the CPU bound's: SIGABRT or SIGSEGV when poppler failed (often an
        // allocation refused at the memory bound).
        if let failure = outcome.failure(late: "PDF took longer than \(timeout(for: bytes.count)) s to read",
                                         overCPU: "PDF took more than \(cpuSeconds) s of CPU to read",
                                         crashed: { "PDF reader failed (signal \($0)): damaged file or over \(memoryMB) MiB of memory" },
                                         statuses: [10: { $0.isEmpty ? "encrypted PDF" : $0 }, 11: { $0.isEmpty ? "damaged PDF" : $0 }],
                                         failed: "PDF reader failed") {
            return .failure(failure)
        }
        guard let parsed = Self.parse(outcome.output) else { return .failure(.unreadable("PDF reader's output is malformed")) }
        var text = parsed.text
        var cut = parsed.cut.map { [$0] } ?? []
        if let ocr, parsed.pages > 0 {
            switch recognise(bytes, text: text, ocr: ocr) {
            case .failure(let failure): return .failure(failure)
            case .success(let (recognised, notes)):
                text = recognised
                cut += notes
            }
        }
        guard text.contains(where: { $0 > 0x20 }) else {
            return .failure(.unreadable(parsed.pages == 0 ? "PDF has no pages"
                                            : ocr == nil ? "no text layer (a scanned PDF? loupe index --ocr reads scans)" : "no text layer, and OCR found no text"))
        }
        var document = ExtractedDocument(text: text, title: parsed.title.isEmpty ? Titles.firstLine(text) : parsed.title)
        document.cut = cut.isEmpty ? nil : cut.joined(separator: "; ")
        return .success(document)
    }

    /// A page with fewer visible bytes than this has no text layer worth the name (a scanner's
    /// page number at most): OCR reads it.
    static let ocrBelow = 8

    /// `text` (pages separated by form feeds) with every page that has no text layer replaced by
    /// what OCR recognises on it, and why pages were left out, if any were.
    func recognise(_ bytes: [UInt8], text: [UInt8], ocr: OCROptions) -> Result<([UInt8], [String]), ExtractionFailure> {
        var pages = text.split(separator: StoredTextMarks.pageBreak, omittingEmptySubsequences: false).map(Array.init)
        let bare = pages.indices.filter { p in pages[p].reduce(0) { $0 + ($1 > 0x20 ? 1 : 0) } < Self.ocrBelow }
        guard !bare.isEmpty else { return .success((text, [])) }
        switch OCRReader(options: ocr).read(bytes, pages: bare.map { $0 + 1 }) {
        case .failure(let failure):
            // Pages with text still make a document: it is indexed in part.
            guard bare.count < pages.count else { return .failure(failure) }
            return .success((text, ["OCR failed: \(failure.reason)"]))
        case .success(let result):
            for page in result.pages where page.number >= 1 && page.number <= pages.count {
                pages[page.number - 1] = OCRText.page(page)
            }
            return .success((Array(pages.joined(separator: [StoredTextMarks.pageBreak])), result.notes))
        }
    }

    /// The helper's output: a header of `key value` lines up to an empty line, then the text.
    static func parse(_ output: [UInt8]) -> (pages: Int, title: String, cut: String?, text: [UInt8])? {
        var pages: Int?, title = "", cut: String?
        var lineStart = 0
        var first = true
        while let newline = output[lineStart...].firstIndex(of: 0x0A) {
            let line = String(decoding: output[lineStart..<newline], as: UTF8.self)
            lineStart = newline + 1
            if first {
                guard line == "loupe-pdf 1" else { return nil }
                first = false
                continue
            }
            if line.isEmpty {
                guard let pages else { return nil }
                return (pages, Titles.clean(title), cut, Array(output[lineStart...]))
            }
            let (key, value) = line.firstIndex(of: " ").map { (line[..<$0], String(line[line.index(after: $0)...])) } ?? (line[...], "")
            switch key {
            case "pages": pages = Int(value)
            case "title": title = value
            case "cut": cut = value
            default: break
            }
        }
        return nil
    }
}
