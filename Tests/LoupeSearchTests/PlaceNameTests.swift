import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// Names of countries and languages match across English, French and Spanish (from ICU's CLDR
/// names), multi-word names as phrases, the name as typed above its translations.
@Suite struct PlaceNameTests {
    static let documents: [String: String] = [
        "en/germany.txt": "The last soldiers left Gao this week. Germany ended its mission after ten years in the north.",
        "fr/allemagne.txt": "Les derniers soldats ont quitté Gao cette semaine. L'Allemagne a mis fin à sa mission après dix ans dans le nord.",
        "es/alemania.txt": "Los últimos soldados dejaron Gao esta semana. Alemania terminó su misión tras diez años en el norte.",
        "en/ivory.txt": "Investors are returning to the Ivory Coast, where the port of Abidjan keeps growing every year.",
        "fr/cote.txt": "Les investisseurs reviennent en Côte d’Ivoire, où le port d'Abidjan grandit chaque année.",
        "es/marfil.txt": "Los inversores vuelven a Costa de Marfil, donde el puerto de Abiyán crece cada año.",
        "en/trade.txt": "Traders on the coast sold ivory and gold for centuries; the coast was rich and the trade was old.",
        "en/unrelated.txt": "The weather was mild and the harvest was good in the valley this autumn, farmers said.",
    ]

    nonisolated(unsafe) static let index = makeSmallIndex(documents)

    func paths(_ query: String, translate: Bool = true, strategy: RetrievalStrategy = .maxScore) throws -> [String] {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        searcher.expandNames = translate
        return try searcher.search(query, k: 20, strategy: strategy).hits.map { try searcher.reader.record($0.doc).path }
    }

    @Test(arguments: [
        ("Allemagne", "fr/allemagne.txt"), ("Germany", "en/germany.txt"), ("Alemania", "es/alemania.txt"),
    ])
    func aCountryMatchesItsNamesInTheOtherLanguagesTypedNameFirst(_ query: String, _ first: String) throws {
        let found = try paths(query)
        #expect(found.first == first, "\(found)")
        #expect(Set(found) == ["en/germany.txt", "fr/allemagne.txt", "es/alemania.txt"])
        #expect(try paths(query, translate: false) == [first])
    }

    @Test(arguments: [
        ("Costa de Marfil", "es/marfil.txt"), ("Ivory Coast", "en/ivory.txt"), ("Côte d'Ivoire", "fr/cote.txt"), ("cote divoire", nil),
    ])
    func multiWordNamesMatchAsPhrases(_ query: String, _ first: String?) throws {
        let found = try paths(query)
        if let first {
            #expect(found.first == first, "\(found)")
            #expect(Set(["en/ivory.txt", "fr/cote.txt", "es/marfil.txt"]).isSubset(of: Set(found)), "\(found)")
        }
        // The English translation matches as a phrase: "coast … ivory" apart does not count as
        // "Ivory Coast" (the trade text may still come last through a word of the query typed).
        if query != "Ivory Coast" { #expect(!found.prefix(3).contains("en/trade.txt")) }
    }

    @Test func bothStrategiesAgreeOnExpandedQueries() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        for query in ["Allemagne soldats", "Ivory Coast port", "Estados Unidos", "Costa de Marfil inversores", "français"] {
            let exhaustive = try searcher.search(query, k: 10, strategy: .exhaustive)
            let pruned = try searcher.search(query, k: 10, strategy: .maxScore)
            #expect(exhaustive.hits == pruned.hits, "\(query)")
            #expect(exhaustive.totalHits == pruned.totalHits)
        }
    }

    @Test func theParsedQueryNamesTheTranslations() throws {
        let query = ParsedQuery("sanctions États-Unis", analyzer: try Analyzer())
        let expansion = try #require(query.expansions.first)
        #expect(expansion.id == "region:US")
        #expect(expansion.typed == ["etats", "unis"])
        #expect(expansion.translationNames.contains("United States") && expansion.translationNames.contains("Estados Unidos"))
        #expect(ParsedQuery("sanctions États-Unis", analyzer: try Analyzer(), expandNames: false).expansions.isEmpty)
        // Words that merely start a name are not one: "united" alone names nothing.
        #expect(ParsedQuery("united front", analyzer: try Analyzer()).expansions.isEmpty)
    }

    @Test func theResponseSaysWhatElseWasSearched() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        let response = try searcher.respond(to: "Allemagne")
        #expect(response.translations == ["Germany", "Alemania"])
        #expect(response.json.rendered.contains("\"translations\": [\"Germany\", \"Alemania\"]"))
        // Translations are highlighted in the snippets.
        let english = try #require(response.hits.first { $0.path == "en/germany.txt" })
        let highlighted = english.snippet.highlights.map { String(String.UnicodeScalarView(Array(english.snippet.text.unicodeScalars)[$0])) }
        #expect(highlighted.contains("Germany"))
    }

    /// Random queries mixing names of places (whole, cut, in any language), phrases and other words:
    /// never a crash, and both strategies agree.
    @Test func randomQueriesWithPlaceNamesAgreeAcrossStrategies() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        let pieces = ["Allemagne", "Germany", "Alemania", "Côte", "d’Ivoire", "d'", "Ivory", "Coast", "Costa", "de", "Marfil", "Estados",
                      "Unidos", "États-Unis", "français", "alemán", "\"", "«", " ", " ", " ", "soldats", "Gao", "port", "the", "zz", "-", "é"]
        var rng = SplitMix(seed: 77)
        for _ in 0..<1_500 {
            let query = (0..<(1 + rng.below(7))).map { _ in pieces[rng.below(pieces.count)] }.joined()
            let k = [1, 3, 10][rng.below(3)]
            let pruned = try searcher.search(query, k: k)
            let exhaustive = try searcher.search(query, k: k, strategy: .exhaustive)
            #expect(pruned.hits == exhaustive.hits, "\(query.debugDescription)")
            #expect(pruned.totalHits == exhaustive.totalHits)
            #expect(pruned.hits.count <= k && (pruned.totalHits ?? 0) >= pruned.hits.count)
        }
    }

    /// `--explain`: the parts of every hit's explanation add up to exactly its score, whichever
    /// path scored it (plain words, phrases, translations, exact forms, prefixes, exclusions).
    @Test func explanationsAddUpToTheScore() throws {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        for query in ["Allemagne soldats", "Ivory Coast port", "\"port of\" Abidjan", "Costa de Marfil", "gao nord semaine", "ab* port", "soldats -gao"] {
            let response = try searcher.respond(to: query, k: 10, explain: true)
            for hit in response.hits {
                let explanation = try #require(hit.explanation)
                #expect(explanation.value == hit.score, "\(query): \(hit.path)")
                #expect(!explanation.details.isEmpty)
            }
        }
        let german = try searcher.respond(to: "Allemagne", k: 10, explain: true).hits.first { $0.path == "en/germany.txt" }
        #expect(german?.explanation?.details.map(\.description).contains { $0.hasPrefix("germany") } == true, "\(String(describing: german?.explanation))")
    }
}
