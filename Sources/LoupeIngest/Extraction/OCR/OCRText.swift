import LoupeFormat

/// Turns recognised pages into stored text: each page starts with the OCR marks
/// (`StoredTextMarks.ocrPage`) and its text, with words that Tesseract saw hyphenated across a
/// line end joined again (`fran-` / `çaise` → `française`).
enum OCRText {
    static func page(_ page: OCRResult.Page) -> [UInt8] {
        StoredTextMarks.ocrPage(confidence: page.confidence) + joiningHyphenatedWords(page.text)
    }

    /// `text` with each `-` + line feed between two lower-case letters (ASCII or not) removed,
    /// and the line feed moved after the joined word so that lines are not lost.
    static func joiningHyphenatedWords(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var pendingNewlines = 0
        var i = 0
        while i < text.count {
            let b = text[i]
            if b == 0x2D, i + 1 < text.count, text[i + 1] == 0x0A, i > 0, isLowerLetterEnd(text, before: i),
               i + 2 < text.count, isLowerLetterStart(text, at: i + 2) {
                pendingNewlines += 1
                i += 2
                continue
            }
            if pendingNewlines > 0 && (b == 0x20 || b == 0x0A || b == 0x09) {
                out += [UInt8](repeating: 0x0A, count: pendingNewlines)
                pendingNewlines = 0
                if b == 0x0A { i += 1; continue }
            }
            out.append(b)
            i += 1
        }
        out += [UInt8](repeating: 0x0A, count: pendingNewlines)
        return out
    }

    /// Whether the character ending before `i` is a lower-case letter (ASCII, or a two-byte
    /// UTF-8 letter of Latin-1 or Latin Extended-A, which is what French and Spanish add).
    private static func isLowerLetterEnd(_ text: [UInt8], before i: Int) -> Bool {
        let b = text[i - 1]
        if b >= 0x61 && b <= 0x7A { return true }
        return i >= 2 && (text[i - 2] == 0xC3 || text[i - 2] == 0xC5) && b & 0xC0 == 0x80
    }

    private static func isLowerLetterStart(_ text: [UInt8], at i: Int) -> Bool {
        let b = text[i]
        if b >= 0x61 && b <= 0x7A { return true }
        return (b == 0xC3 || b == 0xC5) && i + 1 < text.count && text[i + 1] & 0xC0 == 0x80
    }
}
