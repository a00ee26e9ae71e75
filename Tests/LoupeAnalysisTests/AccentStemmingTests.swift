import Foundation
import LoupeAnalysis
import Testing

/// Snowball stems words as written: the analyzer gives the term the reference stemmer gives the
/// accented word, folded — on real words taken from real text (Resources/realwords-*.tsv, made by
/// scripts/make-real-words.py from Debian's manual pages, fortunes and Debian Reference).
@Suite struct AccentStemmingTests {
    let analyzer: Analyzer

    init() throws { analyzer = try Analyzer() }

    /// Each line's word and reference term.
    private func references(_ language: String) throws -> [(word: String, expected: String)] {
        let url = try #require(Bundle.module.url(forResource: "realwords-\(language)", withExtension: "tsv", subdirectory: "Resources"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            try #require(fields.count == 2, "malformed line \(line)")
            return (String(fields[0]), String(fields[1]))
        }
    }

    private func term(_ word: String, _ language: Language) -> String? {
        var bytes = Array(word.utf8)
        return bytes.withUnsafeMutableBufferPointer { analyzer.term(raw: UnsafeBufferPointer($0), language: language, isName: false) }
    }

    @Test(arguments: [("fr", Language.french), ("es", Language.spanish), ("en", Language.english)])
    func agreesWithSnowballOnRealWords(_ code: String, _ language: Language) throws {
        let words = try references(code).filter { !StopWords.isStopWord($0.word) && !StopWords.isStopWord(analyzer.normalizer.normalize($0.word) ?? "") }
        #expect(words.count >= 10_000, "only \(words.count) real \(code) words")
        var agree = 0, foldedFirst = 0
        var misses: [String] = []
        for (word, expected) in words {
            if term(word, language) == expected { agree += 1 } else if misses.count < 20 { misses.append("\(word) → \(term(word, language) ?? "nil") (reference \(expected))") }
            // What stemming the folded word gives, as analyzer version 2 did.
            if let folded = analyzer.normalizer.normalize(word), Analyzer.stem(folded, language: language) == expected { foldedFirst += 1 }
        }
        let share = Double(agree) / Double(words.count)
        #expect(share >= 0.995, "\(code): \(agree) of \(words.count) agree (stemming folded words: \(foldedFirst)); first misses:\n\(misses.joined(separator: "\n"))")
        if language != .english {
            // The test tells: stemming the folded word disagrees far more often.
            #expect(Double(foldedFirst) / Double(words.count) < 0.99, "\(code): folding first agrees on \(foldedFirst) of \(words.count)")
        }
    }

    @Test(arguments: [
        ("francés", Language.spanish, "frances"), ("frances", .spanish, "franc"), ("francesa", .spanish, "frances"),
        ("franceses", .spanish, "frances"), ("alemán", .spanish, "aleman"), ("alemana", .spanish, "aleman"),
        ("première", .french, "premi"), ("premier", .french, "premi"), ("nationalités", .french, "national"),
        ("données", .french, "don"), ("sécurité", .french, "secur"), ("L’Économie", .french, "econom"),
        ("cœurs", .french, "coeur"),
    ])
    func stemsTheWordAsWritten(_ word: String, _ language: Language, _ expected: String) {
        #expect(term(word, language) == expected)
    }

    @Test func accentedFormKeepsAccentsAndFoldsToTheFoldedForm() {
        let normalizer = analyzer.normalizer
        for (raw, folded, accented) in [("Francés", "frances", "francés"), ("L’Économie", "economie", "économie"), ("CŒURS", "coeurs", ""),
                                        ("mali", "mali", ""), ("É.U", "eu", "éu"), ("l'été", "ete", "été"), ("Ｍａｌｉ", "mali", "")] {
            var bytes = Array(raw.utf8)
            var out: [UInt8] = [], kept: [UInt8] = []
            let ok = bytes.withUnsafeMutableBufferPointer { normalizer.normalize(UnsafeBufferPointer($0), into: &out, accented: &kept) }
            #expect(ok)
            #expect(String(decoding: out, as: UTF8.self) == folded, "\(raw)")
            #expect(String(decoding: kept, as: UTF8.self) == accented, "\(raw)")
        }
    }
}

extension AccentStemmingTests {
    /// `fold`'s fast path for Latin-1 letters gives what ICU's folding gives.
    @Test func foldingAStemMatchesNormalization() {
        let normalizer = analyzer.normalizer
        var scalars: [String] = (0xE0...0xFF).compactMap { Unicode.Scalar($0).map { String($0) } }
        scalars += ["ā", "ő", "ş", "ǆ", "ẞ", "ø", "þ", "ÿ", "é\u{301}"]
        for s in scalars {
            let word = "x" + s + "y"
            var out: [UInt8] = []
            _ = Array(word.utf8).withUnsafeBufferPointer { normalizer.fold($0, into: &out) }
            #expect(String(decoding: out, as: UTF8.self) == normalizer.normalize(word), "\(word)")
        }
    }
}
