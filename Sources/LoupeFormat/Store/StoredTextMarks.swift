/// What the stored text marks besides words (docs/FORMAT.md §4.6), written by the extractors and
/// read back by snippets, passages and page numbers: a PDF's page break is a form feed; a
/// heading (Markdown, HTML, EPUB) is a line starting with 1–6 `#` and a space; a page whose text
/// came from OCR starts with `ocrMark` and Tesseract's mean confidence (0–99) as two digits, each
/// written as the control byte 0x10 + digit — three bytes no word can hold, so none is indexed.
public enum StoredTextMarks {
    public static let pageBreak: UInt8 = 0x0C
    public static let ocrMark: UInt8 = 0x0E
    public static let ocrMarkLength = 3
    static let newline: UInt8 = 0x0A
    static let hash: UInt8 = 0x23

    /// The marks that start a heading line of `level` (1–6): `##` and a space for level 2.
    public static func heading(level: Int) -> [UInt8] {
        [UInt8](repeating: hash, count: min(max(level, 1), 6)) + [0x20]
    }

    /// The marks that start a page recognised by OCR with mean `confidence` (0–100; 100 is kept as 99).
    public static func ocrPage(confidence: Int) -> [UInt8] {
        let c = min(max(confidence, 0), 99)
        return [ocrMark, 0x10 + UInt8(c / 10), 0x10 + UInt8(c % 10)]
    }

    /// The confidence of the OCR marks at `i` of `text`, or nil when there are none there.
    public static func ocrConfidence(_ text: [UInt8], at i: Int) -> Int? {
        guard i >= 0, i + ocrMarkLength <= text.count, text[i] == ocrMark else { return nil }
        let tens = text[i + 1] &- 0x10, units = text[i + 2] &- 0x10
        guard tens < 10, units < 10 else { return nil }
        return Int(tens) * 10 + Int(units)
    }

    /// The OCR confidence of the page holding `offset` of a `paged` text (a PDF's or a TIFF's), or
    /// of the whole text (an image's: its marks can only start it), or nil when that page did not
    /// come from OCR. Only a paged text is searched back for its page's start.
    public static func ocrConfidence(ofPageAt offset: Int, in text: [UInt8], paged: Bool) -> Int? {
        guard paged else { return ocrConfidence(text, at: 0) }
        var start = min(max(offset, 0), text.count)
        while start > 0 && text[start - 1] != pageBreak { start -= 1 }
        return ocrConfidence(text, at: start)
    }

    /// How many `#` of heading marks start at `i` of `text` (1–6, followed by a space), or nil.
    /// Whether `i` starts a line is the caller's to know.
    public static func headingLevel<C: Collection<UInt8>>(_ text: C, at i: C.Index) -> Int? {
        var j = i
        var level = 0
        while j < text.endIndex, text[j] == hash, level < 7 {
            level += 1
            j = text.index(after: j)
        }
        guard (1...6).contains(level), j < text.endIndex, text[j] == 0x20 else { return nil }
        return level
    }

    /// The line (`separator` a line feed) or page (`separator` the page break) that the byte at
    /// `offset` is on, counted from 1.
    public static func ordinal(of offset: Int, in text: [UInt8], separator: UInt8) -> Int {
        1 + text[..<min(max(offset, 0), text.count)].reduce(0) { $0 + ($1 == separator ? 1 : 0) }
    }

    /// The line (from 1) that the byte at `offset` is on.
    public static func line(of offset: Int, in text: [UInt8]) -> Int { ordinal(of: offset, in: text, separator: newline) }

    /// The page (from 1) that the byte at `offset` of a paged text (a PDF's) is on.
    public static func page(of offset: Int, in text: [UInt8]) -> Int { ordinal(of: offset, in: text, separator: pageBreak) }
}
