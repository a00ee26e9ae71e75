/// The Snowball French stemmer (the `french` algorithm of snowballstem.org, in
/// its current revision with elision removal and the -aise/-ais verb rules).
///
/// Input is expected to be lowercased; unaccented input ("ecoles") is stemmed
/// by the same rules, and no input causes a trap.
public struct FrenchStemmer: Stemmer {
    public init() {}

    public func stem(_ word: String) -> String {
        var w = SnowballWord(word)
        Self.stem(&w)
        return w.string
    }

    /// Stems `w` in place.
    static func stem(_ w: inout SnowballWord) {
        Self.removeElision(&w)
        Self.prelude(&w)
        let regions = Self.markRegions(w)

        if Self.standardSuffix(&w, regions)
            || Self.iVerbSuffix(&w, regions)
            || Self.verbSuffix(&w, regions)
        {
            if w.last == "Y" {
                w[w.count - 1] = "i"
            } else if w.last == "ç" {
                w[w.count - 1] = "c"
            }
        } else {
            Self.residualSuffix(&w, regions)
        }
        Self.unDouble(&w)
        Self.unAccent(&w)
        w = Self.postlude(w)
    }

    /// A final "ic": deleted when in R2, otherwise replaced by "iqU" (Snowball's `ic` rule).
    private static func removeOrMarkIc(_ w: inout SnowballWord, _ regions: Regions) {
        guard w.hasSuffix("ic") else { return }
        let icStart = w.count - 2
        if icStart >= regions.r2 {
            w.truncate(to: icStart)
        } else {
            w.replaceTail(from: icStart, with: "iqU")
        }
    }

    // MARK: Letters

