import LoupeFormat
import LoupeStorage

/// Minimal, forgiving HTML-to-text conversion for indexing: it never fails, whatever the markup.
enum HTMLText {
    static let skippedElements: Set<String> = ["script", "style", "noscript", "template", "svg", "head"]
    static let blockElements: Set<String> = [
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "td", "th", "table", "section",
        "article", "header", "footer", "nav", "aside", "blockquote", "pre", "hr", "dt", "dd", "dl", "figure",
        "figcaption", "main", "title", "body", "html", "caption", "address",
    ]

    /// What an HTML page's head says of it: `<meta name="description">` and `<meta
    /// name="keywords">` contents, and the `lang` (or `xml:lang`) of `<html>`, its primary subtag
    /// (`fr` for `fr-CA`). Taken from the tags before `<body>`.
    struct Metadata {
        var description = ""
        var keywords = ""
        var language: String? = nil

        mutating func take(_ element: String, _ attributes: [String: String]) {
            if element == "html", let lang = attributes["lang"] ?? attributes["xml:lang"], !lang.isEmpty {
                language = String(lang.split(separator: "-").first ?? Substring(lang)).lowercased()
            }
            if element == "meta", let content = attributes["content"] {
                switch attributes["name"]?.lowercased() {
                case "description": description = content
                case "keywords": keywords = content
                default: break
                }
            }
        }
    }

    /// Text, title and head metadata of an HTML document.
    static func extract(_ html: [UInt8]) -> (text: [UInt8], title: String, metadata: Metadata) {
        var metadata = Metadata()
        var inBody = false
        var out: [UInt8] = []
        out.reserveCapacity(html.count / 2)
        var title: [UInt8] = []
        var h1: [UInt8] = []
        var capture: Int = 0  // 1 title, 2 h1
        var i = 0
        let n = html.count
        var pendingSpace = false

        func emit(_ bytes: [UInt8]) {
            for b in bytes {
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C {
                    pendingSpace = true
                    continue
                }
                if pendingSpace, let last = out.last, last != 0x0A, last != 0x20 { out.append(0x20) }
                pendingSpace = false
                out.append(b)
                if capture == 1 { title.append(b) } else if capture == 2 { h1.append(b) }
            }
            if pendingSpace && capture != 0 {
                if capture == 1, !title.isEmpty { title.append(0x20) } else if capture == 2, !h1.isEmpty { h1.append(0x20) }
            }
        }
        func newline() {
            pendingSpace = false
            while out.last == 0x20 { out.removeLast() }
            if out.isEmpty { return }
            if out.count >= 2 && out[out.count - 1] == 0x0A && out[out.count - 2] == 0x0A { return }
            out.append(0x0A)
        }

        while i < n {
            let b = html[i]
            if b == 0x3C {  // <
                if matches(html, at: i, "<!--") {
                    i = find(html, "-->", from: i + 4).map { $0 + 3 } ?? n
                    continue
                }
                var j = i + 1
                let closing = j < n && html[j] == 0x2F
                if closing { j += 1 }
                let nameStart = j
                while j < n, isNameByte(html[j]) { j += 1 }
                let name = String(decoding: html[nameStart..<j], as: UTF8.self).lowercased()
                guard !name.isEmpty || (j < n && (html[j] == 0x21 || html[j] == 0x3F)) else {
                    emit([b])  // a lone '<' in text
                    i += 1
                    continue
                }
                let tagEnd = find(html, ">", from: j) ?? (n - 1)
                if name == "body" { inBody = true }
                if !closing && !inBody && (name == "meta" || name == "html") { metadata.take(name, tagAttributes(html, j, tagEnd)) }
                i = tagEnd + 1
                if !closing && skippedElements.contains(name) && name != "head" {
                    let close = Array("</\(name)".utf8)
                    i = findCaseInsensitive(html, close, from: i).map { find(html, ">", from: $0).map { $0 + 1 } ?? n } ?? n
                    continue
                }
                if name == "title" { capture = closing ? 0 : 1 }
                if name == "h1" { capture = closing ? 0 : (h1.isEmpty ? 2 : 0) }
                if blockElements.contains(name) { newline() }
                // A heading's line starts with Markdown's marks (`## `): passages name their
                // section from it, and shown text leaves the marks out.
                if !closing, name.count == 2, name.first == "h", let level = Int(name.dropFirst()), (1...6).contains(level) {
                    out += StoredTextMarks.heading(level: level)
                }
                continue
            }
            if b == 0x26, let (decoded, next) = entity(html, at: i) {  // &
                emit(decoded)
                i = next
                continue
            }
            emit([b])
            i += 1
        }
        while out.last == 0x0A || out.last == 0x20 { out.removeLast() }
        let titleText = String(decoding: title.isEmpty ? h1 : title, as: UTF8.self).trimmingWhitespace()
        return (out, String(titleText.prefix(200)), metadata)
    }

