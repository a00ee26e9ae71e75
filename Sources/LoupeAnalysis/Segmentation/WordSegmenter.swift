import CICU

/// Finds the words (letters and numbers) of UTF-8 text with ICU's UAX #29 word break rules.
///
/// Pieces of text between ASCII white space made only of ASCII, of characters up to U+07FF
/// whose Word_Break property is ALetter (é, ñ, ß, ж, α …) or Other (« » ¿ × …), and of
/// characters U+2000–U+27FF that are ALetter, Other (‐ — “ ” … ─ │ • ☺ …) or MidNumLet (‘ ’ ․)
/// skip ICU: a small state machine that implements the same rules as ICU 72's word iterator
/// restricted to those characters gives the same word boundaries there (each behaves in every
/// rule as an ASCII character of its class does; the properties come from ICU itself at
/// start-up; checked against ICU by `WordSegmenterTests`). Any other piece — one with a
/// combining mark, a format character, a line separator, a digit outside ASCII, or any other
/// character, CJK and emoji beyond U+27FF included — goes through ICU.
public final class WordSegmenter {
    private let icu: ICUWordBreaker
    /// `asciiClass`, copied so the hot loops read it without a global's lazy-initialization check.
    private let classes: UnsafeMutablePointer<UInt8>

    /// Per code point below U+0800, and per code point U+2000–U+27FF: its `CharClass` when the
    /// fast path handles it (other is stored with the top bit set), else 0.
    private let twoByteClasses: UnsafeMutablePointer<UInt8>
    private let punctuationClasses: UnsafeMutablePointer<UInt8>

    public init() throws {
        icu = try ICUWordBreaker()
        classes = .allocate(capacity: 256)
        for i in 0..<256 { classes[i] = asciiClass[i] }
        func fastClass(_ codePoint: Int) -> UInt8 {
            switch cicu_word_break_class(UInt32(codePoint)) {
            case 1: return CharClass.letter.rawValue
            case 2: return CharClass.other.rawValue | 0x80
            case 3: return CharClass.midNumLet.rawValue
            default: return 0
            }
        }
        twoByteClasses = .allocate(capacity: 0x800)
        for c in 0..<0x800 { twoByteClasses[c] = c < 0x80 ? 0 : fastClass(c) }
        punctuationClasses = .allocate(capacity: 0x800)
        for c in 0..<0x800 { punctuationClasses[c] = fastClass(0x2000 + c) }
    }

    deinit {
        classes.deallocate()
        twoByteClasses.deallocate()
        punctuationClasses.deallocate()
    }

    /// When true, every piece goes through ICU (used to check the fast path against ICU).
    public var forceICU = false

