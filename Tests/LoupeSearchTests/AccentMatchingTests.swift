import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// Words are stemmed as written (accents on), and a word typed with or without its accents still
/// meets every spelling of its family, both ways, through the index's accent variants.
@Suite struct AccentMatchingTests {
    /// Per family, its spellings; each gets a document of its language holding it once.
    static let families: [(language: String, spellings: [String])] = [
        ("es", ["francés", "frances", "francesa", "franceses"]),
        ("es", ["alemán", "aleman", "alemana", "alemanes"]),
        ("fr", ["première", "premiere", "premier", "premiers"]),
        ("fr", ["nationalités", "nationalite"]),
        ("fr", ["données", "donnees"]),
        ("fr", ["sécurité", "securite"]),
    ]

    static func sentence(_ word: String, _ language: String) -> String {
        language == "es"
            ? "Según el periódico de la mañana, la palabra \(word) aparece en este texto sobre la política del gobierno y la economía del país."
            : "Selon le journal du matin, le mot \(word) apparaît dans ce texte sur la politique du gouvernement et l'économie du pays."
    }

    static let documents: [String: String] = {
        var docs: [String: String] = [:]
        for family in families {
            for word in family.spellings { docs["\(family.language)/\(word).txt"] = sentence(word, family.language) }
        }
        docs["fr/franc-cfa.txt"] = "Le franc CFA est une monnaie utilisée en Afrique de l'Ouest ; le franc reste lié à l'euro selon la banque centrale."
        docs["es/franco-cfa.txt"] = "El franco CFA es una moneda usada en África occidental; el franco sigue ligado al euro según el banco central."
        return docs
    }()

    nonisolated(unsafe) static let index = makeSmallIndex(documents)

    func paths(_ query: String) throws -> [String] {
        let searcher = try Searcher(reader: try #require(Self.index).1)
        return try searcher.search(query, k: 50).hits.map { try searcher.reader.record($0.doc).path }
    }

    @Test func everySpellingMeetsEveryOtherBothWays() throws {
        for family in Self.families {
            let expected = Set(family.spellings.map { "\(family.language)/\($0).txt" })
            for query in family.spellings {
                let found = Set(try paths(query))
                #expect(expected.isSubset(of: found), "\(query) misses \(expected.subtracting(found).sorted())")
            }
        }
    }

    @Test func accentedWordsAreNotConfusedWithTheirFoldedStem() throws {
        // `francés` stems to `frances`; folded first it became `franc`, which is also Spanish
        // `franco` (the currency). Its spellings come first; `franco` only as the ambiguous
        // unaccented reading, at half weight, with the text that writes `frances`.
        let ranked = try paths("francés")
        let accented = ["es/francés.txt", "es/francesa.txt", "es/franceses.txt"]
        let franco = try #require(ranked.firstIndex(of: "es/franco-cfa.txt"), "\(ranked)")
        for path in accented {
            let rank = try #require(ranked.firstIndex(of: path), "\(path) not found: \(ranked)")
            #expect(rank < franco, "\(ranked)")
        }
        #expect(ranked.contains("es/frances.txt"))
    }

    @Test func accentVariantsAreStoredAndChecked() throws {
        let reader = try #require(Self.index).1
        let variants = try reader.segments.flatMap { try $0.terms.allAccentVariants() }
        // Spanish `francés` (stem `frances`) typed without accents stems to `franc`.
        #expect(variants.contains(AccentVariant(from: TermKey.make(.spanish, "franc"), to: Array("frances".utf8))))
        #expect(variants == variants.sorted())
        _ = try IndexChecker.check(path: try #require(Self.index).0.path + "/index")
    }

    /// The variant lookups (binary searches over the entries' 8-byte prefixes, both orders) find
    /// exactly what a scan of every variant finds — for every key that has variants, keys
    /// sharing their first 8 bytes, and keys that have none.
    @Test func accentVariantLookupsEqualAScan() throws {
        let reader = try #require(Self.index).1
        for segment in reader.segments {
            let all = try segment.terms.allAccentVariants()
            #expect(!all.isEmpty)
            var probes = Set<[UInt8]>()
            for v in all {
                probes.insert(v.from)
                probes.insert(v.to + [v.from.last ?? 0])
                probes.insert(Array(v.from.dropLast()) + [9])
                probes.insert(Array(v.to.prefix(3)) + [v.from.last ?? 0])
            }
            probes.insert(TermKey.make(.spanish, "zzzzzzzzzzzz"))
            for key in probes {
                let of = all.filter { $0.from == key }.map(\.to)
                let to = all.filter { $0.to + [$0.from.last ?? 0] == key }.map(\.from)
                #expect(try segment.terms.accentVariants(of: key) == of, "\(key)")
                #expect(try segment.terms.accentVariants(to: key) == to, "\(key)")
            }
        }
    }
}
