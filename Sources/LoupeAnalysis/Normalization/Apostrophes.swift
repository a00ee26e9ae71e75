/// Apostrophe rules, applied to an already folded term (apostrophes are ASCII `'` by then).
///
/// 1. A French elision (`l'`, `d'`, `j'`, `m'`, `n'`, `s'`, `t'`, `c'`, `qu'`, `jusqu'`, `lorsqu'`,
///    `puisqu'`, `quoiqu'`) is removed when a vowel or `h` follows, as French elides only there:
///    `l'armee` → `armee`, `d'afrique` → `afrique`, but `n'djamena` keeps its letters.
/// 2. The English possessive `'s` is removed: `macron's` → `macron`.
/// 3. Any apostrophe left is dropped, so names match however they are typed: `o'brien` → `obrien`,
///    `n'djamena` → `ndjamena`.
public enum Apostrophes {
    static let elisions: [[UInt8]] = ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"].map { Array($0.utf8) }

    /// With `accentedVowels`, the term may still hold accents (`l'école`): a non-ASCII letter after
    /// the apostrophe counts as a vowel when it is one of Latin-1's accented vowels.
    static func apply(to term: inout [UInt8], accentedVowels: Bool = false) {
        let apostrophe: UInt8 = 0x27
        guard term.contains(apostrophe) else { return }
        if let index = term.firstIndex(of: apostrophe), index + 1 < term.count {
            let prefix = term[0..<index]
            let next = term[index + 1]
            let accentedVowel = accentedVowels && next == 0xC3 && index + 2 < term.count && isLatin1Vowel(term[index + 2])
            let vowelOrH = accentedVowel || isVowelOrH(next)
            if vowelOrH, elisions.contains(where: { $0.elementsEqual(prefix) }) {
                term.removeSubrange(0...index)
            }
        }
        if term.count >= 2, term[term.count - 2] == apostrophe, term[term.count - 1] == 0x73 {
            term.removeLast(2)
        }
        term.removeAll(where: { $0 == apostrophe })
    }

    /// The part of a raw word (as it is written in a document, `[start, end)` of `text`) that its
    /// term stands for, for highlighting: without a French elision before it (`l’armée` → `armée`,
    /// `Qu'il`… with `'`, `’` or `ʼ`) and without an English possessive after it (`Macron's` →
    /// `Macron`), by the same rules as `apply`; the whole word otherwise.
    public static func visibleSpan(in text: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Range<Int> {
        // The apostrophe at byte i, and its length in bytes (0 when there is none).
        func apostrophe(at i: Int) -> Int {
            guard i < end else { return 0 }
            if text[i] == 0x27 { return 1 }
            if i + 2 < end, text[i] == 0xE2, text[i + 1] == 0x80, text[i + 2] == 0x99 { return 3 }  // ’
            if i + 1 < end, text[i] == 0xCA, text[i + 1] == 0xBC { return 2 }  // ʼ
            return 0
        }
        var from = start, to = end
        var i = start
        while i < end && i - start < 7 && text[i] < 0x80 && (text[i] | 0x20) >= 0x61 && (text[i] | 0x20) <= 0x7A { i += 1 }
        let length = apostrophe(at: i)
        if i > start, length > 0, i + length < end {
            let prefix = (start..<i).map { text[$0] | 0x20 }
            let next = text[i + length] | 0x20
            let vowelOrH = text[i + length] >= 0xC3 || isVowelOrH(next)
            if vowelOrH, elisions.contains(where: { $0.elementsEqual(prefix) }) { from = i + length }
        }
        for length in [1, 2, 3] where to - length - 1 > from && apostrophe(at: to - length - 1) == length && (text[to - 1] | 0x20) == 0x73 {
            to -= length + 1
            break
        }
        return from..<to
    }

    /// Whether a lower-case ASCII letter is one French elides before: a vowel (y included) or `h`.
    private static func isVowelOrH(_ b: UInt8) -> Bool {
        b == 0x61 || b == 0x65 || b == 0x69 || b == 0x6F || b == 0x75 || b == 0x79 || b == 0x68
    }

    /// Whether `0xC3 second` is a lower-case Latin-1 vowel with an accent (à–å, è–ë, ì–ï, ò–ö, ù–ü, ý, ÿ).
    private static func isLatin1Vowel(_ second: UInt8) -> Bool {
        switch second {
        case 0xA0...0xA5, 0xA8...0xAF, 0xB2...0xB6, 0xB9...0xBD, 0xBF: return true
        default: return false
        }
    }
}
