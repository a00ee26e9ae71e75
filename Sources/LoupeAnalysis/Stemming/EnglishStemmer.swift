/// The Snowball English stemmer ("Porter2", the `english` algorithm of
/// snowballstem.org), including its exceptional forms and apostrophe handling.
///
/// Input is expected to be lowercased; any other text is stemmed by the same
/// rules and never causes a trap.
public struct EnglishStemmer: Stemmer {
    public init() {}

    public func stem(_ word: String) -> String {
        var w = SnowballWord(word)
        Self.stem(&w)
        return w.string
    }

    /// Stems `w` in place.
    static func stem(_ w: inout SnowballWord) {
        if w.count <= 6, let exception = Self.exceptionalForm(of: w) {
            w = SnowballWord(exception)
            return
        }
        // Words of one or two letters are left as they are.
        guard w.count >= 3 else { return }

        let yFound = Self.prelude(&w)
        let regions = Self.markRegions(w)

        Self.step1a(&w)
        Self.step1b(&w, regions)
        Self.step1c(&w)
        Self.step2(&w, regions)
        Self.step3(&w, regions)
        Self.step4(&w, regions)
        Self.step5(&w, regions)

        if yFound {
            for index in w.indices where w[index] == "Y" { w[index] = "y" }
        }
    }

    // MARK: Letters

