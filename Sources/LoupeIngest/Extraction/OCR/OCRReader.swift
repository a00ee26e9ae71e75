import Glibc
import LoupeFormat

/// What OCR found in one file.
struct OCRResult: Equatable {
    struct Page: Equatable {
        /// From 1.
        var number: Int
        /// Tesseract's mean confidence, 0–100.
        var confidence: Int
        var text: [UInt8]
    }
    /// Pages in the file.
    var pageCount = 0
    var pages: [Page] = []
    /// Pages not recognised, with why (`took longer than 60 s`).
    var skipped: [(number: Int, reason: String)] = []
    /// Why pages past a limit were left out, when they were.
    var cut: String?

    /// The recognised pages as stored text: each with its OCR marks, pages separated by page breaks.
    var text: [UInt8] { Array(pages.map(OCRText.page).joined(separator: [StoredTextMarks.pageBreak])) }

    /// Why the document is indexed only in part, one note per skipped page and for a cut.
    var notes: [String] { skipped.map { "OCR skipped page \($0.number): \($0.reason)" } + (cut.map { [$0] } ?? []) }

    static func == (a: OCRResult, b: OCRResult) -> Bool {
        a.pageCount == b.pageCount && a.pages == b.pages && a.cut == b.cut
            && a.skipped.map(\.number) == b.skipped.map(\.number) && a.skipped.map(\.reason) == b.skipped.map(\.reason)
    }
}

/// Runs `loupe-ocr` over a file's bytes — a PDF's pages in batches, so that progress moves page
/// by page — and keeps what it recognised in the cache, by the file's content and the settings.
struct OCRReader {
    let options: OCROptions
    /// PDF pages recognised per helper run: Tesseract loads its models once per run (about 0.2 s).
    static let pagesPerRun = 4

    /// The text of `wanted` pages of a PDF (1-based), or of every page of an image when nil.
    func read(_ bytes: [UInt8], pages wanted: [Int]?) -> Result<OCRResult, ExtractionFailure> {
        let cache = OCRCache(directory: options.cacheDirectory, key: cacheKey(bytes, pages: wanted))
        if let cached = cache.load() {
            options.progress?.plan(cached.pages.count + cached.skipped.count)
            options.progress?.finish(cached.pages.count + cached.skipped.count, cached: true, skipped: cached.skipped.count)
            return .success(cached)
        }
        let path: String
        do { path = try options.helperPath() } catch { return .failure(.unreadable(error.message)) }
        var result = OCRResult()
        if var wanted {
            if wanted.count > options.maxPages {
                result.cut = "OCR of the first \(options.maxPages) of \(wanted.count) pages without a text layer"
                wanted = Array(wanted.prefix(options.maxPages))
            }
            options.progress?.plan(wanted.count)
            for start in stride(from: 0, to: wanted.count, by: Self.pagesPerRun) {
                let batch = Array(wanted[start..<min(start + Self.pagesPerRun, wanted.count)])
                switch run(path, bytes, arguments: ["--pages", batch.map(String.init).joined(separator: ",")], pages: batch.count) {
                case .failure(let failure): return .failure(failure)
                case .success(let part):
                    result.pageCount = part.pageCount
                    result.pages += part.pages
                    result.skipped += part.skipped
                    options.progress?.finish(batch.count, skipped: part.skipped.count)
                }
            }
        } else {
            options.progress?.plan(1)
            switch run(path, bytes, arguments: ["--max-pages", "\(options.maxPages)"], pages: options.maxPages) {
            case .failure(let failure): return .failure(failure)
            case .success(let part):
                result = part
                let count = part.pages.count + part.skipped.count
                if count > 1 { options.progress?.plan(count - 1) }
                options.progress?.finish(max(1, count), skipped: part.skipped.count)
            }
        }
        cache.store(result)
        return .success(result)
    }

