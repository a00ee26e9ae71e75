/// A decoded document ready for analysis: its text (what is indexed and stored for snippets)
/// and its title.
public struct ExtractedDocument: Sendable, Equatable {
    public var text: [UInt8]
    public var title: String
}

/// Turns file bytes into text and a title: rejects binary and non-UTF-8 files with a reason,
/// strips a UTF-8 byte order mark, extracts the text of HTML (tags, comments, `<script>` and
/// `<style>` dropped, entities decoded, block elements as line breaks), and finds the title
/// (HTML `<title>` or first `<h1>`, Markdown's first `#` heading, else the first non-empty line).
public enum TextExtractor {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case binary
        case invalidUTF8(offset: Int)
        case empty

        public var description: String {
            switch self {
            case .binary: return "looks binary (contains NUL bytes); skipped"
            case .invalidUTF8(let offset): return "not valid UTF-8 (first bad byte at offset \(offset)); skipped"
            case .empty: return "empty file; skipped"
            }
        }
    }

    public static func extract(_ bytes: [UInt8], fileName: String) -> Result<ExtractedDocument, Failure> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.prefix(8192).contains(0) { return .failure(.binary) }
        if let bad = firstInvalidUTF8(body) { return .failure(.invalidUTF8(offset: bad)) }
        let lower = fileName.lowercased()
        if CorpusWalker.htmlExtensions.contains(where: { lower.hasSuffix("." + $0) }) {
            let (text, title) = HTMLText.extract(Array(body))
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x0A }) && title.isEmpty { return .failure(.empty) }
            return .success(ExtractedDocument(text: text, title: title.isEmpty ? firstLine(text) : title))
        }
        let text = Array(body)
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .failure(.empty) }
        let isMarkdown = lower.hasSuffix(".md") || lower.hasSuffix(".markdown")
        let title = (isMarkdown ? markdownTitle(text) : nil) ?? firstLine(text)
        return .success(ExtractedDocument(text: text, title: title))
    }

    /// Offset of the first byte that breaks UTF-8 validity, or nil.
    static func firstInvalidUTF8(_ slice: ArraySlice<UInt8>) -> Int? {
        slice.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let end = bytes.count
        let raw = UnsafeRawBufferPointer(bytes)
        while i < end {
            // Eight ASCII bytes at a time.
            if i + 8 <= end && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return i
            }
            guard i + length <= end else { return i }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += length
        }
        return nil
    }

    static func firstLine(_ text: [UInt8]) -> String {
        var start = 0
        while start < text.count {
            var end = start
            while end < text.count && text[end] != 0x0A { end += 1 }
            // Long lines are cut before decoding (a title is at most 200 characters anyway).
            let line = String(decoding: text[start..<min(end, start + 1024)], as: UTF8.self).trimmingWhitespace()
            if !line.isEmpty { return String(line.prefix(200)) }
            start = end + 1
        }
        return ""
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
