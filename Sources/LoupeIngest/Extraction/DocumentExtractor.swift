/// A decoded document ready for analysis: its text (what is indexed and stored for snippets)
/// and its title.
public struct ExtractedDocument: Sendable, Equatable {
    public var text: [UInt8]
    public var title: String
    /// The encoding the file was read in (`UTF-8`, `windows-1252`, `UTF-16LE`…).
    public var charset: String
    /// The language the document declares (`fr`, from an HTML page's `lang`), which the build uses
    /// when the detector cannot tell from the text.
    public var languageHint: String?
    /// Why the text stops before the document's end, when a limit cut it (`only the first 10000
    /// of 12000 pages`); the build warns about it.
    public var cut: String?

    public init(text: [UInt8], title: String, charset: String = "UTF-8", languageHint: String? = nil) {
        self.text = text
        self.title = title
        self.charset = charset
        self.languageHint = languageHint
    }
}

/// Why a file gave no document (shown to the user as the reason it was skipped).
public enum ExtractionFailure: Error, Equatable, CustomStringConvertible {
    case binary
    case invalidUTF8(offset: Int)
    case empty
    /// A package (DOCX, ODT, EPUB) that is damaged, encrypted or over a size limit: the reason.
    case unreadable(String)

    /// The reason without the trailing `; skipped`.
    public var reason: String {
        let text = description
        return text.hasSuffix("; skipped") ? String(text.dropLast(9)) : text
    }

    public var description: String {
        switch self {
        case .binary: return "looks binary (contains NUL bytes); skipped"
        case .invalidUTF8(let offset): return "not valid UTF-8 (first bad byte at offset \(offset)); skipped"
        case .empty: return "empty file; skipped"
        case .unreadable(let reason): return "\(reason); skipped"
        }
    }
}

/// Turns one kind of file's bytes into the text to index and a title. `ExtractorRegistry` picks
/// the extractor by the file's extension; each extractor makes its own checks (a text format
/// checks UTF-8 through `TextDecoding`; a binary format would hand its bytes to its library).
public protocol DocumentExtractor: Sendable {
    /// A short name for the kind of document (`text`, `markdown`, `html`), for summaries.
    var kind: String { get }
    /// The extensions it reads: lower-case ASCII, without the dot.
    var extensions: [String] { get }
    /// The document in `bytes` (`fileName` is the path relative to the corpus), or why there is none.
    func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure>
    /// How many plain-text files one of these counts for when the build cuts files into chunks
    /// for its workers (1 unless the format is much dearer to read), so that a directory of a few
    /// PDFs is still shared among the workers.
    var chunkWeight: Int { get }
}

extension DocumentExtractor {
    public var chunkWeight: Int { 1 }
}

/// Plain text (`.txt`, `.rst`, `.csv`, `.log` …): the text as it is; the title is its first
/// non-empty line.
public struct PlainTextExtractor: DocumentExtractor {
    public let kind = "text"
    public let extensions = ["txt", "text", "rst", "org", "csv", "tsv", "log"]
    public init() {}

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        TextDecoding.decode(bytes).flatMap { decoded in
            decoded.allWhiteSpace ? .failure(.empty)
                : .success(ExtractedDocument(text: decoded.text, title: Titles.firstLine(decoded.text), charset: decoded.charset))
        }
    }
}

/// Markdown: its text without the markup (`MarkdownText`: no `**`, no link URLs; headings keep
/// their `#` marks), line for line; the title is the first `# ` heading, else the first non-empty line.
public struct MarkdownExtractor: DocumentExtractor {
    public let kind = "markdown"
    public let extensions = ["md", "markdown"]
    public init() {}

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        TextDecoding.decode(bytes).flatMap { decoded in
            if decoded.allWhiteSpace { return .failure(.empty) }
            let text = MarkdownText.extract(decoded.text)
            let heading = Titles.markdownTitle(decoded.text).map { title in
                Titles.withoutHeadingMarks(String(decoding: MarkdownText.inline(MarkdownText.block(Array(("# " + title).utf8))), as: UTF8.self))
            }
            return .success(ExtractedDocument(text: text, title: heading ?? Titles.withoutHeadingMarks(Titles.firstLine(text)), charset: decoded.charset))
        }
    }
}

/// HTML: the text of the page (tags, comments, `<script>` and `<style>` dropped, entities
/// decoded, block elements as line breaks), then its `<meta>` description and keywords, a line
/// each (unless the text already holds them); the title is `<title>`, else the first `<h1>`, else
/// the first non-empty line of the text; `<html lang>` is the language hint.
public struct HTMLExtractor: DocumentExtractor {
    public let kind = "html"
    public let extensions = ["html", "htm", "xhtml"]
    public init() {}

    public func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, ExtractionFailure> {
        TextDecoding.decode(bytes).flatMap { decoded in
            var (text, title, meta) = HTMLText.extract(decoded.text)
            for line in [meta.description, meta.keywords] {
                let bytes = Array(line.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").utf8)
                guard !bytes.isEmpty, text.firstRange(of: bytes) == nil else { continue }
                if !text.isEmpty { text.append(0x0A) }
                text += bytes
            }
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x0A }) && title.isEmpty { return .failure(.empty) }
            return .success(ExtractedDocument(text: text, title: title.isEmpty ? Titles.withoutHeadingMarks(Titles.firstLine(text)) : title, charset: decoded.charset,
                                              languageHint: meta.language))
        }
    }
}
