import LoupeAnalysis
import LoupeFormat
import LoupeRead
import LoupeStorage

/// A passage of a document with the query's matches marked.
public struct Snippet: Sendable, Equatable {
    public var text: String
    /// `[start, end)` offsets of the matches in `text`, in Unicode scalars.
    public var highlights: [Range<Int>]
    /// Where in the document's text (a byte offset) the passage's first match is, or the passage
    /// starts when it has none: what says the passage's page.
    public var textOffset = 0

    public init(text: String, highlights: [Range<Int>], textOffset: Int = 0) {
        self.text = text
        self.highlights = highlights
        self.textOffset = textOffset
    }
}

/// Picks, for a hit, the passage of about `targetLength` characters (160–240) that holds the most
/// distinct and rarest query words: every window starting at a match is scored by the sum of idf
/// of the distinct query words in it (plus a little for repeats), the best wins, ties to the
/// earliest. The window is widened to whole words, white space is collapsed, and "…" marks a cut.
public struct SnippetBuilder {
    public var targetLength = 200
    /// Characters of context kept before the first match, when there is room.
    public var leadingContext = 40
    /// Whether the document goes on before and after the text given (a window of a long one):
    /// "…" marks a cut at the text's ends too.
    var continuesBefore = false
    var continuesAfter = false
    /// Whether the text's heading marks are headings (Markdown, HTML, EPUB: `Searcher.hasHeadings`)
    /// and hidden; in a plain text a line starting with `# ` is shown as written.
    var headings = true

    public init() {}

    /// A builder for a text that lies at `placement` in its document (its `length` bytes), whose
    /// heading marks are headings or not.
    init(headings: Bool, placement: TextPlacement, length: Int) {
        self.headings = headings
        continuesBefore = placement.continuesBefore
        continuesAfter = placement.continuesAfter(length)
    }

    /// The snippet of `analyzed` (a whole text, or a window of a long one at `placement`) with
    /// where it is: its offset in the document, and its line, page and page's OCR confidence.
    static func placed(_ analyzed: AnalyzedText, plan: QueryPlan, placement: TextPlacement, paged: Bool, headings: Bool) -> ShownText {
        let text = analyzed.text
        var snippet = SnippetBuilder(headings: headings, placement: placement, length: text.count).snippet(analyzed, plan: plan)
        let local = snippet.textOffset
        snippet.textOffset = placement.offset(local)
        return ShownText(snippet: snippet, line: placement.line(of: local, in: text), passages: [],
                         page: paged ? placement.page(of: local, in: text) : nil,
                         ocrConfidence: placement.ocrConfidence(ofPageAt: local, in: text, paged: paged))
    }

    public func snippet(text: [UInt8], language: Language, plan: QueryPlan, analyzer: Analyzer) -> Snippet {
        snippet(AnalyzedText(text, language: language, plan: plan, analyzer: analyzer), plan: plan)
    }

