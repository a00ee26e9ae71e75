/// Apostrophe rules, applied to an already folded term (apostrophes are ASCII `'` by then).
///
/// 1. A French elision (`l'`, `d'`, `j'`, `m'`, `n'`, `s'`, `t'`, `c'`, `qu'`, `jusqu'`, `lorsqu'`,
///    `puisqu'`, `quoiqu'`) is removed when a vowel or `h` follows, as French elides only there:
///    `l'armee` → `armee`, `d'afrique` → `afrique`, but `n'djamena` keeps its letters.
/// 2. The English possessive `'s` is removed: `macron's` → `macron`.
/// 3. Any apostrophe left is dropped, so names match however they are typed: `o'brien` → `obrien`,
///    `n'djamena` → `ndjamena`.
enum Apostrophes {
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
            let vowelOrH = accentedVowel || next == 0x61 || next == 0x65 || next == 0x69 || next == 0x6F || next == 0x75 || next == 0x79 || next == 0x68
            if vowelOrH, elisions.contains(where: { $0.elementsEqual(prefix) }) {
                term.removeSubrange(0...index)
            }
        }
        if term.count >= 2, term[term.count - 2] == apostrophe, term[term.count - 1] == 0x73 {
            term.removeLast(2)
        }
        term.removeAll(where: { $0 == apostrophe })
    }

    /// Whether `0xC3 second` is a lower-case Latin-1 vowel with an accent (à–å, è–ë, ì–ï, ò–ö, ù–ü, ý, ÿ).
    private static func isLatin1Vowel(_ second: UInt8) -> Bool {
        switch second {
        case 0xA0...0xA5, 0xA8...0xAF, 0xB2...0xB6, 0xB9...0xBD, 0xBF: return true
        default: return false
        }
    }
}