    /// The attributes of the tag whose bytes after its name are `bytes[start..<end]`: lower-case
    /// names, values unquoted and their entities decoded.
    static func tagAttributes(_ bytes: [UInt8], _ start: Int, _ end: Int) -> [String: String] {
        var attributes: [String: String] = [:]
        var i = start
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x2F }
        while i < end {
            while i < end && isSpace(bytes[i]) { i += 1 }
            let nameStart = i
            while i < end && !isSpace(bytes[i]) && bytes[i] != 0x3D { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
            guard !name.isEmpty else { i += 1; continue }
            guard i < end && bytes[i] == 0x3D else { attributes[name] = ""; continue }
            i += 1
            var value: [UInt8] = []
            if i < end && (bytes[i] == 0x22 || bytes[i] == 0x27) {
                let quote = bytes[i]
                i += 1
                let valueStart = i
                while i < end && bytes[i] != quote { i += 1 }
                value = Array(bytes[valueStart..<i])
                i += 1
            } else {
                let valueStart = i
                while i < end && !isSpace(bytes[i]) { i += 1 }
                value = Array(bytes[valueStart..<i])
            }
            var decoded: [UInt8] = [], k = 0
            while k < value.count {
                if value[k] == 0x26, let (entityBytes, next) = entity(value, at: k) {
                    decoded += entityBytes
                    k = next
                } else {
                    decoded.append(value[k])
                    k += 1
                }
            }
            attributes[name] = String(decoding: decoded, as: UTF8.self)
        }
        return attributes
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
    }

    static func matches(_ bytes: [UInt8], at i: Int, _ s: String) -> Bool {
        let pattern = Array(s.utf8)
        guard i + pattern.count <= bytes.count else { return false }
        return bytes[i..<i + pattern.count].elementsEqual(pattern)
    }

    static func find(_ bytes: [UInt8], _ s: String, from: Int) -> Int? {
        let pattern = Array(s.utf8)
        guard let first = pattern.first else { return nil }
        var i = from
        while i + pattern.count <= bytes.count {
            if bytes[i] == first && bytes[i..<i + pattern.count].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    static func findCaseInsensitive(_ bytes: [UInt8], _ pattern: [UInt8], from: Int) -> Int? {
        var i = from
        while i + pattern.count <= bytes.count {
            var ok = true
            for k in 0..<pattern.count {
                let a = bytes[i + k], p = pattern[k]
                let lower = (a >= 0x41 && a <= 0x5A) ? a + 0x20 : a
                if lower != p { ok = false; break }
            }
            if ok { return i }
            i += 1
        }
        return nil
    }

    /// Decodes `&name;`, `&#123;` or `&#x7B;` at `i`; returns the UTF-8 bytes and the index after it.
    static func entity(_ bytes: [UInt8], at i: Int) -> ([UInt8], Int)? {
        guard let semicolon = find(bytes, ";", from: i + 1), semicolon - i <= 12 else { return nil }
        let body = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
        var scalar: Unicode.Scalar?
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            scalar = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if body.hasPrefix("#") {
            scalar = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init)
        } else if let value = namedEntities[body] {
            scalar = Unicode.Scalar(value)
        }
        guard let scalar, scalar.value != 0 else { return nil }
        return (Array(String(Character(scalar)).utf8), semicolon + 1)
    }

    static let namedEntities: [String: UInt32] = {
        var table: [String: UInt32] = [
            "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "nbsp": 0xA0, "rsquo": 0x2019,
            "lsquo": 0x2018, "ldquo": 0x201C, "rdquo": 0x201D, "laquo": 0xAB, "raquo": 0xBB, "hellip": 0x2026,
            "mdash": 0x2014, "ndash": 0x2013, "oelig": 0x153, "OElig": 0x152, "euro": 0x20AC, "copy": 0xA9,
            "reg": 0xAE, "deg": 0xB0, "middot": 0xB7, "iexcl": 0xA1, "iquest": 0xBF, "sect": 0xA7, "bull": 0x2022,
            "thinsp": 0x2009, "ensp": 0x2002, "emsp": 0x2003, "shy": 0xAD, "times": 0xD7, "trade": 0x2122,
        ]
        // Latin-1 letters: Agrave … yuml.
        let latin: [(String, UInt32)] = [
            ("Agrave", 0xC0), ("Aacute", 0xC1), ("Acirc", 0xC2), ("Atilde", 0xC3), ("Auml", 0xC4), ("Aring", 0xC5),
            ("AElig", 0xC6), ("Ccedil", 0xC7), ("Egrave", 0xC8), ("Eacute", 0xC9), ("Ecirc", 0xCA), ("Euml", 0xCB),
            ("Igrave", 0xCC), ("Iacute", 0xCD), ("Icirc", 0xCE), ("Iuml", 0xCF), ("ETH", 0xD0), ("Ntilde", 0xD1),
            ("Ograve", 0xD2), ("Oacute", 0xD3), ("Ocirc", 0xD4), ("Otilde", 0xD5), ("Ouml", 0xD6), ("Oslash", 0xD8),
            ("Ugrave", 0xD9), ("Uacute", 0xDA), ("Ucirc", 0xDB), ("Uuml", 0xDC), ("Yacute", 0xDD), ("THORN", 0xDE),
            ("szlig", 0xDF),
        ]
        for (name, value) in latin {
            table[name] = value
            if name != "szlig" { table[name.prefix(1).lowercased() + name.dropFirst()] = value + 0x20 }
        }
        table["aelig"] = 0xE6
        table["eth"] = 0xF0
        table["thorn"] = 0xFE
        table["yuml"] = 0xFF
        return table
    }()
}
