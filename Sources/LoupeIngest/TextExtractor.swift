import LoupeFormat
import LoupeStorage

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
        let bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        // One pass checks the bytes: NUL in the first 8 KiB, UTF-8 validity, all white space.
        let scan = bytes.withUnsafeBufferPointer { scanText(UnsafeBufferPointer(rebasing: $0[bomLength...])) }
        if scan.hasNUL { return .failure(.binary) }
        if let bad = scan.invalidUTF8 { return .failure(.invalidUTF8(offset: bad)) }
        let body = bomLength == 0 ? bytes : Array(bytes[bomLength...])
        let kind = kind(of: fileName)
        switch kind {
        case .html:
            let (text, title) = HTMLText.extract(body)
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x0A }) && title.isEmpty { return .failure(.empty) }
            return .success(ExtractedDocument(text: text, title: title.isEmpty ? firstLine(text) : title))
        case .markdown, .plain:
            if scan.allWhiteSpace { return .failure(.empty) }
            let title = (kind == .markdown ? markdownTitle(body) : nil) ?? firstLine(body)
            return .success(ExtractedDocument(text: body, title: title))
        }
    }

    enum Kind { case html, markdown, plain }

    private static let htmlExtensionBytes = CorpusWalker.htmlExtensions.map { Array($0.utf8) }
    private static let markdownExtensionBytes = [Array("md".utf8), Array("markdown".utf8)]

    /// How a file is read, by its extension (any case).
    static func kind(of fileName: String) -> Kind {
        if CorpusWalker.hasExtension(fileName, in: htmlExtensionBytes, needsStem: false) { return .html }
        return CorpusWalker.hasExtension(fileName, in: markdownExtensionBytes, needsStem: false) ? .markdown : .plain
    }

    /// What `extract` needs to know of a file's bytes, found in one pass.
    struct Scan {
        var hasNUL = false
        var invalidUTF8: Int?
        /// Only spaces, tabs, CR and LF.
        var allWhiteSpace = true
    }

    static func scanText(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        var scan = Scan()
        let raw = UnsafeRawBufferPointer(bytes)
        let prefix = min(bytes.count, 8192)
        var i = 0
        // Eight bytes a step while they are ASCII: a NUL or a byte other than white space shows in
        // the word's bits without a per-byte loop.
        while i + 8 <= prefix {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { break }
            if hasZeroByte(w) { scan.hasNUL = true; return scan }
            if scan.allWhiteSpace && !isWhiteSpace(w) { scan.allWhiteSpace = false }
            i += 8
        }
        while i < prefix {
            if bytes[i] == 0 { scan.hasNUL = true; return scan }
            i += 1
        }
        if scan.allWhiteSpace { scan.allWhiteSpace = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 } }
        scan.invalidUTF8 = firstInvalidUTF8(bytes)
        return scan
    }

    @inline(__always)
    private static func hasZeroByte(_ w: UInt64) -> Bool {
        (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0
    }

    /// True when every byte of an ASCII word is a space, tab, CR or LF.
    @inline(__always)
    private static func isWhiteSpace(_ w: UInt64) -> Bool {
        for k in 0..<8 {
            let b = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k)))
            if b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 { return false }
        }
        return true
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
