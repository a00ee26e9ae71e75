import Foundation
import LoupeAnalysis
import Testing

/// Checks the Snowball stemmers against the reference implementation.
///
/// The vocabularies in Resources/snowball-{en,fr,es}.tsv hold one
/// `word<TAB>stem` pair per line, as produced by the reference `snowballstemmer`
/// package; scripts/make-stemmer-vocab.py regenerates them.
struct SnowballStemmerTests {
    // MARK: Reference vocabularies

    private struct Mismatch: CustomStringConvertible {
        let word: String
        let expected: String
        let actual: String

        var description: String { "\(word) -> \(actual) (expected \(expected))" }
    }

    /// Stems every word of the named vocabulary and returns how many words it
    /// holds and which came out different from the reference. Words and stems
    /// are compared scalar by scalar, not by canonical equivalence.
    private func compare(
        vocabulary name: String, with stemmer: some Stemmer
    ) throws -> (count: Int, mismatches: [Mismatch]) {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "tsv", subdirectory: "Resources"),
            "missing resource \(name).tsv"
        )
        let text = try String(contentsOf: url, encoding: .utf8)
        var count = 0
        var mismatches: [Mismatch] = []
        for line in text.unicodeScalars.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            try #require(fields.count == 2, "malformed line in \(name).tsv")
            let word = String(String.UnicodeScalarView(fields[0]))
            let expected = String(String.UnicodeScalarView(fields[1]))
            let actual = stemmer.stem(word)
            count += 1
            if !actual.unicodeScalars.elementsEqual(expected.unicodeScalars) {
                mismatches.append(Mismatch(word: word, expected: expected, actual: actual))
            }
        }
        return (count, mismatches)
    }

    private func expectAgreement(vocabulary name: String, with stemmer: some Stemmer) throws {
        let (count, mismatches) = try compare(vocabulary: name, with: stemmer)
        #expect(count >= 12_000, "\(name).tsv has only \(count) words")
        let shown = mismatches.prefix(25).map(\.description).joined(separator: "\n")
        let mismatchCount = mismatches.count
        #expect(
            mismatchCount == 0,
            "\(mismatchCount) of \(count) words differ from the reference, first ones:\n\(shown)"
        )
    }

    @Test func englishAgreesWithReferenceVocabulary() throws {
        try expectAgreement(vocabulary: "snowball-en", with: EnglishStemmer())
    }

    @Test func frenchAgreesWithReferenceVocabulary() throws {
        try expectAgreement(vocabulary: "snowball-fr", with: FrenchStemmer())
    }

    @Test func spanishAgreesWithReferenceVocabulary() throws {
        try expectAgreement(vocabulary: "snowball-es", with: SpanishStemmer())
    }

    // MARK: Hand-picked cases (checked against the reference)

    @Test(arguments: [
        ("troops", "troop"),
        ("mercenaries", "mercenari"),
        ("running", "run"),
        ("happily", "happili"),
        ("generously", "generous"),
        ("communication", "communic"),
        ("interfered", "interfer"),
        ("pasted", "paste"),
        ("hopping", "hop"),
        ("yelling", "yell"),
        ("dying", "die"),
        ("skies", "sky"),
        ("news", "news"),
        ("proceed", "proceed"),
        ("dog's", "dog"),
        ("dogs'", "dog"),
        ("o'brien", "o'brien"),
        ("'tis", "tis"),
    ])
    func englishCases(word: String, stem: String) {
        #expect(EnglishStemmer().stem(word) == stem)
    }

    @Test(arguments: [
        ("soldats", "soldat"),
        ("écoles", "écol"),
        ("ecoles", "ecol"),
        ("terroristes", "terror"),
        ("armée", "armé"),
        ("armee", "arme"),
        ("l'homme", "homm"),
        ("qu'il", "il"),
        ("continuellement", "continuel"),
        ("nationaux", "national"),
        ("finissaient", "fin"),
        ("châteaux", "château"),
        ("noël", "noël"),
        ("naïve", "naïv"),
        ("mauvais", "mauvais"),
    ])
    func frenchCases(word: String, stem: String) {
        #expect(FrenchStemmer().stem(word) == stem)
    }

    @Test(arguments: [
        ("niños", "niñ"),
        ("ninos", "nin"),
        ("ataques", "ataqu"),
        ("canciones", "cancion"),
        ("rápidamente", "rapid"),
        ("cantándole", "cant"),
        ("comérselo", "com"),
        ("pagué", "pag"),
        ("organización", "organiz"),
        ("organizacion", "organiz"),
        ("actividades", "activ"),
    ])
    func spanishCases(word: String, stem: String) {
        #expect(SpanishStemmer().stem(word) == stem)
    }

    // MARK: Robustness

    private static let stemmers: [any Stemmer] = [
        EnglishStemmer(), FrenchStemmer(), SpanishStemmer(),
    ]

    @Test func oddInputIsReturnedWithoutTrapping() {
        let inputs = [
            "", "'", "''", "'''", "''s", "a", "y", "s", "é", "ë", "ï", "ü", "ñ",
            "0", "42", "1234567890", "3rd", "москва", "東京", "ᄒᆞᆫ",
            "\u{301}", "\u{301}\u{302}\u{303}\u{308}", "e\u{301}cole", "q", "qu", "qu'", "l'",
            "gu", "güe", "yyyy", "'y'", "🙂", "a\u{0}b", "-", "--ment",
        ]
        for stemmer in Self.stemmers {
            for input in inputs {
                let stem = stemmer.stem(input)
                #expect(stem.unicodeScalars.count <= input.unicodeScalars.count + 3)
            }
            #expect(stemmer.stem("") == "")
            #expect(stemmer.stem("1234567890") == "1234567890")
            #expect(stemmer.stem("東京") == "東京")
        }
    }

    @Test func veryLongWordsAreStemmed() {
        let pieces = ["a", "y", "ë", "ï", "'", "qu", "ui", "ement", "issements", "selos", "ies"]
        for stemmer in Self.stemmers {
            for piece in pieces {
                let long = String(repeating: piece, count: 5_000)
                for word in [long, long + "ement", "l'" + long + "s", long + "ingly"] {
                    let stem = stemmer.stem(word)
                    #expect(!stem.isEmpty)
                    #expect(stem.unicodeScalars.count <= word.unicodeScalars.count + 3)
                }
            }
        }
    }
}