    /// The snippet of a text already analyzed for the plan (`respond` shares one analysis between
    /// the snippet and the passages).
    func snippet(_ analyzed: AnalyzedText, plan: QueryPlan) -> Snippet {
        let text = analyzed.text, wordStarts = analyzed.wordStarts, wordEnds = analyzed.wordEnds
        let matches = analyzed.matches, scalarAt = analyzed.scalarAt

        guard !matches.isEmpty else {
            let end = wordEnds.firstIndex(where: { scalarAt[$0] > targetLength }).map { max(0, $0 - 1) }
            let endByte = end.map { wordEnds[$0] } ?? text.count
            return render(text, from: 0, to: endByte, highlighted: [])
        }
        var best = (score: -1.0, first: 0, last: 0)
        for (m, start) in matches.enumerated() {
            var seen = Set<Int>()
            var score = 0.0
            var last = m
            var k = m
            while k < matches.count && scalarAt[wordEnds[matches[k].token]] - scalarAt[wordStarts[start.token]] <= targetLength {
                let g = matches[k].group
                score += seen.insert(g).inserted ? plan.groups[g].idf + 1 : 0.1
                last = k
                k += 1
            }
            if score > best.score { best = (score, m, last) }
        }
        // Expand around the chosen matches to about targetLength characters, on word boundaries.
        let firstToken = matches[best.first].token
        let lastToken = matches[best.last].token
        var startToken = firstToken
        while startToken > 0 && scalarAt[wordEnds[lastToken]] - scalarAt[wordStarts[startToken - 1]] <= targetLength
            && scalarAt[wordStarts[firstToken]] - scalarAt[wordStarts[startToken - 1]] <= leadingContext {
            startToken -= 1
        }
        var endToken = lastToken
        while endToken + 1 < wordEnds.count && scalarAt[wordEnds[endToken + 1]] - scalarAt[wordStarts[startToken]] <= targetLength {
            endToken += 1
        }
        // Start at the text's beginning, or at a sentence start close before the window.
        var startByte = wordStarts[startToken]
        if startToken == 0 { startByte = 0 }
        let endByte = endToken == wordEnds.count - 1 ? text.count : wordEnds[endToken]
        let highlighted = matches.filter { $0.token >= startToken && $0.token <= endToken }.map { analyzed.visibleSpan(ofToken: $0.token) }
        return render(text, from: startByte, to: endByte, highlighted: highlighted)
    }

    /// The Unicode scalar offset of every byte boundary of UTF-8 `text` (`text.count + 1` of
    /// them), to measure byte ranges in characters.
    static func scalarOffsets(_ text: [UInt8]) -> [Int] {
        var scalarAt = [Int](repeating: 0, count: text.count + 1)
        var scalars = 0
        for (i, b) in text.enumerated() {
            scalarAt[i] = scalars
            if b & 0xC0 != 0x80 { scalars += 1 }
        }
        scalarAt[text.count] = scalars
        return scalarAt
    }

    /// White space as snippets and passages collapse and cut at it (a page break included).
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == StoredTextMarks.pageBreak
    }

    /// The heading (without its marks) of the section that `offset` of the text is in: the last
    /// line at or before it that starts with heading marks; nil when there is none.
    static func section(of offset: Int, in text: [UInt8]) -> String? {
        var end = min(offset, text.count)
        while end > 0 && text[end - 1] != 0x0A { end -= 1 }
        // `end` is the start of the line holding `offset`; look at it, then the lines before.
        var lineStart = end
        while true {
            if let marks = StoredTextMarks.headingLevel(text, at: lineStart) {
                var lineEnd = lineStart
                while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
                let heading = String(decoding: text[(lineStart + marks + 1)..<lineEnd], as: UTF8.self)
                return heading.isEmpty ? nil : String(heading.prefix(200))
            }
            if lineStart == 0 { return nil }
            lineStart -= 1
            while lineStart > 0 && text[lineStart - 1] != 0x0A { lineStart -= 1 }
        }
    }

    /// Which of the plan's groups (by index) each of its terms in `language` belongs to.
    static func termGroups(_ plan: QueryPlan, language: Language) -> [String: Int] {
        var map: [String: Int] = [:]
        for (g, group) in plan.groups.enumerated() {
            for term in group.termsByLanguage[language] ?? [] where map[term] == nil { map[term] = g }
        }
        return map
    }

    /// The `[start, end)` byte ranges of every word of `text` that matches a word of the plan, in
    /// order: what a whole document shown with the query's matches marks (`serve`'s `/doc/`).
    public func matchRanges(text: [UInt8], language: Language, plan: QueryPlan, analyzer: Analyzer) -> [Range<Int>] {
        let analyzed = AnalyzedText(text, language: language, plan: plan, analyzer: analyzer)
        return analyzed.matches.map { analyzed.visibleSpan(ofToken: $0.token) }
    }

    /// The bytes `[from, to)` as a one-line string (white space runs collapsed to one space), with
    /// "…" where the text was cut and the highlighted byte ranges turned into scalar ranges.
    func render(_ text: [UInt8], from: Int, to: Int, highlighted: [Range<Int>]) -> Snippet {
        var out: [UInt8] = []
        var scalarCount = 0
        var highlights: [Range<Int>] = []
        var pendingStart: Int?
        var h = 0
        if from > 0 || continuesBefore {
            out.append(contentsOf: Array("…".utf8))
            scalarCount += 1
        }
        var i = from
        var lastWasSpace = true
        while i < to {
            // A heading's marks (`## ` at a line's start, as Markdown and HTML extraction keep
            // them) are not shown.
            if headings && text[i] == 0x23 && (i == 0 || text[i - 1] == 0x0A), let marks = StoredTextMarks.headingLevel(text, at: i), i + marks < to {
                i += marks
                continue
            }
            // A recognised page's OCR marks are not shown either.
            if text[i] == StoredTextMarks.ocrMark, StoredTextMarks.ocrConfidence(text, at: i) != nil {
                i += StoredTextMarks.ocrMarkLength
                continue
            }
            if h < highlighted.count && i == highlighted[h].lowerBound { pendingStart = scalarCount }
            let b = text[i]
            if Self.isSpace(b) {
                if !lastWasSpace {
                    out.append(0x20)
                    scalarCount += 1
                    lastWasSpace = true
                }
            } else {
                out.append(b)
                if b & 0xC0 != 0x80 { scalarCount += 1 }
                lastWasSpace = false
            }
            i += 1
            if h < highlighted.count && i == highlighted[h].upperBound {
                if let s = pendingStart { highlights.append(s..<scalarCount) }
                pendingStart = nil
                h += 1
            }
        }
        while out.last == 0x20 {
            out.removeLast()
            scalarCount -= 1
        }
        if to < text.count || continuesAfter {
            out.append(contentsOf: Array("…".utf8))
        }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights, textOffset: highlighted.first?.lowerBound ?? from)
    }
}

