import LoupeFormat

/// Where a text that snippets and passages read lies in its document: the whole text, or a
/// window of a long one (`LongTextWindows`) starting at byte `base` of the document, at the
/// checkpoint `point`. Lines, pages, sections and OCR marks are counted in the window and
/// carried on from the checkpoint; what lies before the window (its section's heading, its
/// page's OCR marks) is read from the document with `read`.
struct TextPlacement {
    var base = 0
    var point: TextCheckpoints.Point? = nil
    /// Reads bytes of the whole document's text (nil when they cannot be read).
    var read: ((Range<Int>) -> [UInt8]?)? = nil
    /// The document's text length.
    var documentLength = 0

    /// The whole text: every count starts at its beginning.
    static var whole: TextPlacement { TextPlacement() }

    /// Whether the document goes on before the text, and after a text of `length` bytes.
    var continuesBefore: Bool { base > 0 }
    func continuesAfter(_ length: Int) -> Bool { point != nil && base + length < documentLength }

    /// The document's byte offset of byte `local` of the text.
    func offset(_ local: Int) -> Int { base + local }

    /// The line (from 1) of byte `local`.
    func line(of local: Int, in text: [UInt8]) -> Int {
        (point?.line ?? 1) + StoredTextMarks.line(of: local, in: text) - 1
    }

    /// The page (from 1) of byte `local`.
    func page(of local: Int, in text: [UInt8]) -> Int {
        (point?.page ?? 1) + StoredTextMarks.page(of: local, in: text) - 1
    }

    /// The heading of the section holding byte `local`: the last heading line of the text before
    /// it, or else the one the checkpoint names.
    func section(of local: Int, in text: [UInt8]) -> String? {
        if let found = SnippetBuilder.section(of: local, in: text) { return found }
        guard let start = point?.section, let read else { return nil }
        guard let line = read(start..<min(documentLength, start + 1024)) else { return nil }
        return SnippetBuilder.section(of: 0, in: line)
    }

    /// The OCR confidence of the page holding byte `local` (`StoredTextMarks.ocrConfidence`),
    /// reading the marks at the page's start where the page starts before the text.
    func ocrConfidence(ofPageAt local: Int, in text: [UInt8], paged: Bool) -> Int? {
        guard let point, let read, !(paged && text[..<min(max(local, 0), text.count)].contains(StoredTextMarks.pageBreak)) else {
            return StoredTextMarks.ocrConfidence(ofPageAt: local, in: text, paged: paged)
        }
        let start = paged ? point.pageStart : 0
        guard let marks = read(start..<min(documentLength, start + StoredTextMarks.ocrMarkLength)) else { return nil }
        return StoredTextMarks.ocrConfidence(marks, at: 0)
    }
}
