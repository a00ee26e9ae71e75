import Testing
import LoupeTestSupport
@testable import LoupeAnalysis

@Suite struct AnalyzerTests {
    let analyzer: Analyzer

    init() throws { analyzer = try Analyzer() }

    func terms(_ text: String, _ language: Language? = nil) -> [String] {
        analyzer.tokens(text, language: language).map(\.term)
    }

    @Test(arguments: [
        ("México", ["mexico"]),
        ("NIGÉRIEN", ["nigerien"]),
        ("l’armée", ["armee"]),
        ("l'armée", ["armee"]),
        ("d'Afrique", ["afrique"]),
        ("¿Qué?", ["que"]),
        ("Straße", ["strasse"]),
        ("Hauptstraße", ["hauptstrasse"]),
        ("ﬁnal", ["final"]),
        ("Ｍａｌｉ", ["mali"]),
        ("Œuvre", ["oeuvre"]),
        ("cœur", ["coeur"]),
        ("Ærø", ["aero"]),
        ("Emmanuel Macron", ["emmanuel", "macron"]),
        ("at 13:00 in 2022", ["at", "13", "00", "in", "2022"]),
        ("O'Brien O’Brien", ["obrien", "obrien"]),
        ("Côte d’Ivoire", ["cote", "ivoire"]),
        ("N'Djamena N’Djamena", ["ndjamena", "ndjamena"]),
        ("Peña Gómez", ["pena", "gomez"]),
        ("Macron's junta’s", ["macron", "junta"]),
        ("qu'il jusqu’à lorsqu'on", ["il", "a", "on"]),
        ("c'est aujourd'hui", ["est", "aujourdhui"]),
        ("２０２２年", ["2022", "年"]),
        ("— « ! » ...", []),
        // Dotted acronyms lose their dots, whatever their case and accents; numbers, versions,
        // domain names and abbreviations of longer parts keep theirs.
        ("L'O.N.U. et l'ONU", ["onu", "et", "onu"]),
        ("U.S.A. USA u.s.a", ["usa", "usa", "usa"]),
        ("E.U. É.-U.", ["eu", "e", "u"]),
        ("Ｏ.Ｎ.Ｕ.", ["onu"]),
        ("3.14 13.00 v1.2.3 example.com p.ex. A.4", ["3.14", "13.00", "v1.2.3", "example.com", "p.ex", "a", "4"]),
    ])
    func foldsAndSegmentsLikeAReaderExpects(_ input: String, _ expected: [String]) {
        #expect(terms(input) == expected)
    }

    @Test func tokensKeepPositionsAndByteRanges() {
        let text = "Le Mali, l’armée et México."
        let tokens = analyzer.tokens(text)
        #expect(tokens.map(\.position) == Array(0..<tokens.count))
        let bytes = Array(text.utf8)
        let originals = tokens.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
        #expect(originals == ["Le", "Mali", "l’armée", "et", "México"])
        #expect(tokens.map(\.term) == ["le", "mali", "armee", "et", "mexico"])
    }

    @Test func numbersAreKeptAsTokens() {
        #expect(terms("CUENTA: 26-02292515-1, 3.14 and 1,000") == ["cuenta", "26", "02292515", "1", "3.14", "and", "1,000"])
    }

    @Test func dottedAcronymsMatchTheirUndottedForms() throws {
        let french = try Analyzer()
        for (dotted, plain) in [("O.N.U.", "ONU"), ("U.S.A.", "USA"), ("E.U.", "EU"), ("é.u.", "EU")] {
            for language in [Language.english, .french, .spanish, .other] {
                #expect(french.tokens(dotted, language: language).map(\.term) == french.tokens(plain, language: language).map(\.term),
                        "\(dotted) vs \(plain) in \(language)")
            }
        }
    }

    @Test func elisionOnlyBeforeAVowelOrH() {
        #expect(terms("l'homme d'hier n'importe") == ["homme", "hier", "importe"])
        #expect(terms("N'Djamena") == ["ndjamena"])
    }

    @Test func namesAreNotStemmedButOtherWordsAre() throws {
        // "Paris" mid-sentence is a name; "paris" (bets) is a common word.
        let tokens = analyzer.tokens("Les soldats arrivent à Paris. Les paris sont ouverts.", language: .french)
        let byWord = Dictionary(tokens.map { ($0.position, $0.term) }, uniquingKeysWith: { a, _ in a })
        #expect(byWord[1] == FrenchStemmer().stem("soldats"))
        #expect(byWord[4] == "paris")
        #expect(byWord[6] == FrenchStemmer().stem("paris"))
    }

    @Test func sentenceInitialCapitalIsNotAName() {
        let words = analyzer.tokens("Soldiers left. Troops arrived in Gao.", language: .english).map(\.term)
        #expect(words.first == EnglishStemmer().stem("soldiers"))
        #expect(words.contains("gao"))
    }

    @Test func tooLongWordsAreDropped() {
        let long = String(repeating: "a", count: TermNormalizer.maxWordBytes + 1)
        #expect(terms("short \(long) word") == ["short", "word"])
    }
}

@Suite struct LanguageDetectorTests {
    let detector = LanguageDetector()

