import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// An operator query means the same whichever path evaluates it: the ranked OR path (where
/// `a AND NOT b` is routed as `+a -b`) or the boolean scorers. A word counts as present with any
/// of its spellings (`francés`, `frances`); names are translated in plain queries only.
@Suite struct OperatorConsistencyTests {
    static let documents: [String: String] = [
        "es/acentos.txt": "El gobierno francés anunció la retirada de las tropas del norte del país.",
        "es/sin-acentos.txt": "El gobierno frances anuncio la retirada de las tropas del norte del pais.",
        "es/otro.txt": "El gobierno mexicano anunció una reforma de las pensiones para el año próximo.",
        "en/french.txt": "The French government announced the withdrawal of its troops from the north.",
    ]

    nonisolated(unsafe) static let index = makeSmallIndex(documents)

    func hits(_ query: String, _ strategy: RetrievalStrategy = .maxScore) throws -> [String: Double] {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        var found: [String: Double] = [:]
        for hit in try searcher.search(query, k: 10, strategy: strategy).hits { found[try searcher.reader.record(hit.doc).path] = hit.score }
        return found
    }

    @Test func bothPathsAgreeOnWhatAWordMatches() throws {
        for strategy in RetrievalStrategy.allCases {
            // Routed to the OR path as `+francés -zzzz`; a phrase under NOT keeps it boolean.
            let routed = try hits("francés AND NOT zzzz", strategy)
            let boolean = try hits("francés AND NOT \"zz yy\"", strategy)
            #expect(Set(routed.keys) == ["es/acentos.txt", "es/sin-acentos.txt"], "\(strategy): \(routed)")
            #expect(routed == boolean, "\(strategy)")
            // `+word` and `-word` count the other spelling too.
            #expect(Set(try hits("+francés gobierno", strategy).keys) == ["es/acentos.txt", "es/sin-acentos.txt"])
            #expect(Set(try hits("gobierno -francés", strategy).keys) == ["es/otro.txt"])
            #expect(Set(try hits("gobierno AND NOT francés", strategy).keys) == ["es/otro.txt"])
        }
    }

    @Test func namesAreTranslatedInPlainQueriesOnly() throws {
        #expect(Set(try hits("francés").keys) == ["es/acentos.txt", "es/sin-acentos.txt", "en/french.txt"])
        #expect(Set(try hits("francés -zzzz").keys) == ["es/acentos.txt", "es/sin-acentos.txt", "en/french.txt"])
        #expect(Set(try hits("francés AND gobierno").keys) == ["es/acentos.txt", "es/sin-acentos.txt"])
        #expect(Set(try hits("francés AND NOT zzzz").keys) == ["es/acentos.txt", "es/sin-acentos.txt"])
    }
}
