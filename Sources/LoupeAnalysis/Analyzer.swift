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
    private var accentedScratch: [UInt8] = []
    private var stemScratch: [UInt8] = []

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
        guard normalizer.normalize(raw, into: &scratch, accented: &accentedScratch) else { return nil }
        var term: [UInt8] = []
        scratch.withUnsafeBufferPointer { folded in
            accentedScratch.withUnsafeBufferPointer { accented in
                appendTerm(folded: folded, accented: accented, language: language, isName: isName, to: &term)
            }
        }
        return String(decoding: term, as: UTF8.self)
    }

    /// Stems a folded term for `language` unless it is a name or a function word (the word as if
    /// typed without accents; `term(raw:…)` stems the word as written).
    public static func stem(_ folded: String, language: Language, isName: Bool = false) -> String {
        var folded = folded
        var term: [UInt8] = []
        folded.withUTF8 { appendTerm(folded: $0, language: language, isName: isName, to: &term) }
        return String(decoding: term, as: UTF8.self)
    }

    /// The term of a word in `language`, from its folded and accented forms (`normalize(_:into:accented:)`;
    /// `accented` empty when the word has none): Snowball stems the word as written — its
    /// algorithms are defined on accented words (`francés` → `frances`, where the folded `frances`
    /// gives `franc`) — and the stem is then folded.
    public func stem(folded: String, accented: String, language: Language, isName: Bool = false) -> String {
        var term: [UInt8] = []
        Array(folded.utf8).withUnsafeBufferPointer { f in
            Array(accented.utf8).withUnsafeBufferPointer { a in appendTerm(folded: f, accented: a, language: language, isName: isName, to: &term) }
        }
        return String(decoding: term, as: UTF8.self)
    }

    /// Appends to `out` the term of a word given folded and accented (see `stem(folded:accented:…)`).
    /// English words are stemmed folded: Porter2's alphabet is a–z, and an accent in an English
    /// text marks a foreign word (`café`, `Darién`), whose letters it would take for consonants.
    public func appendTerm(folded: UnsafeBufferPointer<UInt8>, accented: UnsafeBufferPointer<UInt8>, language: Language, isName: Bool, to out: inout [UInt8]) {
        guard !accented.isEmpty, !isName, language == .french || language == .spanish, !StopWords.contains(folded, language: language) else {
            Self.appendTerm(folded: folded, language: language, isName: isName, to: &out)
            return
        }
        var word = SnowballWord(utf8: accented)
        Self.stemInPlace(&word, language: language)
        guard !word.isEmpty else {
            out.append(contentsOf: folded)
            return
        }
        stemScratch.removeAll(keepingCapacity: true)
        word.appendUTF8(to: &stemScratch)
        var foldedStem: [UInt8] = []
        guard stemScratch.withUnsafeBufferPointer({ normalizer.fold($0, into: &foldedStem) }), !foldedStem.isEmpty else {
            out.append(contentsOf: folded)
            return
        }
        out.append(contentsOf: foldedStem)
    }

    /// Appends to `out` the UTF-8 term the folded word `folded` becomes in `language`: the word
    /// itself when it is a name, a function word, or the language has no stemmer (no String is
    /// built then), else its stem (the word itself should the stem be empty).
    public static func appendTerm(folded: UnsafeBufferPointer<UInt8>, language: Language, isName: Bool, to out: inout [UInt8]) {
        guard !isName, language != .other, !StopWords.contains(folded, language: language) else {
            out.append(contentsOf: folded)
            return
        }
        // The stemmers' in-place cores, on the scalars of the bytes: no String either way.
        var word = SnowballWord(utf8: folded)
        stemInPlace(&word, language: language)
        if word.isEmpty { out.append(contentsOf: folded) } else { word.appendUTF8(to: &out) }
    }

    @inline(__always)
    static func stemInPlace(_ word: inout SnowballWord, language: Language) {
        switch language {
        case .english: EnglishStemmer.stem(&word)
        case .french: FrenchStemmer.stem(&word)
        case .spanish: SpanishStemmer.stem(&word)
        case .other: break
        }
    }

    /// A query word: folded, and as written with its accents (empty when it has none).
    public struct QueryWord: Sendable, Equatable {
        public var term: String
        public var accented: String
        public var start: Int
        public var end: Int
    }

    /// The normalized (unstemmed) words of a text with their byte ranges: what a query is made of.
    public func foldedWords(_ text: String) -> [QueryWord] {
        var result: [QueryWord] = []
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            let text = UnsafeBufferPointer(buffer)
            segmenter.forEachWord(in: text) { start, end in
                if normalizer.normalize(UnsafeBufferPointer(rebasing: text[start..<end]), into: &scratch, accented: &accentedScratch) {
                    result.append(QueryWord(term: String(decoding: scratch, as: UTF8.self), accented: String(decoding: accentedScratch, as: UTF8.self),
                                            start: start, end: end))
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

    /// `isCapitalized` for words the fast path cannot decide, read scalar by scalar from the bytes
    /// (no String is built): Latin-1 letters are classified inline, others through the scalar's
    /// Unicode properties. `referenceIsCapitalized` in the tests is the same rule over a String.
    @inline(never)
    static func slowIsCapitalized(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        // An elided article: up to 6 lower-case letters before the first apostrophe are skipped.
        var apostrophe = 0
        while apostrophe < word.count
            && !(word[apostrophe] == 0x27
                || (word[apostrophe] == 0xE2 && apostrophe + 2 < word.count && word[apostrophe + 1] == 0x80 && word[apostrophe + 2] == 0x99)) {
            apostrophe += 1
        }
        if apostrophe < word.count {
            var i = 0, scalars = 0, allLower = true
            while i < apostrophe && allLower {
                let (scalar, next) = decodeUTF8Scalar(word, at: i)
                allLower = letterCase(scalar).isLower
                scalars += 1
                i = next
            }
            if scalars <= 6 && allLower { start = apostrophe + (word[apostrophe] == 0x27 ? 1 : 3) }
        }
        // The first letter is upper case and some scalar after the first is lower case.
        var i = start
        var index = 0, sawLetter = false, lowerAfterFirst = false
        while i < word.count {
            let (scalar, next) = decodeUTF8Scalar(word, at: i)
            let kind = letterCase(scalar)
            if !sawLetter && kind.isAlphabetic {
                guard kind.isUpper else { return false }
                sawLetter = true
            }
            if index > 0 && kind.isLower { lowerAfterFirst = true }
            if sawLetter && lowerAfterFirst { return true }
            index += 1
            i = next
        }
        return false
    }

    struct LetterCase {
        var isAlphabetic: Bool
        var isUpper: Bool
        var isLower: Bool
    }

    /// Unicode's Alphabetic, Uppercase and Lowercase properties of a scalar; ASCII and Latin-1 are
    /// answered from their fixed ranges, anything else from the stdlib's tables.
    @inline(__always)
    static func letterCase(_ scalar: Unicode.Scalar) -> LetterCase {
        let v = scalar.value
        if v < 0x80 {
            let upper = v &- 0x41 < 26, lower = v &- 0x61 < 26
            return LetterCase(isAlphabetic: upper || lower, isUpper: upper, isLower: lower)
        }
        if v < 0x100 {
            // ª µ º are lower-case letters; À–Þ upper and ß–ÿ lower, less × and ÷.
            if v == 0xAA || v == 0xB5 || v == 0xBA { return LetterCase(isAlphabetic: true, isUpper: false, isLower: true) }
            if v < 0xC0 || v == 0xD7 || v == 0xF7 { return LetterCase(isAlphabetic: false, isUpper: false, isLower: false) }
            let upper = v < 0xDF
            return LetterCase(isAlphabetic: true, isUpper: upper, isLower: !upper)
        }
        let p = scalar.properties
        return LetterCase(isAlphabetic: p.isAlphabetic, isUpper: p.isUppercase, isLower: p.isLowercase)
    }

    struct CacheKey: Hashable {
        var bytes: [UInt8]
        var language: Language
        var isName: Bool

        /// The word's bytes hashed in one call (the synthesized hash feeds them one by one).
        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(language.rawValue &+ (isName ? 0x80 : 0))
        }
    }
}
