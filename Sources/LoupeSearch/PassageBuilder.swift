import LoupeAnalysis
import LoupeFormat

/// One passage of a hit, as `loupe search --passages N` shows it: a window of whole sentences
/// (or a cut of one long sentence) with the query's matches marked.
public struct Passage: Sendable, Equatable {
    /// The passage's text (white space collapsed, "…" where the document goes on) and highlights.
    public var snippet: Snippet
    /// Its score (see `PassageBuilder`); its rank among the hit's passages by that score (1: best).
    public var score: Double
    public var rank: Int
    /// Where it starts: the line (from 1) of the document's text, and for a PDF the page.
    public var line: Int
    public var page: Int?
    /// Tesseract's mean confidence (0–99) when the passage's page came from OCR.
    public var ocrConfidence: Int? = nil
    /// The heading of the section it is in (Markdown, HTML and EPUB headings), if any.
    public var section: String? = nil
}

/// Picks a hit's best passages. The document's sentences come from ICU's sentence break
/// iterator; a candidate passage starts at the sentence holding a match (or, in a sentence longer
/// than a passage, a little before the match) and takes the following sentences while it stays
/// within `maxLength` characters (never past a PDF's page break or into the next heading's
/// section); a passage shorter than a third of that (a heading line) goes on into the next
/// sentence, cut at a word. Each candidate is scored as Lucene's unified highlighter scores
/// passages — BM25 over the query words it holds, the passage's length against a pivot of 87
/// characters: Σ idf × tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / 87)), k1 1.2, b 0.75 —
/// plus a bonus for different query words close together: for each two successive matches of
/// different words, ½ × the smaller idf / (1 + the words between them). The best `count` that do
/// not overlap are kept and shown in document order, each with its rank, its line (its page in a
/// PDF) and the heading of its section (the last heading line before its first match).
public struct PassageBuilder {
    public var maxLength = 280
    /// Characters kept before the first match when a passage must start inside a long sentence.
    public var leadingContext = 60
    public var k1 = 1.2
    public var b = 0.75
    public var pivot = 87.0

    public init() {}

    struct Match {
        var start: Int, end: Int, group: Int, position: Int
    }

    public func passages(text: [UInt8], language: Language, plan: QueryPlan, analyzer: Analyzer, sentences: SentenceBreaker,
                         count: Int, paged: Bool, headings: Bool = true) -> [Passage] {
        passages(AnalyzedText(text, language: language, plan: plan, analyzer: analyzer), plan: plan, sentences: sentences,
                 count: count, paged: paged, headings: headings)
    }

