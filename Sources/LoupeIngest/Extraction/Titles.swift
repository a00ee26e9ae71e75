import LoupeFormat

/// Titles found in a document's text: its first non-empty line, or Markdown's first `#` heading.
enum Titles {
    /// A heading line's text without the Markdown marks extraction keeps (`## Bilan` → `Bilan`).
    static func withoutHeadingMarks(_ line: String) -> String {
        guard let level = StoredTextMarks.headingLevel(line.utf8, at: line.utf8.startIndex) else { return line }
        return String(line.dropFirst(level + 1))
    }

    static func firstLine(_ text: [UInt8]) -> String {
        var start = 0
        while start < text.count {
            // Page breaks and a recognised page's OCR marks are not part of a title.
            while start < text.count && text[start] == StoredTextMarks.pageBreak { start += 1 }
            if StoredTextMarks.ocrConfidence(text, at: start) != nil { start += StoredTextMarks.ocrMarkLength }
            var end = start
            while end < text.count && text[end] != 0x0A { end += 1 }
            if let line = trimmedLine(text, start, min(end, start + 1024)) { return line }
            start = end + 1
        }
        return ""
    }

    /// The line `text[start..<end]` without leading and trailing spaces, tabs and CRs, at most
    /// 200 characters, or nil when nothing is left. Trimming works on bytes unless a non-ASCII
    /// byte follows the leading white space (it could be a mark combining with it into one
    /// character, which `trimmingWhitespace` keeps).
    private static func trimmedLine(_ text: [UInt8], _ start: Int, _ end: Int) -> String? {
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        var first = start, last = end
        while first < last && isSpace(text[first]) { first += 1 }
        if first == last { return nil }
        if first > start && text[first] >= 0x80 {
            let line = String(decoding: text[start..<end], as: UTF8.self).trimmingWhitespace()
            return line.isEmpty ? nil : String(line.prefix(200))
        }
        while isSpace(text[last - 1]) { last -= 1 }
        let line = String(decoding: text[first..<last], as: UTF8.self)
        // 200 bytes hold at most 200 characters: only longer lines need counting.
        return last - first <= 200 ? line : String(line.prefix(200))
    }

    static func markdownTitle(_ text: [UInt8]) -> String? {
        for line in text.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(50) {
            let s = String(decoding: line, as: UTF8.self).trimmingWhitespace()
            if s.hasPrefix("# ") { return String(s.dropFirst(2).trimmingWhitespace().prefix(200)) }
        }
        return nil
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

}

extension Titles {
    /// A title from metadata: white space runs as one space, trimmed, at most 200 characters.
    static func clean(_ title: String) -> String {
        String(title.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").prefix(200))
    }
}
