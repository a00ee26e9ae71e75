import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// Word variants and names match across the three languages the way a reader expects.
@Suite struct MultilingualMatchingTests {
    static let documents: [String: String] = [
        "fr/soldats.txt": "Les soldats sont rentrés au pays. Ils ont quitté la base après dix ans de présence et les familles les attendaient.",
        "fr/ecoles.txt": "Dans le nord, les écoles restent fermées. Les enseignants sont partis et les élèves attendent la rentrée.",
        "fr/attaques.txt": "Les attaques terroristes se multiplient dans la région. Les habitants ont peur et les routes sont vides.",
        "fr/mal.txt": "Le mal est fait, disent les habitants. Ils ont mal au cœur et le pays va mal depuis des années.",
        "fr/paris-bets.txt": "Les paris sportifs sont à la mode. Les jeunes font des paris chaque semaine sur les matchs du championnat.",
        "fr/mali.txt": "Le retrait a commencé au Mali. Les troupes ont quitté le Mali et la junte du Mali a salué le départ.",
        "es/ninos.txt": "Los niños cruzan la frontera solos. Cada año miles de niños llegan sin sus padres a la ciudad del norte.",
        "es/ataques.txt": "Los ataques con drones aumentaron en la sierra. El gobierno dijo que los ataques no quedarán impunes.",
        "es/pena.txt": "La alcaldesa Lucía Peña inauguró la escuela. La señora Peña habló con los vecinos del barrio.",
        "en/troops.txt": "The troops left the base at dawn. The last troops crossed the border and the convoy reached the city.",
        "en/mercenaries.txt": "The mercenaries arrived in the capital. Officials said the mercenaries would guard the mines in the east.",
        "en/obrien.txt": "The researcher Niamh O’Brien spoke about the mission. According to O’Brien the mission ended too early.",
        "en/strasse.txt": "The office is on the Hauptstraße in the old town of the city, next to the station and the market.",
    ]

    /// One index for the suite (readers are immutable and shared); each test makes its own searcher.
    nonisolated(unsafe) static let index = makeSmallIndex(documents)

