import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// Other things equal, a document holding the query word's exact form outranks one that only
/// shares its stem.
@Suite struct ExactFormTests {
    static let documents: [String: String] = [
        "fr/president.txt": "Le président François Hollande a parlé hier soir. Selon Hollande, la décision était prise depuis longtemps.",
        "fr/fromages.txt": "Le marché vend du fromage hollandais, des tulipes hollandaises et des gaufres hollandaises. Un vendeur hollandais sourit.",
        "fr/autre.txt": "La pluie est tombée sur la ville toute la journée et les rues étaient vides le soir.",
        "fr/meteo.txt": "Le soleil revient demain sur la côte, annonce la météo, après une semaine de pluie.",
    ]

    nonisolated(unsafe) static let index = makeSmallIndex(documents)

    func paths(_ query: String, strategy: RetrievalStrategy = .maxScore) throws -> [String] {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        return try searcher.search(query, k: 10, strategy: strategy).hits.map { try searcher.reader.record($0.doc).path }
    }

    @Test func theNameAsTypedOutranksWordsThatShareItsStem() throws {
        // "hollandais" and "Hollande" share the French stem "holland"; the name is indexed as written.
        let found = try paths("Hollande")
        #expect(found == ["fr/president.txt", "fr/fromages.txt"], "\(found)")
        #expect(try paths("Hollande", strategy: .exhaustive) == found)
        // The adjective finds the cheese, not the president (the name was never stemmed).
        #expect(try paths("hollandais") == ["fr/fromages.txt"])
    }

    @Test func theExactFormIsAGroupOfItsOwnOnlyWhereAStemStandsBesideIt() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        let hollande = try searcher.plan("Hollande")
        #expect(hollande.groups.prefix(hollande.orGroupCount).map(\.word) == ["hollande", "hollande"])
        #expect(hollande.groups[1].keys == [TermKey.make(.french, "hollande")])
        let pluie = try searcher.plan("pluie")
        #expect(pluie.orGroupCount == 1)
    }
}
