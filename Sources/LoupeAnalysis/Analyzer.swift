/// The analysis chain shared by indexing, querying and snippets: ICU word segmentation,
/// normalization (`TermNormalizer`), then — for a document of a known language — Snowball
/// stemming of every word except function words and names.
///
/// A *name* is a capitalized word (first letter upper case, some lower-case letter after it, an
/// elided article like `d'` skipped) that does not start a sentence: `Mali`, `Macron`, `d'Ivoire`.
/// Names are indexed unstemmed, so `Mali` never becomes the French stem `mal` (evil).
/// Not thread-safe (it owns an ICU iterator and scratch buffers): use one per thread.
public final class Analyzer {
    public let segmenter: WordSegmenter
    public let normalizer: TermNormalizer
    private var cache: [CacheKey: String?] = [:]
    private var scratch: [UInt8] = []

    public init() throws {
        segmenter = try WordSegmenter()
        normalizer = TermNormalizer()
    }

    /// One word of a text, before it is turned into a term.
    public struct Word: Sendable, Equatable {
        public var start: Int
        public var end: Int
        /// Capitalized and not at the start of a sentence.
        public var isName: Bool
    }

    /// The tokens of `text`. With `language` nil (or `.other`) terms are folded but not stemmed.
    public func tokens(_ text: String, language: Language? = nil) -> [Token] {
        var tokens: [Token] = []
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            let text = UnsafeBufferPointer(buffer)
            forEachTerm(in: text, language: language ?? .other) { term, position, start, end in
                tokens.append(Token(term: term, position: position, start: start, end: end))
            }
        }
        return tokens
    }

    /// Calls `body(term, position, start, end)` for every token of UTF-8 `text`; terms are cached per analyzer.
    public func forEachTerm(in text: UnsafeBufferPointer<UInt8>, language: Language, _ body: (String, Int, Int, Int) -> Void) {
        var position = 0
        forEachWord(in: text) { word in
            let raw = UnsafeBufferPointer(rebasing: text[word.start..<word.end])
            let key = CacheKey(bytes: Array(raw), language: language, isName: word.isName)
            let term: String?
            if let cached = cache[key] {
                term = cached
            } else {
                term = self.term(raw: raw, language: language, isName: word.isName)
                if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }
                cache[key] = term
            }
            guard let term else { return }
            body(term, position, word.start, word.end)
            position += 1
        }
    }

    /// The words of `text` with their name flag, in order (terms not computed yet).
    public func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (Word) -> Void) {
        var previousEnd = 0
        var first = true
        segmenter.forEachWord(in: text) { start, end in
            let sentenceStart = first || Self.gapEndsSentence(text, from: previousEnd, to: start)
            first = false
            previousEnd = end
            let isName = !sentenceStart && Self.isCapitalized(UnsafeBufferPointer(rebasing: text[start..<end]))
            body(Word(start: start, end: end, isName: isName))
        }
    }

    /// The term a raw word becomes in a document of `language`: normalized, then stemmed unless it is
    /// a name, a function word, or the language is `other`. Nil when the word yields no term.
    public func term(raw: UnsafeBufferPointer<UInt8>, language: Language, isName: Bool) -> String? {
        guard normalizer.normalize(raw, into: &scratch) else { return nil }
        let folded = String(decoding: scratch, as: UTF8.self)
        return Self.stem(folded, language: language, isName: isName)
    }

    /// Stems a folded term for `language` unless it is a name or a function word.
    public static func stem(_ folded: String, language: Language, isName: Bool = false) -> String {
        guard !isName, let stemmer = language.stemmer else { return folded }
        if StopWords.list(for: language).contains(folded) { return folded }
        let stemmed = stemmer.stem(folded)
        return stemmed.isEmpty ? folded : stemmed
    }

    /// Folded (unstemmed) terms of a text with their byte ranges: what a query is made of.
    public func foldedWords(_ text: String) -> [(term: String, start: Int, end: Int)] {
        var result: [(String, Int, Int)] = []
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            let text = UnsafeBufferPointer(buffer)
            segmenter.forEachWord(in: text) { start, end in
                if normalizer.normalize(UnsafeBufferPointer(rebasing: text[start..<end]), into: &scratch) {
                    result.append((String(decoding: scratch, as: UTF8.self), start, end))
                }
            }
        }
        return result
    }

    /// True when the bytes between two words end a sentence: `.`, `!`, `?`, `…`, `¿`, `¡`, a
    /// blank line, or a line break after a line ending in `:`.
    @inline(__always)
    static func gapEndsSentence(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        var newlines = 0
        var i = from
        while i < to {
            switch text[i] {
            case 0x2E, 0x21, 0x3F: return true
            case 0x0A:
                newlines += 1
                if newlines >= 2 { return true }
            case 0xE2 where i + 2 < to && text[i + 1] == 0x80 && text[i + 2] == 0xA6: return true  // …
            case 0xC2 where i + 1 < to && (text[i + 1] == 0xBF || text[i + 1] == 0xA1): return true  // ¿ ¡
            default: break
            }
            i += 1
        }
        return false
    }

    /// First letter upper case and some later letter lower case, after an optional elided article.
    @inline(__always)
    static func isCapitalized(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        // Fast path: an ASCII upper-case first byte followed only by ASCII needs no decoding.
        if let first = word.first, first < 0x80 {
            if first &- 0x41 < 26 {
                var sawLower = false
                for byte in word.dropFirst() {
                    if byte >= 0x80 { return slowIsCapitalized(word) }
                    if byte &- 0x61 < 26 { sawLower = true }
                }
                return sawLower
            }
            // Lower case first letter and no apostrophe in the first 7 bytes: not capitalized.
            if first &- 0x61 < 26, !word.prefix(8).contains(where: { $0 == 0x27 || $0 == 0xE2 }) { return false }
            if first &- 0x30 < 10 { return false }
        }
        return slowIsCapitalized(word)
    }

    @inline(never)
    private static func slowIsCapitalized(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        var scalars = String(decoding: word, as: UTF8.self).unicodeScalars[...]
        if let apostrophe = scalars.firstIndex(where: { $0 == "'" || $0 == "\u{2019}" }) {
            let prefix = scalars[scalars.startIndex..<apostrophe]
            if prefix.count <= 6, prefix.allSatisfy({ $0.properties.isLowercase }) {
                scalars = scalars[scalars.index(after: apostrophe)...]
            }
        }
        guard let first = scalars.first(where: { $0.properties.isAlphabetic }), first.properties.isUppercase else { return false }
        return scalars.dropFirst().contains { $0.properties.isLowercase }
    }

    struct CacheKey: Hashable {
        var bytes: [UInt8]
        var language: Language
        var isName: Bool
    }
}