    /// The passages of a text already analyzed for the plan (`respond` shares one analysis between
    /// the snippet and the passages); `placement` says where the text lies in its document (a
    /// window of a long one: `LongTextWindows`).
    /// With `headings` false (a plain text, a PDF), lines starting with `#` are text, not headings.
    func passages(_ analyzed: AnalyzedText, plan: QueryPlan, sentences: SentenceBreaker, count: Int, paged: Bool,
                  headings: Bool = true, placement: TextPlacement = .whole) -> [Passage] {
        let text = analyzed.text
        guard count > 0, !text.isEmpty else { return [] }
        let matches = analyzed.matches.map { match in
            let visible = analyzed.visibleSpan(ofToken: match.token)
            return Match(start: visible.lowerBound, end: visible.upperBound, group: match.group, position: match.token)
        }
        guard !matches.isEmpty else { return [] }
        // Sentence ends, plus a hard end after every page break (a form feed): a passage never
        // runs from one PDF page to the next.
        var ends = text.withUnsafeBufferPointer { sentences.boundaries($0) }
        let pageEnds = text.indices.filter { text[$0] == StoredTextMarks.pageBreak }.map { $0 + 1 }
        if !pageEnds.isEmpty { ends = Array(Set(ends + pageEnds)).sorted() }
        // A passage stops at a page break and before a heading: it stays on one page, in one section.
        func isHardEnd(_ end: Int) -> Bool {
            end > 0 && (text[end - 1] == StoredTextMarks.pageBreak || (headings && text[end - 1] == 0x0A && StoredTextMarks.headingLevel(text, at: end) != nil))
        }
        let scalarAt = analyzed.scalarAt

        // Candidates, in document order: each starts at or before a match no earlier one covers.
        var candidates: [Range<Int>] = []
        var sentence = 0
        for match in matches {
            if let last = candidates.last, match.start < last.upperBound { continue }
            while sentence < ends.count - 1 && ends[sentence] <= match.start { sentence += 1 }
            let sentenceStart = sentence == 0 ? 0 : ends[sentence - 1]
            var start = sentenceStart
            if scalarAt[match.start] - scalarAt[sentenceStart] > maxLength * 2 / 3 {
                start = wordStart(in: text, near: match.start, back: leadingContext, scalarAt: scalarAt)
            }
            // A match in a heading: the passage starts with the whole heading line (ICU ends a
            // sentence after its number, `6.`).
            var lineStart = match.start
            while lineStart > 0 && text[lineStart - 1] != 0x0A && match.start - lineStart < 400 { lineStart -= 1 }
            if headings, lineStart < start, lineStart == 0 || text[lineStart - 1] == 0x0A, StoredTextMarks.headingLevel(text, at: lineStart) != nil {
                start = lineStart
            }
            if let last = candidates.last, start < last.upperBound { start = last.upperBound }
            var end = ends[sentence]
            var next = sentence + 1
            while next < ends.count && !isHardEnd(end) && scalarAt[ends[next]] - scalarAt[start] <= maxLength { end = ends[next]; next += 1 }
            if scalarAt[end] - scalarAt[start] > maxLength {
                end = wordEnd(in: text, from: start, maxLength: maxLength, scalarAt: scalarAt, atLeast: match.end)
            } else if next < ends.count && !isHardEnd(end) && scalarAt[end] - scalarAt[start] < maxLength / 3 {
                // A short sentence (a heading, a title line) followed by a long one: the passage
                // goes on into the long one, cut at a word, rather than show a few words alone.
                end = wordEnd(in: text, from: start, maxLength: maxLength, scalarAt: scalarAt, atLeast: end)
            }
            candidates.append(start..<end)
        }

        // Scores.
        var scored: [(range: Range<Int>, score: Double, first: Int, count: Int)] = []
        var m = 0
        for range in candidates {
            while m < matches.count && matches[m].start < range.lowerBound { m += 1 }
            var k = m
            var tf: [Int: Int] = [:]
            var bonus = 0.0
            while k < matches.count && matches[k].end <= range.upperBound {
                tf[matches[k].group, default: 0] += 1
                if k > m, matches[k].group != matches[k - 1].group {
                    let gap = max(0, matches[k].position - matches[k - 1].position - 1)
                    bonus += 0.5 * min(plan.groups[matches[k].group].idf, plan.groups[matches[k - 1].group].idf) / Double(1 + gap)
                }
                k += 1
            }
            let length = Double(scalarAt[range.upperBound] - scalarAt[range.lowerBound])
            let norm = k1 * (1 - b + b * length / pivot)
            let bm25 = tf.reduce(0.0) { sum, entry in
                sum + plan.groups[entry.key].idf * Double(entry.value) * (k1 + 1) / (Double(entry.value) + norm)
            }
            scored.append((range, bm25 + bonus, m, k - m))
        }
        let chosen = scored.enumerated().sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .prefix(count)
        let renderer = SnippetBuilder(headings: headings, placement: placement, length: text.count)
        var passages: [Passage] = []
        for (rank, entry) in chosen.enumerated() {
            let (range, score, first, held) = entry.element
            let highlighted = matches[first..<(first + held)].map { $0.start..<$0.end }
            var snippet = renderer.render(text, from: range.lowerBound, to: range.upperBound, highlighted: highlighted)
            snippet.textOffset = placement.offset(snippet.textOffset)
            passages.append(Passage(snippet: snippet, score: score, rank: rank + 1, line: placement.line(of: range.lowerBound, in: text),
                                    page: paged ? placement.page(of: range.lowerBound, in: text) : nil,
                                    ocrConfidence: placement.ocrConfidence(ofPageAt: range.lowerBound, in: text, paged: paged),
                                    section: headings ? placement.section(of: highlighted.first?.lowerBound ?? range.lowerBound, in: text) : nil))
        }
        return passages.sorted { $0.snippet.textOffset < $1.snippet.textOffset }
    }

    /// A word start about `back` characters before `offset` (after a space), or the text's start.
    func wordStart(in text: [UInt8], near offset: Int, back: Int, scalarAt: [Int]) -> Int {
        var i = offset
        while i > 0 && scalarAt[offset] - scalarAt[i] < back { i -= 1 }
        while i > 0 && !SnippetBuilder.isSpace(text[i - 1]) { i -= 1 }
        return i
    }

    /// The end of the last word that ends within `maxLength` characters of `from` (and not before
    /// `atLeast`, the match the passage is for).
    func wordEnd(in text: [UInt8], from: Int, maxLength: Int, scalarAt: [Int], atLeast: Int) -> Int {
        var i = from
        var lastWordEnd = atLeast
        while i < text.count && scalarAt[i] - scalarAt[from] < maxLength {
            if i >= atLeast && SnippetBuilder.isSpace(text[i]) && i > 0 && !SnippetBuilder.isSpace(text[i - 1]) { lastWordEnd = max(lastWordEnd, i) }
            i += 1
        }
        if i == text.count { return text.count }
        return lastWordEnd
    }

}