    /// The vowels: a e i o u y and their accented forms.
    @inline(__always)
    static func isVowel(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a", "e", "i", "o", "u", "y",
             "â", "à", "ë", "é", "ê", "è", "ï", "î", "ô", "û", "ù":
            return true
        default:
            return false
        }
    }

    // MARK: Elision, prelude and regions

    /// Removes a leading elided article or pronoun: c' d' j' l' m' n' s' t'
    /// and qu', when something follows it ("l'homme" -> "homme").
    private static func removeElision(_ w: inout SnowballWord) {
        var apostrophe: Int?
        if let first = w.first {
            switch first {
            case "c", "d", "j", "l", "m", "n", "s", "t":
                apostrophe = 1
            case "q" where w.scalar(at: 1) == "u":
                apostrophe = 2
            default:
                break
            }
        }
        guard let index = apostrophe, w.scalar(at: index) == "'", index + 1 < w.count else {
            return
        }
        w.removePrefix(index + 1)
    }

    /// Marks letters that are not to be treated as vowels by upper-casing
    /// them: u or i between vowels, y next to a vowel, u after q. ë and ï
    /// become He and Hi so that their diaeresis survives the suffix steps.
    ///
    /// The rules are tried at each position from left to right, and again at
    /// the same position after one applies, as in the reference. The word is
    /// held as a stack (next letter on top) so that the two-letter
    /// replacements cost no shifting.
    private static func prelude(_ w: inout SnowballWord) {
        var pending = Array(w.reversed())
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(w.count + 2)
        while let current = pending.last {
            let top = pending.count - 1
            let next = top >= 1 ? pending[top - 1] : nil
            let afterNext = top >= 2 ? pending[top - 2] : nil
            if isVowel(current), let next {
                if next == "u", let afterNext, isVowel(afterNext) {
                    pending[top - 1] = "U"
                    continue
                }
                if next == "i", let afterNext, isVowel(afterNext) {
                    pending[top - 1] = "I"
                    continue
                }
                if next == "y" {
                    pending[top - 1] = "Y"
                    continue
                }
            }
            if current == "ë" || current == "ï" {
                pending[top] = current == "ë" ? "e" : "i"
                pending.append("H")
                continue
            }
            if current == "y", let next, isVowel(next) {
                pending[top] = "Y"
                continue
            }
            if current == "q", next == "u" {
                pending[top - 1] = "U"
                continue
            }
            output.append(current)
            pending.removeLast()
        }
        w = SnowballWord(scalars: output)
    }

    struct Regions {
        let rv: Int
        let r1: Int
        let r2: Int
    }

    private static func markRegions(_ w: SnowballWord) -> Regions {
        let end = w.count
        var rv = end
        if end >= 3, isVowel(w[0]), isVowel(w[1]) {
            rv = 3
        } else if end >= 3, w.hasPrefix("par") || w.hasPrefix("col") || w.hasPrefix("tap") {
            rv = 3
        } else if end >= 3, w.hasPrefix("ni"), isVowel(w[2]) {
            rv = 3
        } else if end >= 1 {
            // After the first vowel that is not the first letter.
            var index = 1
            while index < end && !isVowel(w[index]) { index += 1 }
            if index < end { rv = index + 1 }
        }
        let r1 = regionStart(of: w, from: 0, isVowel: isVowel)
        let r2 = regionStart(of: w, from: r1, isVowel: isVowel)
        return Regions(rv: rv, r1: r1, r2: r2)
    }

    private static func postlude(_ w: SnowballWord) -> SnowballWord {
        var view: [Unicode.Scalar] = []
        view.reserveCapacity(w.count)
        var index = 0
        while index < w.count {
            let c = w[index]
            switch c {
            case "I": view.append("i")
            case "U": view.append("u")
            case "Y": view.append("y")
            case "H":
                let next = w.scalar(at: index + 1)
                if next == "e" {
                    view.append("ë")
                    index += 1
                } else if next == "i" {
                    view.append("ï")
                    index += 1
                }
            // A lone H (its vowel was removed) is dropped.
            default: view.append(c)
            }
            index += 1
        }
        return SnowballWord(scalars: view)
    }

    // MARK: Step 1: standard suffixes

    private enum StandardRule: Sendable {
        case deleteInR2
        case ation
        case logie
        case usion
        case ence
        case ement
        case ite
        case ive
        case eaux
        case aux
        case oux
        case euse
        case issement
        case amment
        case emment
        case ment
    }

    private static let standardTable = SuffixTable<StandardRule>([
        "ance": .deleteInR2, "iqUe": .deleteInR2, "isme": .deleteInR2,
        "able": .deleteInR2, "iste": .deleteInR2, "eux": .deleteInR2,
        "ances": .deleteInR2, "iqUes": .deleteInR2, "ismes": .deleteInR2,
        "ables": .deleteInR2, "istes": .deleteInR2,
        "atrice": .ation, "ateur": .ation, "ation": .ation,
        "atrices": .ation, "ateurs": .ation, "ations": .ation,
        "logie": .logie, "logies": .logie,
        "usion": .usion, "ution": .usion, "usions": .usion, "utions": .usion,
        "ence": .ence, "ences": .ence,
        "ement": .ement, "ements": .ement,
        "ité": .ite, "ités": .ite,
        "if": .ive, "ive": .ive, "ifs": .ive, "ives": .ive,
        "eaux": .eaux,
        "aux": .aux,
        "oux": .oux,
        "euse": .euse, "euses": .euse,
        "issement": .issement, "issements": .issement,
        "amment": .amment,
        "emment": .emment,
        "ment": .ment, "ments": .ment,
    ])

    private enum AfterEmentRule: Sendable {
        case iv, eus, deleteInR2, ier
    }

    private static let afterEmentTable = SuffixTable<AfterEmentRule>([
        "iv": .iv, "eus": .eus, "abl": .deleteInR2, "iqU": .deleteInR2,
        "ièr": .ier, "Ièr": .ier,
    ])

    private enum AfterIteRule: Sendable {
        case abil, ic, iv
    }

    private static let afterIteTable = SuffixTable<AfterIteRule>([
        "abil": .abil, "ic": .ic, "iv": .iv,
    ])

    /// Returns whether a suffix was removed or replaced in a way that ends the
    /// step. The -amment, -emment and -ment rules change the word but return
    /// false, so that the verb suffix steps still run.
    private static func standardSuffix(_ w: inout SnowballWord, _ regions: Regions) -> Bool {
        guard let (start, rule) = standardTable.longestMatch(in: w) else { return false }
        switch rule {
        case .deleteInR2:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)

        case .ation:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            Self.removeOrMarkIc(&w, regions)

        case .logie:
            guard start >= regions.r2 else { return false }
            w.replaceTail(from: start, with: "log")

        case .usion:
            guard start >= regions.r2 else { return false }
            w.replaceTail(from: start, with: "u")

        case .ence:
            guard start >= regions.r2 else { return false }
            w.replaceTail(from: start, with: "ent")

        case .ement:
            guard start >= regions.rv else { return false }
            w.truncate(to: start)
            guard let (inner, innerRule) = afterEmentTable.longestMatch(in: w) else { break }
            switch innerRule {
            case .iv:
                guard inner >= regions.r2 else { break }
                w.truncate(to: inner)
                if w.hasSuffix("at"), w.count - 2 >= regions.r2 {
                    w.truncate(to: w.count - 2)
                }
            case .eus:
                if inner >= regions.r2 {
                    w.truncate(to: inner)
                } else if inner >= regions.r1 {
                    w.replaceTail(from: inner, with: "eux")
                }
            case .deleteInR2:
                if inner >= regions.r2 { w.truncate(to: inner) }
            case .ier:
                if inner >= regions.rv { w.replaceTail(from: inner, with: "i") }
            }

        case .ite:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            guard let (inner, innerRule) = afterIteTable.longestMatch(in: w) else { break }
            switch innerRule {
            case .abil:
                if inner >= regions.r2 {
                    w.truncate(to: inner)
                } else {
                    w.replaceTail(from: inner, with: "abl")
                }
            case .ic:
                if inner >= regions.r2 {
                    w.truncate(to: inner)
                } else {
                    w.replaceTail(from: inner, with: "iqU")
                }
            case .iv:
                if inner >= regions.r2 { w.truncate(to: inner) }
            }

        case .ive:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            if w.hasSuffix("at"), w.count - 2 >= regions.r2 {
                w.truncate(to: w.count - 2)
                Self.removeOrMarkIc(&w, regions)
            }

        case .eaux:
            w.replaceTail(from: start, with: "eau")

        case .aux:
            guard start >= regions.r1 else { return false }
            w.replaceTail(from: start, with: "al")

        case .oux:
            guard let previous = w.scalar(at: start - 1),
                  ["b", "h", "j", "l", "n", "p"].contains(previous)
            else { return false }
            w.replaceTail(from: start, with: "ou")

        case .euse:
            if start >= regions.r2 {
                w.truncate(to: start)
            } else if start >= regions.r1 {
                w.replaceTail(from: start, with: "eux")
            } else {
                return false
            }

        case .issement:
            guard start >= regions.r1, let previous = w.scalar(at: start - 1),
                  !isVowel(previous)
            else { return false }
            w.truncate(to: start)

        case .amment:
            if start >= regions.rv { w.replaceTail(from: start, with: "ant") }
            return false

        case .emment:
            if start >= regions.rv { w.replaceTail(from: start, with: "ent") }
            return false

        case .ment:
            // Only after a vowel in RV: "vraiment", "absolument".
            if let previous = w.scalar(at: start - 1), isVowel(previous),
               start - 1 >= regions.rv
            {
                w.truncate(to: start)
            }
            return false
        }
        return true
    }

    // MARK: Step 2a: verb suffixes beginning with i

    private static let iVerbTable = SuffixTable<Bool>([
        "îmes": true, "ît": true, "îtes": true, "i": true, "ie": true, "ies": true,
        "ir": true, "ira": true, "irai": true, "iraIent": true, "irais": true,
        "irait": true, "iras": true, "irent": true, "irez": true, "iriez": true,
        "irions": true, "irons": true, "iront": true, "is": true,
        "issaIent": true, "issais": true, "issait": true, "issant": true,
        "issante": true, "issantes": true, "issants": true, "isse": true,
        "issent": true, "isses": true, "issez": true, "issiez": true,
        "issions": true, "issons": true, "it": true,
    ])

    /// Removes an -ir verb ending in RV when a non-vowel (other than the H of
    /// a diaeresis) precedes it, also in RV.
    private static func iVerbSuffix(_ w: inout SnowballWord, _ regions: Regions) -> Bool {
        guard let (start, _) = iVerbTable.longestMatch(
            in: w, before: w.count, floor: regions.rv)
        else { return false }
        guard start - 1 >= regions.rv, let previous = w.scalar(at: start - 1),
              previous != "H", !isVowel(previous)
        else { return false }
        w.truncate(to: start)
        return true
    }

    // MARK: Step 2b: other verb suffixes

    private enum VerbRule: Sendable {
        case ions, delete, deleteWithE, ais
    }

    private static let verbTable = SuffixTable<VerbRule>([
        "ions": .ions,
        "é": .delete, "ée": .delete, "ées": .delete, "és": .delete,
        "èrent": .delete, "er": .delete, "era": .delete, "erai": .delete,
        "eraIent": .delete, "erais": .delete, "erait": .delete, "eras": .delete,
        "erez": .delete, "eriez": .delete, "erions": .delete, "erons": .delete,
        "eront": .delete, "ez": .delete, "iez": .delete, "eais": .delete,
        "âmes": .deleteWithE, "ât": .deleteWithE, "âtes": .deleteWithE,
        "a": .deleteWithE, "ai": .deleteWithE, "aIent": .deleteWithE,
        "ait": .deleteWithE, "ant": .deleteWithE, "ante": .deleteWithE,
        "antes": .deleteWithE, "ants": .deleteWithE, "as": .deleteWithE,
        "asse": .deleteWithE, "assent": .deleteWithE, "asses": .deleteWithE,
        "assiez": .deleteWithE, "assions": .deleteWithE,
        "ais": .ais, "aise": .ais, "aises": .ais,
    ])

    private static func verbSuffix(_ w: inout SnowballWord, _ regions: Regions) -> Bool {
        guard let (start, rule) = verbTable.longestMatch(
            in: w, before: w.count, floor: regions.rv)
        else { return false }
        switch rule {
        case .ions:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
        case .delete:
            w.truncate(to: start)
        case .deleteWithE:
            // A preceding e goes too when it is in RV: "mangeait" -> "mang".
            if w.scalar(at: start - 1) == "e", start - 1 >= regions.rv {
                w.truncate(to: start - 1)
            } else {
                w.truncate(to: start)
            }
        case .ais:
            // Kept after "?al" (a whole word like "malais"), "épl" and "auv"
            // ("déplaise", "mauvais").
            if (start == 3 && w.hasSuffix("al", before: start))
                || w.hasSuffix("épl", before: start)
                || w.hasSuffix("auv", before: start)
            {
                return false
            }
            w.truncate(to: start)
        }
        return true
    }

    // MARK: Step 4: residual suffixes

    private enum ResidualRule: Sendable {
        case ion, ier, e
    }

    private static let residualTable = SuffixTable<ResidualRule>([
        "ion": .ion, "ier": .ier, "ière": .ier, "Ier": .ier, "Ière": .ier, "e": .e,
    ])

    private static func residualSuffix(_ w: inout SnowballWord, _ regions: Regions) {
        // A final s goes unless it follows a, i, o, u, è or s (but it does go
        // after the ï of "Hi").
        if w.last == "s" {
            let sIndex = w.count - 1
            let afterDiaeresis = w.hasSuffix("Hi", before: sIndex)
            if afterDiaeresis || isRemovableBeforeS(w.scalar(at: sIndex - 1)) {
                w.truncate(to: sIndex)
            }
        }
        guard let (start, rule) = residualTable.longestMatch(
            in: w, before: w.count, floor: regions.rv)
        else { return }
        switch rule {
        case .ion:
            if start >= regions.r2, start - 1 >= regions.rv,
               let previous = w.scalar(at: start - 1), previous == "s" || previous == "t"
            {
                w.truncate(to: start)
            }
        case .ier:
            w.replaceTail(from: start, with: "i")
        case .e:
            w.truncate(to: start)
        }
    }

    @inline(__always)
    private static func isRemovableBeforeS(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        switch c {
        case "a", "i", "o", "u", "è", "s": return false
        default: return true
        }
    }

    // MARK: Step 5 and 6: double consonants and final accents

    private static func unDouble(_ w: inout SnowballWord) {
        if w.hasSuffix("enn") || w.hasSuffix("onn") || w.hasSuffix("ett")
            || w.hasSuffix("ell") || w.hasSuffix("eill")
        {
            w.dropLastScalar()
        }
    }

    /// Replaces é or è by e when it is followed only by non-vowels, at least
    /// one: "modèl" -> "model".
    private static func unAccent(_ w: inout SnowballWord) {
        var index = w.count
        while index > 0 && !isVowel(w[index - 1]) { index -= 1 }
        guard index < w.count, index > 0 else { return }
        if w[index - 1] == "é" || w[index - 1] == "è" {
            w[index - 1] = "e"
        }
    }
}