    func makeSearcher() throws -> Searcher {
        try Searcher(reader: try #require(Self.index).1)
    }

    func paths(_ query: String) throws -> [String] {
        let searcher = try makeSearcher()
        return try searcher.search(query, k: 20).hits.map { try searcher.reader.record($0.doc).path }
    }

    @Test(arguments: [
        ("soldat", "fr/soldats.txt"), ("soldats", "fr/soldats.txt"),
        ("école", "fr/ecoles.txt"), ("ecole", "fr/ecoles.txt"), ("écoles", "fr/ecoles.txt"),
        ("attaque terroriste", "fr/attaques.txt"), ("attaques terroristes", "fr/attaques.txt"),
        ("niño", "es/ninos.txt"), ("nino", "es/ninos.txt"), ("niños", "es/ninos.txt"),
        ("ataque", "es/ataques.txt"), ("ataques", "es/ataques.txt"),
        ("troop", "en/troops.txt"), ("troops", "en/troops.txt"),
        ("mercenary", "en/mercenaries.txt"), ("mercenaries", "en/mercenaries.txt"),
        ("pena", "es/pena.txt"), ("Peña", "es/pena.txt"),
        ("obrien", "en/obrien.txt"), ("O'Brien", "en/obrien.txt"), ("o’brien", "en/obrien.txt"),
        ("hauptstrasse", "en/strasse.txt"), ("Hauptstraße", "en/strasse.txt"),
    ])
    func variantsFindTheDocumentFirst(_ query: String, _ expected: String) throws {
        #expect(try paths(query).first == expected, "\(query)")
    }

    @Test func namesAreNotStemmedIntoUnrelatedWords() throws {
        // "Mali" is used as a name: it must not become the French stem "mal" (evil).
        #expect(try paths("mali") == ["fr/mali.txt"])
        #expect(try !paths("mal").contains("fr/mali.txt"))
        // "paris" (bets) is a common word here, stemmed; the query finds it.
        #expect(try paths("paris").first == "fr/paris-bets.txt")
    }

    @Test func quotedPhrasesNeedTheWordsInOrder() throws {
        #expect(try paths("\"attaque terroriste\"") == ["fr/attaques.txt"])
        #expect(try paths("«attaques terroristes»") == ["fr/attaques.txt"])
        #expect(try paths("\"terroriste attaque\"").isEmpty)
        // Function words count inside a phrase.
        #expect(try paths("\"quitté la base\"") == ["fr/soldats.txt"])
        #expect(try paths("\"quitté le base\"").isEmpty)
        // A phrase plus free words: the phrase is required, the words rank.
        #expect(try paths("\"les troupes\" junte") == ["fr/mali.txt"])
        // An unclosed quote runs to the end of the query.
        #expect(try paths("\"niamh o’brien") == ["en/obrien.txt"])
    }

    /// Random queries from a nasty alphabet: every one runs, and pruning agrees with exhaustive scoring.
    @Test func randomQueriesNeverFail() throws {
        let searcher = try makeSearcher()
        let pieces = ["\"", "“", "»", "«", "'", "’", " ", " ", "  ", "soldats", "école", "Mali", "paris", "de", "la", "the", "niño",
                      "O’Brien", "\u{301}", "東京", "ﬁ", "Ｍ", "-", "*", ":", "\n", "\u{0}", "attaques", "terroristes", "zz"]
        var rng = SplitMix(seed: 2024)
        for _ in 0..<3_000 {
            let query = (0..<(1 + rng.below(8))).map { _ in pieces[rng.below(pieces.count)] }.joined()
            let pruned: RankedResults
            do {
                pruned = try searcher.search(query, k: 5)
            } catch let error as QuerySyntaxError {
                // A query the language cannot read (a lone `*`) is an error that says where.
                #expect(error.position >= 0 && error.position <= query.count, "\(query.debugDescription)")
                continue
            }
            let exhaustive = try searcher.search(query, k: 5, strategy: .exhaustive)
            #expect(try searcher.search(query, k: 5, countTotal: false).hits == exhaustive.hits, "\(query.debugDescription)")
            #expect(pruned.hits == exhaustive.hits, "\(query.debugDescription)")
            #expect(pruned.hits.count <= 5 && (pruned.totalHits ?? 0) >= pruned.hits.count)
        }
    }

    /// `prefix*` is one word standing for every term that starts with the prefix (folded, in any
    /// language): accents and case do not matter, stems are matched by their start, both strategies
    /// agree, and a pattern matching too many terms is a clear error.
    @Test func prefixesMatchEveryTermThatStartsWithThem() throws {
        #expect(try paths("ecol*") == ["fr/ecoles.txt"])
        #expect(try paths("ÉCOL*") == ["fr/ecoles.txt"])
        #expect(Set(try paths("merc*")) == ["en/mercenaries.txt"])
        #expect(Set(try paths("atta*")) == ["fr/attaques.txt"])
        #expect(Set(try paths("ata*")) == ["es/ataques.txt"])
        #expect(try paths("zzz*").isEmpty)
        let searcher = try makeSearcher()
        let plan = try searcher.plan("ni* mali")
        let prefix = try #require(plan.groups.first { $0.word == "ni*" })
        #expect(!prefix.keys.isEmpty && prefix.keys.allSatisfy { $0.starts(with: Array("ni".utf8)) })
        for query in ["ni* mali", "sold* troops", "ata* -drones", "e*", "les p*"] {
            #expect(try searcher.search(query, k: 3).hits == searcher.search(query, k: 3, strategy: .exhaustive).hits, "\(query)")
        }
        // One letter is too short to expand; a pattern over the bound is refused with a message.
        #expect(ParsedQuery("e* mali", analyzer: try Analyzer()).prefixes.isEmpty)
        #expect(throws: IndexError.self) { try QueryPlan.prefixGroupBounded("t", limit: 2, searcher: searcher) }
    }

    @Test func queryTextSplitsIntoWordsAndPhrases() {
        #expect(ParsedQuery.split("a \"b c\" d").phrases == ["b c"])
        #expect(ParsedQuery.split("«x y» “z”").phrases == ["x y", "z"])
        #expect(ParsedQuery.split("no phrase").phrases.isEmpty)
    }

    @Test func functionWordsDoNotDecideTheRanking() throws {
        let searcher = try makeSearcher()
        let plan = try searcher.plan("les attaques de la région")
        #expect(plan.groups.map(\.word) == ["attaques", "region"])
        #expect(plan.droppedWords == ["les", "de", "la"])
        // A query made only of function words still runs.
        #expect(try !paths("de la").isEmpty)
    }
}

extension QueryPlan {
    /// `prefixGroup` with a small bound, for testing the refusal.
    static func prefixGroupBounded(_ prefix: String, limit: Int, searcher: Searcher) throws -> TermGroup {
        try prefixGroup(prefix, reader: searcher.reader, bm25: BM25(docCount: searcher.reader.docCount, averageDocLength: searcher.reader.averageDocLength), limit: limit)
    }
}