    /// The vowels: a e i o u y (an upper-case `Y` marks a consonant y).
    @inline(__always)
    static func isVowel(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a", "e", "i", "o", "u", "y": return true
        default: return false
        }
    }

    /// Vowels plus w, x and Y: letters that cannot end a short syllable.
    @inline(__always)
    static func isVowelWXY(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a", "e", "i", "o", "u", "y", "w", "x", "Y": return true
        default: return false
        }
    }

    /// Letters that may precede a removable -li.
    @inline(__always)
    static func isValidLI(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "c", "d", "e", "g", "h", "k", "m", "n", "r", "t": return true
        default: return false
        }
    }

    // MARK: Exceptions, prelude and regions

    /// Whole words with a fixed stem, checked before anything else.
    private static let exceptionalForms: [(word: String, stem: String)] = [
        ("skis", "ski"), ("skies", "sky"),
        ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"), ("early", "earli"),
        ("only", "onli"), ("singly", "singl"),
        ("sky", "sky"), ("news", "news"), ("howe", "howe"),
        ("atlas", "atlas"), ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"),
    ]

    private static func exceptionalForm(of w: SnowballWord) -> String? {
        for form in exceptionalForms where w.isExactly(form.word, upTo: w.count) {
            return form.stem
        }
        return nil
    }

    /// Removes one leading apostrophe and marks consonant uses of y as `Y`
    /// (an initial y, and a y that follows a vowel). Returns whether any `Y`
    /// was set.
    private static func prelude(_ w: inout SnowballWord) -> Bool {
        if w.first == "'" { w.removePrefix(1) }
        var found = false
        if w.first == "y" {
            w[0] = "Y"
            found = true
        }
        var index = 1
        while index < w.count {
            if w[index] == "y" && isVowel(w[index - 1]) {
                w[index] = "Y"
                found = true
            }
            index += 1
        }
        return found
    }

    struct Regions {
        let r1: Int
        let r2: Int
    }

    /// Prefixes after which R1 starts, instead of after the usual first
    /// vowel-consonant pair.
    private static let r1Prefixes = [
        "gener", "commun", "arsen", "past", "univers", "later", "emerg", "organ", "inter",
    ]

    private static func markRegions(_ w: SnowballWord) -> Regions {
        var r1: Int?
        for prefix in r1Prefixes where w.hasPrefix(prefix) {
            r1 = prefix.unicodeScalars.count
            break
        }
        let p1 = r1 ?? regionStart(of: w, from: 0, isVowel: isVowel)
        let p2 = regionStart(of: w, from: p1, isVowel: isVowel)
        return Regions(r1: p1, r2: p2)
    }

    /// Whether the word up to index `end` ends in a short syllable: a vowel
    /// between two non-vowels where the last is not w, x or Y; or a vowel then
    /// a non-vowel at the very start of the word; or "past".
    private static func endsWithShortSyllable(_ w: SnowballWord, before end: Int) -> Bool {
        guard end >= 2, end <= w.count else { return false }
        if end >= 3, !isVowelWXY(w[end - 1]), isVowel(w[end - 2]), !isVowel(w[end - 3]) {
            return true
        }
        if end == 2, !isVowel(w[1]), isVowel(w[0]) {
            return true
        }
        return w.hasSuffix("past", before: end)
    }

    // MARK: Step 1a: apostrophes and plurals

    private enum Step1aRule: Sendable {
        case sses, ies, s, keep
    }

    private static let step1aTable = SuffixTable<Step1aRule>([
        "sses": .sses, "ied": .ies, "ies": .ies, "s": .s, "us": .keep, "ss": .keep,
    ])

    private static func step1a(_ w: inout SnowballWord) {
        if w.hasSuffix("'s'") {
            w.truncate(to: w.count - 3)
        } else if w.hasSuffix("'s") {
            w.truncate(to: w.count - 2)
        } else if w.hasSuffix("'") {
            w.truncate(to: w.count - 1)
        }

        guard let (start, rule) = step1aTable.longestMatch(in: w) else { return }
        switch rule {
        case .sses:
            w.replaceTail(from: start, with: "ss")
        case .ies:
            // "ties" -> "tie", but "cries" -> "cri".
            w.replaceTail(from: start, with: start >= 2 ? "i" : "ie")
        case .s:
            // Delete the s if a vowel occurs before the letter preceding it:
            // "gaps" -> "gap", but "gas" and "this" stay.
            if start >= 2, w[0..<(start - 1)].contains(where: isVowel) {
                w.truncate(to: start)
            }
        case .keep:
            break
        }
    }

    // MARK: Step 1b: -eed, -ed, -ing and their -ly forms

    private enum Step1bRule: Sendable {
        case eed, ed, ing
    }

    private static let step1bTable = SuffixTable<Step1bRule>([
        "eed": .eed, "eedly": .eed,
        "ed": .ed, "edly": .ed, "ingly": .ed,
        "ing": .ing,
    ])

    private enum Step1bEnding: Sendable {
        case addE, undouble
    }

    private static let step1bEndings = SuffixTable<Step1bEnding>([
        "at": .addE, "bl": .addE, "iz": .addE,
        "bb": .undouble, "dd": .undouble, "ff": .undouble, "gg": .undouble,
        "mm": .undouble, "nn": .undouble, "pp": .undouble, "rr": .undouble,
        "tt": .undouble,
    ])

    private static func step1b(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (start, rule) = step1bTable.longestMatch(in: w) else { return }
        switch rule {
        case .eed:
            // proceed, exceed and succeed keep their ending.
            if start >= regions.r1,
               !(w.isExactly("proc", upTo: start)
                 || w.isExactly("exc", upTo: start)
                 || w.isExactly("succ", upTo: start))
            {
                w.replaceTail(from: start, with: "ee")
            }
            return
        case .ing:
            // dying -> die, lying -> lie, tying -> tie, vying -> vie.
            if start == 2, w[1] == "y", !isVowel(w[0]) {
                w.replaceTail(from: 1, with: "ie")
                return
            }
            // inning, outing, canning, herring, earring, evening are left alone.
            for word in ["inn", "out", "cann", "herr", "earr", "even"]
            where w.isExactly(word, upTo: start) {
                return
            }
        case .ed:
            break
        }

        // The ending is removed only if a vowel precedes it.
        guard w[0..<start].contains(where: isVowel) else { return }
        w.truncate(to: start)

        let end = w.count
        if let (_, ending) = step1bEndings.longestMatch(in: w) {
            switch ending {
            case .addE:
                w.append("e")
            case .undouble:
                // "add", "egg", "off" keep their double letter.
                if end == 3, let first = w.first, first == "a" || first == "e" || first == "o" {
                    return
                }
                w.dropLastScalar()
            }
        } else if end == regions.r1, endsWithShortSyllable(w, before: end) {
            w.append("e")
        }
    }

    // MARK: Step 1c: final y

    private static func step1c(_ w: inout SnowballWord) {
        let end = w.count
        guard end >= 3, w[end - 1] == "y" || w[end - 1] == "Y", !isVowel(w[end - 2]) else {
            return
        }
        w[end - 1] = "i"
    }

    // MARK: Step 2

    private enum Step2Rule: Sendable {
        case replace(String)
        case ogi
        case li
    }

    private static let step2Table = SuffixTable<Step2Rule>([
        "tional": .replace("tion"),
        "enci": .replace("ence"),
        "anci": .replace("ance"),
        "abli": .replace("able"),
        "entli": .replace("ent"),
        "izer": .replace("ize"), "ization": .replace("ize"),
        "ational": .replace("ate"), "ation": .replace("ate"), "ator": .replace("ate"),
        "alism": .replace("al"), "aliti": .replace("al"), "alli": .replace("al"),
        "fulness": .replace("ful"),
        "ousli": .replace("ous"), "ousness": .replace("ous"),
        "iveness": .replace("ive"), "iviti": .replace("ive"),
        "biliti": .replace("ble"), "bli": .replace("ble"),
        "ogist": .replace("og"),
        "ogi": .ogi,
        "fulli": .replace("ful"),
        "lessli": .replace("less"),
        "li": .li,
    ])

    private static func step2(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (start, rule) = step2Table.longestMatch(in: w), start >= regions.r1 else {
            return
        }
        switch rule {
        case .replace(let replacement):
            w.replaceTail(from: start, with: replacement)
        case .ogi:
            if w.scalar(at: start - 1) == "l" { w.replaceTail(from: start, with: "og") }
        case .li:
            if let previous = w.scalar(at: start - 1), isValidLI(previous) {
                w.truncate(to: start)
            }
        }
    }

    // MARK: Step 3

    private enum Step3Rule: Sendable {
        case replace(String)
        case delete
        case deleteInR2
    }

    private static let step3Table = SuffixTable<Step3Rule>([
        "tional": .replace("tion"),
        "ational": .replace("ate"),
        "alize": .replace("al"),
        "icate": .replace("ic"), "iciti": .replace("ic"), "ical": .replace("ic"),
        "ful": .delete, "ness": .delete,
        "ative": .deleteInR2,
    ])

    private static func step3(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (start, rule) = step3Table.longestMatch(in: w), start >= regions.r1 else {
            return
        }
        switch rule {
        case .replace(let replacement):
            w.replaceTail(from: start, with: replacement)
        case .delete:
            w.truncate(to: start)
        case .deleteInR2:
            if start >= regions.r2 { w.truncate(to: start) }
        }
    }

    // MARK: Step 4

    private enum Step4Rule: Sendable {
        case delete
        case ion
    }

    private static let step4Table = SuffixTable<Step4Rule>([
        "al": .delete, "ance": .delete, "ence": .delete, "er": .delete,
        "ic": .delete, "able": .delete, "ible": .delete, "ant": .delete,
        "ement": .delete, "ment": .delete, "ent": .delete, "ism": .delete,
        "ate": .delete, "iti": .delete, "ous": .delete, "ive": .delete,
        "ize": .delete,
        "ion": .ion,
    ])

    private static func step4(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (start, rule) = step4Table.longestMatch(in: w), start >= regions.r2 else {
            return
        }
        switch rule {
        case .delete:
            w.truncate(to: start)
        case .ion:
            if let previous = w.scalar(at: start - 1), previous == "s" || previous == "t" {
                w.truncate(to: start)
            }
        }
    }

    // MARK: Step 5: final e and ll

    private static func step5(_ w: inout SnowballWord, _ regions: Regions) {
        guard let last = w.last else { return }
        let start = w.count - 1
        if last == "e" {
            if start >= regions.r2
                || (start >= regions.r1 && !endsWithShortSyllable(w, before: start))
            {
                w.truncate(to: start)
            }
        } else if last == "l" {
            if start >= regions.r2, w.scalar(at: start - 1) == "l" {
                w.truncate(to: start)
            }
        }
    }
}
