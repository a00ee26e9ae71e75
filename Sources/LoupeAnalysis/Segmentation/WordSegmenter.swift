/// Finds the words (letters and numbers) of UTF-8 text with ICU's UAX #29 word break rules.
///
/// Runs of pure ASCII text between ASCII white space skip ICU: a small state machine that
/// implements the same rules as ICU 72's word iterator restricted to ASCII gives the same
/// word boundaries there (checked against ICU by `WordSegmenterTests`). Everything else —
/// any piece containing a byte ≥ 0x80 — goes through ICU.
public final class WordSegmenter {
    private let icu: ICUWordBreaker
    /// `asciiClass`, copied so the hot loops read it without a global's lazy-initialization check.
    private let classes: UnsafeMutablePointer<UInt8>

    public init() throws {
        icu = try ICUWordBreaker()
        classes = .allocate(capacity: 256)
        for i in 0..<256 { classes[i] = asciiClass[i] }
    }

    deinit { classes.deallocate() }

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
            var hasNonASCII = false
            while i < count {
                let byte = text[i]
                if byte >= 0x80 { hasNonASCII = true } else if classes[Int(byte)] == space { break }
                i += 1
            }
            if hasNonASCII {
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

    /// UAX #29 as ICU 72 applies it to ASCII: letters (ICU counts `@` as one), digits and the
    /// ExtendNumLet `_` join freely; `.` and `'` join two letters or two digits; `,` and `;` join
    /// two digits; everything else breaks. Tokens made only of `_` are not words.
    private func asciiWords(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ body: (Int, Int) -> Void) {
        let letter = CharClass.letter.rawValue, digit = CharClass.digit.rawValue, extend = CharClass.extendNumLet.rawValue
        let midNumLet = CharClass.midNumLet.rawValue, midNum = CharClass.midNum.rawValue
        let asciiClass = self.classes
        var i = start
        while i < end {
            var cls = asciiClass[Int(text[i])]
            guard cls == letter || cls == digit || cls == extend else { i += 1; continue }
            let tokenStart = i
            var hasAlnum = cls != extend
            while i + 1 < end {
                let next = asciiClass[Int(text[i + 1])]
                if next == letter || next == digit || next == extend {
                    i += 1
                    cls = next
                    if next != extend { hasAlnum = true }
                    continue
                }
                guard i + 2 < end, next == midNumLet || next == midNum else { break }
                let after = asciiClass[Int(text[i + 2])]
                if (next == midNumLet && cls == letter && after == letter) || (cls == digit && after == digit) {
                    i += 2
                    cls = after
                    continue
                }
                break
            }
            i += 1
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
