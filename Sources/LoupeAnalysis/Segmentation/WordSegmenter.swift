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
        heldWords = .allocate(capacity: 2 * heldCapacity)
    }

    deinit {
        classes.deallocate()
        twoByteClasses.deallocate()
        punctuationClasses.deallocate()
        heldWords.deallocate()
    }

    /// When true, every piece goes through ICU (used to check the fast path against ICU).
    public var forceICU = false

    /// Calls `body(start, end)` with the byte range of each word in `text`, in order.
    ///
    /// One pass: the word rules run as the bytes of each piece (a run between ASCII white space)
    /// are read, and the piece's words are held back until its end; a character the fast path
    /// does not handle discards them and sends the piece to ICU instead.
    public func forEachWord(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let count = text.count
        if forceICU {
            icuWords(text, from: 0, to: count, body)
            return
        }
        let classes = self.classes
        let twoByteClasses = self.twoByteClasses, punctuationClasses = self.punctuationClasses
        let space = CharClass.space.rawValue, letter = CharClass.letter.rawValue, digit = CharClass.digit.rawValue
        let extend = CharClass.extendNumLet.rawValue, midNumLet = CharClass.midNumLet.rawValue, midNum = CharClass.midNum.rawValue
        let unhandled: UInt8 = 0xFF
        /// The class and byte length of the character at `i`, or `unhandled` for one the fast
        /// path leaves to ICU.
        @inline(__always) func character(_ i: Int) -> (UInt8, Int) {
            let byte = text[i]
            if byte < 0x80 { return (classes[Int(byte)], 1) }
            if byte &- 0xC2 < 30, i + 1 < count, text[i + 1] & 0xC0 == 0x80 {
                let c = twoByteClasses[Int(byte & 0x1F) << 6 | Int(text[i + 1] & 0x3F)]
                if c != 0 { return (c & 0x7F, 2) }
            } else if byte == 0xE2, i + 2 < count, text[i + 1] &- 0x80 < 0x20, text[i + 2] & 0xC0 == 0x80 {
                let c = punctuationClasses[Int(text[i + 1] & 0x3F) << 6 | Int(text[i + 2] & 0x3F)]
                if c != 0 { return (c & 0x7F, 3) }
            }
            return (unhandled, 1)
        }
        @inline(__always) func joins(_ c: UInt8) -> Bool { c == letter || c == digit || c == extend }
        guard let base = text.baseAddress else { return }
        var i = 0
        // Start and end of a pending run of pieces for ICU (handed over in one call), or -1.
        var icuStart = -1
        var icuEnd = 0
        while i < count {
            // Skip white space between pieces.
            while i < count, classes[Int(text[i])] == space { i += 1 }
            if i >= count { break }
            let pieceStart = i
            held = 0
            // UAX #29 as ICU 72 applies it to the fast path's characters: letters (ICU counts
            // `@` as one), digits and the ExtendNumLet `_` join freely; `.`, `'`, ‘ and ’ join
            // two letters, `.` and `'` also two digits; `,` and `;` join two digits; everything
            // else breaks. Tokens made only of `_` are not words.
            var tokenStart = -1, hasAlnum = false, last: UInt8 = 0
            // A MidNumLet or MidNum right after the token (where it ends unless the next
            // character lets it join), or -1.
            var mid = -1, midClass: UInt8 = 0
            var needsICU = false
            /// Inside a token, steps over the ASCII letters and digits that follow eight bytes at
            /// a time (they join whatever precedes them, and leave `last` a letter or digit).
            @inline(__always) func skipLettersAndDigits() {
                let start = i
                while i + 8 <= count {
                    let run = Self.leadingLettersAndDigits(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                    i += run
                    if run < 8 { break }
                }
                if i > start {
                    last = classes[Int(text[i - 1])]
                    hasAlnum = true
                }
            }
            while i < count {
                let (c, length) = character(i)
                if c == space { break }
                if c == unhandled {
                    needsICU = true
                    break
                }
                if tokenStart >= 0 {
                    if mid >= 0 {
                        if (midClass == midNumLet && last == letter && c == letter) || (last == digit && c == digit) {
                            last = c
                            mid = -1
                            i += length
                            continue
                        }
                        if hasAlnum { hold(tokenStart, mid) }
                        tokenStart = -1
                        mid = -1
                        // `c` starts afresh below.
                    } else if joins(c) {
                        last = c
                        if c != extend { hasAlnum = true }
                        i += length
                        skipLettersAndDigits()
                        continue
                    } else if c == midNumLet || c == midNum {
                        (mid, midClass) = (i, c)
                        i += length
                        continue
                    } else {
                        if hasAlnum { hold(tokenStart, i) }
                        tokenStart = -1
                        i += length
                        continue
                    }
                }
                if joins(c) {
                    (tokenStart, last, hasAlnum) = (i, c, c != extend)
                    i += length
                    skipLettersAndDigits()
                    continue
                }
                i += length
            }
            if needsICU {
                while i < count, text[i] >= 0x80 || classes[Int(text[i])] != space { i += 1 }
                if icuStart < 0 { icuStart = pieceStart }
                icuEnd = i
                continue
            }
            if tokenStart >= 0 && hasAlnum { hold(tokenStart, mid >= 0 ? mid : i) }
            if icuStart >= 0 {
                icuWords(text, from: icuStart, to: icuEnd, body)
                icuStart = -1
            }
            for k in 0..<held { body(Int(heldWords[2 * k]), Int(heldWords[2 * k + 1])) }
        }
        if icuStart >= 0 { icuWords(text, from: icuStart, to: icuEnd, body) }
    }

    /// The current piece's words (start, end pairs), held until the piece is known to stay on
    /// the fast path.
    private var heldWords: UnsafeMutablePointer<Int32>
    private var heldCapacity = 64
    private var held = 0

    @inline(__always)
    private func hold(_ start: Int, _ end: Int) {
        if held == heldCapacity { growHeld() }
        heldWords[2 * held] = Int32(truncatingIfNeeded: start)
        heldWords[2 * held + 1] = Int32(truncatingIfNeeded: end)
        held += 1
    }

    private func growHeld() {
        let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * heldCapacity)
        bigger.update(from: heldWords, count: 2 * held)
        heldWords.deallocate()
        heldWords = bigger
        heldCapacity *= 2
    }

    /// How many of the eight bytes of `w` (in memory order), from the first, are ASCII letters
    /// or digits: the bytes' ranges tested all at once (SWAR), with no branch per byte.
    @inline(__always)
    static func leadingLettersAndDigits(_ w: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        // Bytes below 0x80 only, so that adding to a byte never carries into the next.
        let low = w & ~high
        let folded = low | 0x20 * ones  // A–Z to a–z (digits already have the bit)
        let letter = (folded &+ (0x80 - 0x61) * ones) & ~(folded &+ (0x80 - 0x7B) * ones)
        let digit = (low &+ (0x80 - 0x30) * ones) & ~(low &+ (0x80 - 0x3A) * ones)
        let other = ~((letter | digit) & ~w) & high
        return other.trailingZeroBitCount >> 3
    }

    private func icuWords(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ body: (Int, Int) -> Void) {
        let slice = UnsafeBufferPointer(rebasing: text[start..<end])
        icu.segments(slice) { s, e, status in
            if status >= 100 && status < 500 { body(start + s, start + e) }
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