/// What a hit shows of its text: its snippet (and the snippet's line), its passages, and the page
/// and OCR confidence of the snippet's page.
struct ShownText {
    var snippet: Snippet
    var line: Int
    var passages: [Passage]
    var page: Int?
    var ocrConfidence: Int?
    /// Bytes of the text read and analyzed.
    var bytesRead = 0
}

/// A document's text as snippets and passages read it, analyzed once: its words in order (a
/// word's index is its position), which of them match which of a plan's groups, and the Unicode
/// scalar offset of every byte boundary (to measure in characters).
struct AnalyzedText {
    let text: [UInt8]
    var wordStarts: [Int] = []
    var wordEnds: [Int] = []
    var matches: [(token: Int, group: Int)] = []
    let scalarAt: [Int]

    init(_ text: [UInt8], language: Language, plan: QueryPlan, analyzer: Analyzer) {
        self.text = text
        let termToGroup = SnippetBuilder.termGroups(plan, language: language)
        var starts: [Int] = [], ends: [Int] = [], matches: [(token: Int, group: Int)] = []
        text.withUnsafeBufferPointer { buffer in
            analyzer.forEachTerm(in: buffer, language: language) { term, _, start, end in
                if let g = termToGroup[term] { matches.append((starts.count, g)) }
                starts.append(start)
                ends.append(end)
            }
        }
        wordStarts = starts
        wordEnds = ends
        self.matches = matches
        scalarAt = SnippetBuilder.scalarOffsets(text)
    }

    /// The part of word `token` its term stands for (without an elision or a possessive).
    func visibleSpan(ofToken token: Int) -> Range<Int> {
        text.withUnsafeBufferPointer { Apostrophes.visibleSpan(in: $0, start: wordStarts[token], end: wordEnds[token]) }
    }
}

extension Searcher {
    /// The byte ranges of the words of `text` (a document in `language`) that match the plan's
    /// words, in order (`SnippetBuilder.matchRanges` with this searcher's analyzer).
    public func matchRanges(of plan: QueryPlan, in text: [UInt8], language: Language) -> [Range<Int>] {
        SnippetBuilder().matchRanges(text: text, language: language, plan: plan, analyzer: analyzer)
    }
}
