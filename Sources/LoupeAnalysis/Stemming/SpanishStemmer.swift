/// The Snowball Spanish stemmer (the `spanish` algorithm of snowballstem.org).
///
/// Input is expected to be lowercased; unaccented input ("ninos") is stemmed by
/// the same rules, and no input causes a trap.
public struct SpanishStemmer: Stemmer {
    public init() {}

    public func stem(_ word: String) -> String {
        var w = SnowballWord(word)
        Self.stem(&w)
        return w.string
    }

    /// Stems `w` in place.
    static func stem(_ w: inout SnowballWord) {
        let regions = Self.markRegions(w)

        Self.attachedPronoun(&w, regions)
        if !Self.standardSuffix(&w, regions) && !Self.yVerbSuffix(&w, regions) {
            Self.verbSuffix(&w, regions)
        }
        Self.residualSuffix(&w, regions)
        w = Self.postlude(w)
    }

    // MARK: Letters and regions

    /// The vowels: a e i o u, with acute accents, and ü.
    @inline(__always)
    static func isVowel(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a", "e", "i", "o", "u", "á", "é", "í", "ó", "ú", "ü": return true
        default: return false
        }
    }

    struct Regions {
        let rv: Int
        let r1: Int
        let r2: Int
    }

    /// RV: if the second letter is a consonant, the region after the next
    /// vowel; if the first two letters are vowels, after the next consonant;
    /// otherwise (consonant-vowel) after the third letter.
    private static func markRegions(_ w: SnowballWord) -> Regions {
        let end = w.count
        var rv = end
        if end >= 2 {
            let secondIsVowel = isVowel(w[1])
            var index = 2
            if !secondIsVowel {
                while index < end && !isVowel(w[index]) { index += 1 }
                if index < end { rv = index + 1 }
            } else if isVowel(w[0]) {
                while index < end && isVowel(w[index]) { index += 1 }
                if index < end { rv = index + 1 }
            } else if end >= 3 {
                rv = 3
            }
        }
        let r1 = regionStart(of: w, from: 0, isVowel: isVowel)
        let r2 = regionStart(of: w, from: r1, isVowel: isVowel)
        return Regions(rv: rv, r1: r1, r2: r2)
    }

    /// Removes the acute accents left on vowels.
    private static func postlude(_ w: SnowballWord) -> SnowballWord {
        var view: [Unicode.Scalar] = []
        view.reserveCapacity(w.count)
        for c in w {
            switch c {
            case "á": view.append("a")
            case "é": view.append("e")
            case "í": view.append("i")
            case "ó": view.append("o")
            case "ú": view.append("u")
            default: view.append(c)
            }
        }
        return SnowballWord(scalars: view)
    }

    // MARK: Step 0: attached pronouns

    private static let pronounTable = SuffixTable<Bool>([
        "me": true, "se": true, "sela": true, "selo": true, "selas": true,
        "selos": true, "la": true, "le": true, "lo": true, "las": true,
        "les": true, "los": true, "nos": true,
    ])

    private enum PronounHost: Sendable {
        /// An accented form, replaced by its unaccented spelling.
        case unaccent(String)
        case keep
        case yendo
    }

    private static let pronounHostTable = SuffixTable<PronounHost>([
        "iéndo": .unaccent("iendo"), "ándo": .unaccent("ando"),
        "ár": .unaccent("ar"), "ér": .unaccent("er"), "ír": .unaccent("ir"),
        "ando": .keep, "iendo": .keep, "ar": .keep, "er": .keep, "ir": .keep,
        "yendo": .yendo,
    ])

    /// Removes a pronoun attached to a gerund or infinitive in RV:
    /// "cantándole" -> "cantando", "comérselo" -> "comer".
    private static func attachedPronoun(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (pronoun, _) = pronounTable.longestMatch(in: w),
              let (host, rule) = pronounHostTable.longestMatch(in: w, before: pronoun),
              host >= regions.rv
        else { return }
        switch rule {
        case .unaccent(let plain):
            w.replaceTail(from: host, with: plain)
        case .keep:
            w.truncate(to: pronoun)
        case .yendo:
            if w.scalar(at: host - 1) == "u" { w.truncate(to: pronoun) }
        }
    }

    // MARK: Step 1: standard suffixes

    private enum StandardRule: Sendable {
        case deleteInR2
        case deleteThenIc
        case logia
        case ucion
        case encia
        case amente
        case mente
        case idad
        case ivo
    }

    private static let standardTable = SuffixTable<StandardRule>([
        "anza": .deleteInR2, "anzas": .deleteInR2,
        "ico": .deleteInR2, "ica": .deleteInR2, "icos": .deleteInR2, "icas": .deleteInR2,
        "ismo": .deleteInR2, "ismos": .deleteInR2,
        "able": .deleteInR2, "ables": .deleteInR2,
        "ible": .deleteInR2, "ibles": .deleteInR2,
        "ista": .deleteInR2, "istas": .deleteInR2,
        "oso": .deleteInR2, "osa": .deleteInR2, "osos": .deleteInR2, "osas": .deleteInR2,
        "amiento": .deleteInR2, "amientos": .deleteInR2,
        "imiento": .deleteInR2, "imientos": .deleteInR2,
        "adora": .deleteThenIc, "ador": .deleteThenIc, "ación": .deleteThenIc,
        "adoras": .deleteThenIc, "adores": .deleteThenIc, "aciones": .deleteThenIc,
        "ante": .deleteThenIc, "antes": .deleteThenIc,
        "ancia": .deleteThenIc, "ancias": .deleteThenIc,
        "acion": .deleteThenIc,
        "logía": .logia, "logías": .logia,
        "ución": .ucion, "uciones": .ucion, "ucion": .ucion,
        "encia": .encia, "encias": .encia,
        "amente": .amente,
        "mente": .mente,
        "idad": .idad, "idades": .idad,
        "iva": .ivo, "ivo": .ivo, "ivas": .ivo, "ivos": .ivo,
    ])

    private static let afterAmenteTable = SuffixTable<Bool>([
        "iv": true, "os": false, "ic": false, "ad": false,
    ])

    private static let afterMenteTable = SuffixTable<Bool>([
        "ante": true, "able": true, "ible": true,
    ])

    private static let afterIdadTable = SuffixTable<Bool>([
        "abil": true, "ic": true, "iv": true,
    ])

    /// Deletes the suffix of `table` that ends the word, if it starts in R2.
    /// Returns whether one was deleted and, if so, its tag.
    private static func deleteInR2(
        _ w: inout SnowballWord, _ table: SuffixTable<Bool>, _ regions: Regions
    ) -> Bool? {
        guard let (start, tag) = table.longestMatch(in: w), start >= regions.r2 else {
            return nil
        }
        w.truncate(to: start)
        return tag
    }

    /// Deletes a final "at" or "ic" (`pair`) if it starts in R2.
    private static func deletePairInR2(
        _ w: inout SnowballWord, _ pair: String, _ regions: Regions
    ) {
        if w.hasSuffix(pair), w.count - 2 >= regions.r2 {
            w.truncate(to: w.count - 2)
        }
    }

    private static func standardSuffix(_ w: inout SnowballWord, _ regions: Regions) -> Bool {
        guard let (start, rule) = standardTable.longestMatch(in: w) else { return false }
        switch rule {
        case .deleteInR2:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
        case .deleteThenIc:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            deletePairInR2(&w, "ic", regions)
        case .logia:
            guard start >= regions.r2 else { return false }
            w.replaceTail(from: start, with: "log")
        case .ucion:
            guard start >= regions.r2 else { return false }
            w.replaceTail(from: start, with: "u")
        case .encia:
            guard start >= regions.r2 else { return false }
            w.replaceTail(from: start, with: "ente")
        case .amente:
            guard start >= regions.r1 else { return false }
            w.truncate(to: start)
            if deleteInR2(&w, afterAmenteTable, regions) == true {
                deletePairInR2(&w, "at", regions)
            }
        case .mente:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            _ = deleteInR2(&w, afterMenteTable, regions)
        case .idad:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            _ = deleteInR2(&w, afterIdadTable, regions)
        case .ivo:
            guard start >= regions.r2 else { return false }
            w.truncate(to: start)
            deletePairInR2(&w, "at", regions)
        }
        return true
    }

    // MARK: Step 2a: verb suffixes beginning with y

    private static let yVerbTable = SuffixTable<Bool>([
        "ya": true, "ye": true, "yan": true, "yen": true, "yeron": true,
        "yendo": true, "yo": true, "yó": true, "yas": true, "yes": true,
        "yais": true, "yamos": true,
    ])

    /// Removes a y- verb ending in RV that follows a u: "huyendo" -> "hu".
    private static func yVerbSuffix(_ w: inout SnowballWord, _ regions: Regions) -> Bool {
        guard let (start, _) = yVerbTable.longestMatch(
            in: w, before: w.count, floor: regions.rv),
            w.scalar(at: start - 1) == "u"
        else { return false }
        w.truncate(to: start)
        return true
    }

    // MARK: Step 2b: other verb suffixes

    private static let verbTable: SuffixTable<Bool> = {
        // true: the ending is also removed with a preceding "u" after "g".
        let afterGu = ["en", "es", "éis", "emos"]
        let plain = [
            "arían", "arías", "arán", "arás", "aríais", "aría", "aréis",
            "aríamos", "aremos", "ará", "aré",
            "erían", "erías", "erán", "erás", "eríais", "ería", "eréis",
            "eríamos", "eremos", "erá", "eré",
            "irían", "irías", "irán", "irás", "iríais", "iría", "iréis",
            "iríamos", "iremos", "irá", "iré",
            "aba", "ada", "ida", "ía", "ara", "iera", "ad", "ed", "id", "ase",
            "iese", "aste", "iste", "an", "aban", "ían", "aran", "ieran",
            "asen", "iesen", "aron", "ieron", "ado", "ido", "ando", "iendo",
            "ió", "ar", "er", "ir", "as", "abas", "adas", "idas", "ías", "aras",
            "ieras", "ases", "ieses", "ís", "áis", "abais", "íais", "arais",
            "ierais", "aseis", "ieseis", "asteis", "isteis", "ados", "idos",
            "amos", "ábamos", "íamos", "imos", "áramos", "iéramos", "iésemos",
            "ásemos",
        ]
        return SuffixTable(afterGu.map { ($0, true) } + plain.map { ($0, false) })
    }()

    private static func verbSuffix(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (start, afterGu) = verbTable.longestMatch(
            in: w, before: w.count, floor: regions.rv)
        else { return }
        if afterGu, w.hasSuffix("gu", before: start) {
            w.truncate(to: start - 1)
        } else {
            w.truncate(to: start)
        }
    }

    // MARK: Step 3: residual suffixes

    private enum ResidualRule: Sendable {
        case vowel, e
    }

    private static let residualTable = SuffixTable<ResidualRule>([
        "os": .vowel, "a": .vowel, "o": .vowel, "á": .vowel, "í": .vowel, "ó": .vowel,
        "e": .e, "é": .e,
    ])

    private static func residualSuffix(_ w: inout SnowballWord, _ regions: Regions) {
        guard let (start, rule) = residualTable.longestMatch(in: w), start >= regions.rv else {
            return
        }
        w.truncate(to: start)
        if rule == .e, w.hasSuffix("gu"), w.count - 1 >= regions.rv {
            // "averigüe" keeps its u, but "pague" -> "pag".
            w.truncate(to: w.count - 1)
        }
    }
}