    /// Calls `body(start, end)` with the byte range of each word in `text`, in order.
    public func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let count = text.count
        if forceICU {
            icuWords(text, from: 0, to: count, body)
            return
        }
        let classes = self.classes
        let space = CharClass.space.rawValue
        var i = 0
        // Start of a pending run of non-ASCII pieces (to hand to ICU in one call), or -1.
        var icuStart = -1
        var icuEnd = 0
        while i < count {
            // Skip white space between pieces.
            while i < count, classes[Int(text[i])] == space { i += 1 }
            if i >= count { break }
            let pieceStart = i
            var needsICU = false
            while i < count {
                let byte = text[i]
                if byte < 0x80 {
                    if classes[Int(byte)] == space { break }
                } else if !needsICU {
                    // A character the fast path handles (see above) stays on it; anything else
                    // sends the piece to ICU.
                    if byte &- 0xC2 < 30, i + 1 < count, text[i + 1] & 0xC0 == 0x80,
                       twoByteClasses[Int(byte & 0x1F) << 6 | Int(text[i + 1] & 0x3F)] != 0 {
                        i += 2
                        continue
                    }
                    if byte == 0xE2, i + 2 < count, text[i + 1] &- 0x80 < 0x20, text[i + 2] & 0xC0 == 0x80,
                       punctuationClasses[Int(text[i + 1] & 0x3F) << 6 | Int(text[i + 2] & 0x3F)] != 0 {
                        i += 3
                        continue
                    }
                    needsICU = true
                }
                i += 1
            }
            if needsICU {
                if icuStart < 0 { icuStart = pieceStart }
                icuEnd = i
            } else {
                if icuStart >= 0 {
                    icuWords(text, from: icuStart, to: icuEnd, body)
                    icuStart = -1
                }
                asciiWords(text, from: pieceStart, to: i, body)
            }
        }
        if icuStart >= 0 { icuWords(text, from: icuStart, to: icuEnd, body) }
    }

    private func icuWords(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ body: (Int, Int) -> Void) {
        let slice = UnsafeBufferPointer(rebasing: text[start..<end])
        icu.segments(slice) { s, e, status in
            if status >= 100 && status < 500 { body(start + s, start + e) }
        }
    }

    /// UAX #29 as ICU 72 applies it to the fast path's characters: letters (ICU counts `@` as
    /// one), digits and the ExtendNumLet `_` join freely; `.`, `'`, ‘ and ’ join two letters,
    /// `.` and `'` also two digits; `,` and `;` join two digits; everything else breaks. Tokens
    /// made only of `_` are not words.
    private func asciiWords(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ body: (Int, Int) -> Void) {
        let letter = CharClass.letter.rawValue, digit = CharClass.digit.rawValue, extend = CharClass.extendNumLet.rawValue
        let midNumLet = CharClass.midNumLet.rawValue, midNum = CharClass.midNum.rawValue
        let asciiClass = self.classes
        let twoByteClasses = self.twoByteClasses, punctuationClasses = self.punctuationClasses
        /// The class and byte length of the character at `i` (the piece holds only characters
        /// the fast path handles).
        @inline(__always) func character(_ i: Int) -> (UInt8, Int) {
            let byte = text[i]
            if byte < 0x80 { return (asciiClass[Int(byte)], 1) }
            if byte == 0xE2 { return (punctuationClasses[Int(text[i + 1] & 0x3F) << 6 | Int(text[i + 2] & 0x3F)] & 0x7F, 3) }
            return (twoByteClasses[Int(byte & 0x1F) << 6 | Int(text[i + 1] & 0x3F)] & 0x7F, 2)
        }
        @inline(__always) func joins(_ c: UInt8) -> Bool { c == letter || c == digit || c == extend }
        var i = start
        while i < end {
            var (cls, length) = character(i)
            guard joins(cls) else {
                i += length
                continue
            }
            let tokenStart = i
            var hasAlnum = cls != extend
            // `last` is where the token's last character starts.
            var last = i
            while true {
                let n = last + length
                guard n < end else { break }
                let (next, nextLength) = character(n)
                if joins(next) {
                    (last, length, cls) = (n, nextLength, next)
                    if next != extend { hasAlnum = true }
                    continue
                }
                let a = n + nextLength
                guard a < end, next == midNumLet || next == midNum else { break }
                let (after, afterLength) = character(a)
                if (next == midNumLet && cls == letter && after == letter) || (cls == digit && after == digit) {
                    (last, length, cls) = (a, afterLength, after)
                    continue
                }
                break
            }
            i = last + length
            if hasAlnum { body(tokenStart, i) }
        }
    }
}

enum CharClass: UInt8 {
    case other = 0, space, letter, digit, extendNumLet, midNumLet, midNum
}

/// Word-break class of each ASCII byte (bytes ≥ 0x80 are never looked up here).
let asciiClass: [UInt8] = (0..<256).map { (b: Int) -> UInt8 in
    switch b {
    case 0x41...0x5A, 0x61...0x7A, 0x40: return CharClass.letter.rawValue  // ICU 72 counts @ as a letter
    case 0x30...0x39: return CharClass.digit.rawValue
    case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return CharClass.space.rawValue
    case 0x5F: return CharClass.extendNumLet.rawValue  // _
    case 0x2E, 0x27: return CharClass.midNumLet.rawValue  // . '
    case 0x2C, 0x3B: return CharClass.midNum.rawValue  // , ;
    default: return CharClass.other.rawValue
    }
}
