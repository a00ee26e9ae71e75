import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// `word~N` and "did you mean": terms within a few edits, found by a walk that skips every prefix
/// out of reach — and exactly the terms a scan of every term would find.
@Suite struct FuzzyTests {
    nonisolated(unsafe) static let index = makeSmallIndex(MultilingualMatchingTests.documents)

    /// Restricted Damerau–Levenshtein (optimal string alignment) over scalars, the plain way.
    static func distance(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    @Test func theWalkFindsWhatAScanOfEveryTermFinds() throws {
        let reader = try #require(Self.index).1
        let dictionary = try #require(reader.segments.first).terms
        var all: [[UInt8]] = []
        try dictionary.forEach { key, _ in all.append(key); return true }
        var rng = SplitMix(seed: 31)
        let letters = Array("aeioustrnlmcdpéñ")
        var probes = all.prefix(40).compactMap { TermKey.split($0)?.1 }
        for _ in 0..<60 { probes.append(String((0..<(2 + rng.below(8))).map { _ in letters[rng.below(letters.count)] })) }
        for word in probes {
            let target = word.unicodeScalars.map(\.value)
            for edits in [1, 2] {
                let walked = Set(try FuzzyTerms.matches(of: word, maxEdits: edits, in: dictionary).map(\.key))
                let scanned = Set(all.filter { key in
                    guard let (_, term) = TermKey.split(key) else { return false }
                    return Self.distance(term.unicodeScalars.map(\.value), target) <= edits
                })
                #expect(walked == scanned, "\(word)~\(edits)")
            }
        }
    }

    @Test func fuzzyWordsMatchNearbyTermsAndAgreeAcrossStrategies() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        func paths(_ query: String) throws -> [String] { try searcher.search(query, k: 10).hits.map { try searcher.reader.record($0.doc).path } }
        #expect(try paths("mercenary~1") == ["en/mercenaries.txt"])  // against the stem "mercenari"
        #expect(try paths("oberien~") == ["en/obrien.txt"])      // an insertion
        #expect(try paths("obrein~1") == ["en/obrien.txt"])      // a transposition
        #expect(try paths("zzzzzz~2").isEmpty)
        for query in ["soldts~1 troops", "atacks~2", "ninos~1 -frontera", "mali~1 paris~1"] {
            #expect(try searcher.search(query, k: 5).hits == searcher.search(query, k: 5, strategy: .exhaustive).hits, "\(query)")
        }
    }

    @Test func didYouMeanReplacesRareWordsWithNearCommonOnes() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        #expect(try searcher.respond(to: "obrein mission").suggestion == "obrien mission")
        #expect(try searcher.respond(to: "troops").suggestion == nil)
        #expect(try searcher.respond(to: "zzzzqqq").suggestion == nil)
    }

    @Test func operatorQueriesAreRespelledInPlace() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        // Operators, signs, parentheses, fields, phrases' quotes and patterns stay as typed.
        #expect(try searcher.respond(to: "obrein AND (mission OR -base)").suggestion == "obrien AND (mission OR -base)")
        #expect(try searcher.respond(to: "\"the obrein mission\" -troops").suggestion == "\"the obrien mission\" -troops")
        #expect(try searcher.respond(to: "title:obrein lang:en").suggestion == "title:obrien lang:en")
        #expect(try searcher.respond(to: "+mercenarie* obrein~1 AND zzzzqqq").suggestion == nil)
        // A query that finds enough documents gets none.
        #expect(try searcher.respond(to: "troops OR mission OR base").suggestion == nil)
    }
}
