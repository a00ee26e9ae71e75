import LoupeAnalysis
import LoupeFormat
import LoupeRead
import LoupeStorage

/// One result as shown to a user.
public struct SearchHit: Sendable {
    public var rank: Int
    public var doc: Int
    public var path: String
    public var title: String
    public var language: Language
    public var score: Double
    public var snippet: Snippet
    /// How the score was computed, when asked for (`respond(…explain: true)`).
    public var explanation: Explanation?
    /// The encoding the file was read in (`UTF-8`, `windows-1252`…).
    public var charset = "UTF-8"
    /// The page the snippet's first match is on (from 1), for a PDF: its text holds a form feed
    /// (`StoredTextMarks.pageBreak`) between pages. Nil for other documents.
    public var page: Int? = nil
    /// Tesseract's mean confidence (0–99) when the snippet's page (or the document, for an image)
    /// came from OCR (`loupe index --ocr`), else nil.
    public var ocrConfidence: Int? = nil
    /// The hit's best passages in document order, when asked for (`respond(…passages:)`).
    public var passages: [Passage] = []
}

/// A query's complete answer: ranked hits with snippets.
public struct SearchResponse: Sendable {
    public var query: String
    public var totalHits: Int
    public var tookMilliseconds: Double
    public var hits: [SearchHit]
    public var droppedWords: [String]
    public var unknownWords: [String]
    /// Other languages' names of the places and languages the query names, searched too.
    public var translations: [String]
    /// When the query found fewer than `suggestionBelow` documents: the query with its rare or
    /// unknown words replaced by the nearest common dictionary words ("did you mean"), or nil.
    public var suggestion: String?
    /// Whether the indexed directory changed since the index, when the caller looked
    /// (`loupe search` does for directories of up to `Staleness.checkLimit` files).
    public var stale: Staleness? = nil
}

/// What changed in the indexed directory since its index (`CorpusChanges`, counted), or that it
/// was not looked at.
public struct Staleness: Sendable, Equatable {
    /// Directories of at most this many files are checked on every search (a stat each: about a
    /// millisecond per thousand files); `loupe status` checks any.
    public static let checkLimit = 5_000

    public var checked: Bool
    public var added = 0
    public var changed = 0
    public var removed = 0

    public init(checked: Bool, added: Int = 0, changed: Int = 0, removed: Int = 0) {
        self.checked = checked
        self.added = added
        self.changed = changed
        self.removed = removed
    }

    public var isStale: Bool { added + changed + removed > 0 }
}

extension Searcher {
    /// Whether a document's text is in pages (a PDF's or a TIFF's: their extractors put a form
    /// feed between pages).
    static func isPaged(_ path: String) -> Bool { hasExtension(path, among: [".pdf", ".tif", ".tiff"]) }

    /// Whether a document's text marks its headings (§4.6 of FORMAT.md: the Markdown, HTML and
    /// EPUB extractors write them); in any other text a line starting with `# ` is text.
    static func hasHeadings(_ path: String) -> Bool { hasExtension(path, among: [".md", ".markdown", ".html", ".htm", ".xhtml", ".epub"]) }

    /// Whether `path` ends with one of `extensions` (each with its dot, lower case; ASCII case
    /// ignored) after a name of at least one byte.
    private static func hasExtension(_ path: String, among extensions: [String]) -> Bool {
        let lower = path.utf8.suffix(10).map { $0 | 0x20 }
        return extensions.contains { ext in path.utf8.count > ext.utf8.count && lower.suffix(ext.utf8.count).elementsEqual(ext.utf8) }
    }

    /// With `passages` > 0, every hit also gets its `passages` best passages (`PassageBuilder`).
    public func respond(to query: String, k: Int = 10, offset: Int = 0, strategy: RetrievalStrategy = .maxScore,
                        explain: Bool = false, passages: Int = 0) throws -> SearchResponse {
        // The table of place names is built once per process (about 3 ms): not the query's time.
        if expandNames { _ = PlaceNames.shared(folding: analyzer) }
        let started = monotonicSeconds()
        let ranked = try search(query, k: k + max(0, offset), strategy: strategy, countTotal: true)
        var hits: [SearchHit] = []
        for (i, scored) in ranked.hits.enumerated() where i >= offset {
            let record = try reader.record(scored.doc)
            let language = Language(rawValue: record.language) ?? .other
            let paged = Self.isPaged(record.path)
            let headings = Self.hasHeadings(record.path)
            var shown: ShownText
            if let checkpoints = record.checkpoints {
                // A long text: only windows of it are read (`LongTextWindows`).
                shown = try longTextHit(doc: scored.doc, record: record, checkpoints: checkpoints, language: language, plan: ranked.plan,
                                        passages: passages, paged: paged, headings: headings)
            } else {
                let analyzed = AnalyzedText(try reader.text(scored.doc), language: language, plan: ranked.plan, analyzer: analyzer)
                shown = SnippetBuilder.placed(analyzed, plan: ranked.plan, placement: .whole, paged: paged, headings: headings)
                if passages > 0 {
                    shown.passages = PassageBuilder().passages(analyzed, plan: ranked.plan, sentences: try sentenceBreaker(), count: passages,
                                                               paged: paged, headings: headings)
                }
            }
            var hit = SearchHit(rank: i + 1, doc: scored.doc, path: record.path, title: record.title, language: language,
                                score: scored.score, snippet: shown.snippet,
                                explanation: explain ? try self.explain(ranked.plan, doc: scored.doc) : nil, charset: record.charset,
                                page: shown.page, ocrConfidence: shown.ocrConfidence)
            if passages > 0 {
                // No word of the text matched (a title or path match): the snippet is the passage.
                hit.passages = shown.passages.isEmpty
                    ? [Passage(snippet: shown.snippet, score: 0, rank: 1, line: shown.line, page: shown.page, ocrConfidence: shown.ocrConfidence)]
                    : shown.passages
            }
            hits.append(hit)
        }
        let unknown = ranked.plan.groups.filter { $0.keys.isEmpty }.map(\.word)
        let total = ranked.totalHits ?? hits.count
        var suggestion: String? = nil
        if total < Self.suggestionBelow {
            suggestion = try suggest(query)
        }
        return SearchResponse(query: query, totalHits: ranked.totalHits ?? hits.count, tookMilliseconds: (monotonicSeconds() - started) * 1000,
                              hits: hits, droppedWords: ranked.plan.droppedWords, unknownWords: unknown,
                              translations: ranked.plan.translations, suggestion: suggestion)
    }
}