    @Test(arguments: [
        ("The French troops left the country and the junta turned to Russia for help with the war.", Language.english),
        ("Les soldats français ont quitté le pays et la junte s'est tournée vers la Russie pour la guerre.", .french),
        ("Los soldados franceses dejaron el país y la junta se volvió hacia Rusia para la guerra del norte.", .spanish),
        ("Die Soldaten haben das Land verlassen und die Regierung wandte sich an Russland.", .other),
        ("12 34 56", .other),
        // Short texts: two votes suffice, and distinctive letters vote.
        ("El niño y la niña están con sus padres.", .spanish),
        ("Où est la gare ? À côté de l'église.", .french),
        // Single-letter options must not look like French elisions.
        ("-l -n -s -d -t -m -c -j", .other),
    ])
    func detectsTheLanguageFromFunctionWords(_ text: String, _ expected: Language) {
        #expect(detector.detect(text) == expected)
    }

    /// Proverbs too short for function words to decide go by their character trigrams; text in
    /// other languages stays `other` (a short German sentence of English-looking trigrams can
    /// still pass for English: "Der Hund bellt laut im Garten" does).
    @Test(arguments: [
        ("A cualquier trapo con tirilla, le llaman camisa.", Language.spanish),
        ("Hombre difamado, peor que ahorcado.", .spanish),
        ("A chico caudal, mala ganancia.", .spanish),
        ("Inasequible al desaliento.", .spanish),
        ("Mieux vaut tard que jamais, disait mon grand-père.", .french),
        ("Better late than never, my grandfather always said.", .english),
        ("Ich habe keine Zeit für dich heute Abend.", .other),
        ("Il gatto dorme sulla sedia vicino alla finestra.", .other),
        ("Katten sover på stolen vid fönstret hela dagen.", .other),
        ("Кошка спит на стуле у окна.", .other),
        ("a b c", .other),
    ])
    func shortTextsGoByTheirTrigrams(_ text: String, _ expected: Language) {
        #expect(detector.detect(text) == expected)
    }

}

/// The name rule over a String, as first written: `Analyzer.slowIsCapitalized`, which reads the
/// bytes, must agree with it on every word (the fast path in front of it decides some ASCII words
/// on its own, e.g. a leading digit is never a name).
private func referenceIsCapitalized(_ word: String) -> Bool {
    var scalars = word.unicodeScalars[...]
    if let apostrophe = scalars.firstIndex(where: { $0 == "'" || $0 == "\u{2019}" }) {
        let prefix = scalars[scalars.startIndex..<apostrophe]
        if prefix.count <= 6, prefix.allSatisfy({ $0.properties.isLowercase }) {
            scalars = scalars[scalars.index(after: apostrophe)...]
        }
    }
    guard let first = scalars.first(where: { $0.properties.isAlphabetic }), first.properties.isUppercase else { return false }
    return scalars.dropFirst().contains { $0.properties.isLowercase }
}

extension AnalyzerTests {
    @Test func nameRuleOnBytesMatchesTheRuleOnScalars() {
        // ASCII, Latin-1 (letters, ª º µ, × ÷), Latin Extended, a title-case letter, Greek, Cyrillic,
        // CJK, kana, a combining mark, four-byte letters of both cases, apostrophes, digits, signs.
        let alphabet = ["a", "z", "A", "Z", "0", "7", "_", "-", "'", "’", "‘", "é", "É", "ß", "ÿ", "À", "Þ", "ª", "º", "µ", "×", "÷",
                        "Œ", "œ", "Ā", "ā", "ǅ", "ŉ", "Α", "α", "Ж", "ж", "東", "あ", "\u{301}", "\u{345}", "𐐀", "𐐨", "ⓐ", "Ⓐ", "ⅰ", "Ⅰ", "²"]
        var rng = SplitMix(seed: 7)
        for _ in 0..<30_000 {
            let length = Int(rng.next() % 12) + 1
            let word = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            var bytes = Array(word.utf8)
            let fast = bytes.withUnsafeMutableBufferPointer { Analyzer.slowIsCapitalized(UnsafeBufferPointer($0)) }
            #expect(fast == referenceIsCapitalized(word), "differs on \(word.debugDescription)")
            if fast != referenceIsCapitalized(word) { return }
        }
    }
}

@Suite struct StopWordsTests {
    /// The byte lookup the inverter uses answers as the lists do, for every language and word.
    @Test func byteLookupAgreesWithTheLists() {
        let stopWords = StopWords.english.union(StopWords.french).union(StopWords.spanish)
        let words = stopWords.union(["", "thee", "lesquels", "nosotrosx", "é", "zzzzzzzz"])
        for language in Language.allCases {
            for word in words {
                var bytes = Array(word.utf8)
                let found = bytes.withUnsafeMutableBufferPointer { StopWords.contains(UnsafeBufferPointer($0), language: language) }
                #expect(found == StopWords.list(for: language).contains(word), "\(word) in \(language)")
            }
        }
        // The packed table holds words of up to 8 bytes: a longer stop word would be missed.
        #expect(stopWords.allSatisfy { $0.utf8.count <= 8 })
    }
}