    /// One helper run over at most `pages` pages.
    private func run(_ path: String, _ bytes: [UInt8], arguments: [String], pages: Int) -> Result<OCRResult, ExtractionFailure> {
        let timeout = Double(pages * (options.pageSeconds + 15) + 30)
        let outcome: HelperProcess.Outcome
        do {
            outcome = try HelperProcess(path: path).run(
                ["--lang", options.languages, "--dpi", "\(options.dpi)", "--page-seconds", "\(options.pageSeconds)",
                 "--cpu-seconds", "\(Int(timeout))"] + arguments,
                input: bytes, timeout: timeout, maxOutput: 64 << 20)
        } catch {
            return .failure(.unreadable("\(error)"))
        }
        if let failure = outcome.failure(late: "OCR took longer than \(Int(timeout)) s", overCPU: "OCR took more than \(Int(timeout)) s of CPU",
                                         crashed: { "OCR failed (signal \($0)): damaged file or out of memory" },
                                         statuses: [10: { $0.isEmpty ? "encrypted PDF" : $0 },
                                                    11: { $0.isEmpty ? "damaged or unknown image" : $0 },
                                                    13: { "OCR is not available: \($0) (install the Debian packages \(OCROptions.packages))" }],
                                         failed: "OCR failed") {
            return .failure(failure)
        }
        guard let parsed = Self.parse(outcome.output, magic: "loupe-ocr 1") else { return .failure(.unreadable("OCR helper's output is malformed")) }
        return .success(parsed)
    }

    /// The cache key: the file's content hash and size, and every setting that changes the text.
    private func cacheKey(_ bytes: [UInt8], pages: [Int]?) -> String {
        let settings = "\(options.languages) \(options.dpi) \(options.pageSeconds) \(options.maxPages) \(pages.map { $0.map(String.init).joined(separator: ",") } ?? "all")"
        let settingsHash = CRC32C.checksum(Array(settings.utf8))
        let content = bytes.withUnsafeBytes { ContentHash.of($0) }
        return hex(content, 16) + "-" + String(bytes.count, radix: 16) + "-" + hex(UInt64(settingsHash), 8)
    }

    private func hex(_ value: UInt64, _ digits: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    /// Parses the helper's output (and the cache's, which is the same with its own first line):
    /// `magic`, `pages N`, maybe `cut …`, an empty line, then `page N CONF LENGTH` records each
    /// followed by its text and a line feed, `skip N reason` records, and `end`.
    static func parse(_ output: [UInt8], magic: String) -> OCRResult? {
        var result = OCRResult()
        var i = 0
        func line() -> String? {
            guard let newline = output[i...].firstIndex(of: 0x0A) else { return nil }
            defer { i = newline + 1 }
            return String(decoding: output[i..<newline], as: UTF8.self)
        }
        guard line() == magic else { return nil }
        var pageCount: Int?
        while let header = line() {
            if header.isEmpty { break }
            if header.hasPrefix("pages ") { pageCount = Int(header.dropFirst(6)) }
            if header.hasPrefix("cut ") { result.cut = String(header.dropFirst(4)) }
        }
        guard let pageCount, pageCount >= 0 else { return nil }
        result.pageCount = pageCount
        while let record = line() {
            let fields = record.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            switch fields.first {
            case "end":
                return result
            case "page":
                guard fields.count == 4, let number = Int(fields[1]), let confidence = Int(fields[2]), let length = Int(fields[3]),
                      length >= 0, i + length < output.count, output[i + length] == 0x0A else { return nil }
                result.pages.append(OCRResult.Page(number: number, confidence: min(max(confidence, 0), 100), text: Array(output[i..<(i + length)])))
                i += length + 1
            case "skip":
                guard fields.count >= 3, let number = Int(fields[1]) else { return nil }
                result.skipped.append((number, fields[2...].joined(separator: " ")))
            default:
                return nil
            }
        }
        return nil
    }

    /// `result` as `parse` reads it, under `magic`.
    static func encode(_ result: OCRResult, magic: String) -> [UInt8] {
        var out = Array("\(magic)\npages \(result.pageCount)\n".utf8)
        if let cut = result.cut { out += Array("cut \(cut)\n".utf8) }
        out.append(0x0A)
        var skipped = result.skipped[...]
        for page in result.pages {
            while let s = skipped.first, s.number < page.number {
                out += Array("skip \(s.number) \(s.reason)\n".utf8)
                skipped = skipped.dropFirst()
            }
            out += Array("page \(page.number) \(page.confidence) \(page.text.count)\n".utf8) + page.text + [0x0A]
        }
        for s in skipped { out += Array("skip \(s.number) \(s.reason)\n".utf8) }
        return out + Array("end\n".utf8)
    }
}
