import LoupeFormat

/// The text of a Markdown document without its markup, line for line (each source line gives one
/// line, so line numbers stay those of the file): headings as `## Title` (their marks kept, see
/// `block`), list and quote
/// markers dropped, emphasis and code marks (`*`, `_`, `~~`, backticks) removed, links and images
/// reduced to their text (`[text](url)` → `text`; the URL is not indexed), reference definitions,
/// fence lines, rules and table separators emptied, table pipes made spaces, inline HTML tags
/// dropped. Code inside fences is kept as it is.
enum MarkdownText {
    static func extract(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var inFence = false
        var lineStart = 0
        while lineStart <= text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 0x0A { lineEnd += 1 }
            let line = text[lineStart..<lineEnd]
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 }
            if trimmed.starts(with: Array("```".utf8)) || trimmed.starts(with: Array("~~~".utf8)) {
                inFence.toggle()
            } else if inFence {
                out.append(contentsOf: line)
            } else {
                out.append(contentsOf: inline(block(Array(line))))
            }
            if lineEnd < text.count { out.append(0x0A) }
            lineStart = lineEnd + 1
        }
        return out
    }

    /// The line without its block markup: heading marks, quote and list markers; empty for a
    /// rule, a table separator or a reference definition.
    static func block(_ line: [UInt8]) -> [UInt8] {
        var i = 0
        while i < line.count && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
        // Quotes, possibly nested: `> > text`.
        while i < line.count && line[i] == 0x3E {
            i += 1
            while i < line.count && line[i] == 0x20 { i += 1 }
        }
        let rest = Array(line[i...])
        let visible = rest.filter { $0 != 0x20 && $0 != 0x09 }
        // Rules (`---`, `***`, `___`) and table separators (`|---|:--:|`).
        if visible.count >= 3, visible.allSatisfy({ $0 == 0x2D || $0 == 0x2A || $0 == 0x5F }) { return [] }
        if visible.contains(0x2D), visible.allSatisfy({ $0 == 0x2D || $0 == 0x7C || $0 == 0x3A }) { return [] }
        // Reference definitions: `[id]: url`.
        if rest.first == 0x5B, let close = rest.firstIndex(of: 0x5D), close + 1 < rest.count, rest[close + 1] == 0x3A { return [] }
        var j = 0
        // Headings: `## Title ##` becomes `## Title`: the marks stay, one space after them (not
        // words, so not indexed; passages name their section from them; shown text leaves them out).
        if rest.first == 0x23 {
            while j < rest.count && rest[j] == 0x23 { j += 1 }
            if j <= 6, j == rest.count || rest[j] == 0x20 {
                let level = j
                while j < rest.count && rest[j] == 0x20 { j += 1 }
                var end = rest.count
                while end > j && (rest[end - 1] == 0x23 || rest[end - 1] == 0x20) { end -= 1 }
                let title = Array(rest[min(j, end)..<end])
                return title.isEmpty ? [] : StoredTextMarks.heading(level: level) + title
            }
            j = 0
        }
        // List items: `- `, `* `, `+ `, `1. `, `1) `, with an optional task box `[ ]`.
        if rest.count >= 2, [0x2D, 0x2A, 0x2B].contains(rest[0]), rest[1] == 0x20 {
            j = 2
        } else {
            var d = 0
            while d < rest.count && rest[d] >= 0x30 && rest[d] <= 0x39 { d += 1 }
            if d > 0, d + 1 < rest.count, rest[d] == 0x2E || rest[d] == 0x29, rest[d + 1] == 0x20 { j = d + 2 }
        }
        if j > 0, rest.count >= j + 4, rest[j] == 0x5B, rest[j + 2] == 0x5D, rest[j + 3] == 0x20 { j += 4 }
        return Array(rest[j...])
    }

    /// The line without its inline markup.
    static func inline(_ line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = 0
        let n = line.count
        func isWordByte(_ b: UInt8) -> Bool { b >= 0x80 || (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
        while i < n {
            let b = line[i]
            switch b {
            case 0x21 where i + 1 < n && line[i + 1] == 0x5B:  // ![alt](url): the alt text
                i += 1
                continue
            case 0x5B:  // [text](url) or [text][ref]: the text
                guard let close = line[(i + 1)...].firstIndex(of: 0x5D) else { break }
                let text = Array(line[(i + 1)..<close])
                if close + 1 < n, line[close + 1] == 0x28, let end = line[(close + 1)...].firstIndex(of: 0x29) {
                    out.append(contentsOf: inline(text))
                    i = end + 1
                    continue
                }
                if close + 1 < n, line[close + 1] == 0x5B, let end = line[(close + 1)...].firstIndex(of: 0x5D) {
                    out.append(contentsOf: inline(text))
                    i = end + 1
                    continue
                }
            case 0x3C:  // inline HTML tags and <autolinks>: the tag dropped, an autolink's address kept
                if let close = line[(i + 1)...].firstIndex(of: 0x3E), close > i + 1 {
                    let inside = line[(i + 1)..<close]
                    if inside.contains(0x3A) && !inside.contains(0x20) {
                        out.append(contentsOf: inside)
                    }
                    i = close + 1
                    continue
                }
            case 0x2A, 0x60:  // emphasis and code marks
                i += 1
                continue
            case 0x7E where i + 1 < n && line[i + 1] == 0x7E:  // ~~strike~~
                i += 2
                continue
            case 0x5F:  // `_emphasis_`, but snake_case keeps its underscores
                let before = i > 0 ? line[i - 1] : 0x20, after = i + 1 < n ? line[i + 1] : 0x20
                if !(isWordByte(before) && isWordByte(after)) {
                    i += 1
                    continue
                }
            case 0x7C:  // table cells
                out.append(0x20)
                i += 1
                continue
            case 0x5C where i + 1 < n && line[i + 1] < 0x80 && line[i + 1] > 0x20:  // \* escapes
                out.append(line[i + 1])
                i += 2
                continue
            default:
                break
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
