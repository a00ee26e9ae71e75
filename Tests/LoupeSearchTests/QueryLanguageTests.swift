import Foundation
import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// The query language on `Corpus/`: operators, proximity, patterns, fields, `--all`, and the
/// errors of queries it cannot read.
@Suite struct QueryLanguageTests {
    /// `Corpus/` indexed once for the suite.
    nonisolated(unsafe) static let corpus: (TemporaryDirectory, IndexReader)? = {
        let dir = TemporaryDirectory()
        guard (try? IndexBuilder.build(corpus: repositoryRoot() + "/Corpus", index: dir.path + "/index", options: IndexOptions(threads: 1))) != nil,
              let reader = try? IndexReader(path: dir.path + "/index") else { return nil }
        return (dir, reader)
    }()

    func searcher(all: Bool = false) throws -> Searcher {
        let s = try Searcher(reader: try #require(Self.corpus).1)
        s.matchAll = all
        return s
    }

    func paths(_ query: String, all: Bool = false, k: Int = 60) throws -> [String] {
        let s = try searcher(all: all)
        return try s.search(query, k: k).hits.map { try s.reader.record($0.doc).path }
    }

    /// The folded words of a corpus document.
    func words(_ path: String) throws -> Set<String> {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot() + "/Corpus/" + path)))
        let text = String(decoding: try ExtractorRegistry.standard.extract(bytes, fileName: path).get().text, as: UTF8.self)
        return Set(try Analyzer().foldedWords(text).map(\.term))
    }

    @Test func phrasesKeepTheirOrderAndProximityDoesNot() throws {
        #expect(try paths("\"armée française\"").contains("fr/operation-serval-2013.txt"))
        #expect(try paths("\"française armée\"").isEmpty)
        #expect(try paths("\"française armée\"~2").contains("fr/operation-serval-2013.txt"))
        // Within the window only: the words are next to each other, so ~0 suffices, in any order.
        #expect(try paths("\"française armée\"~0").contains("fr/operation-serval-2013.txt"))
    }

    @Test func operatorsCombineWords() throws {
        let both = try paths("mali AND wagner")
        #expect(!both.isEmpty)
        for path in both {
            let w = try words(path)
            #expect(w.contains("mali") && w.contains("wagner"), "\(path)")
        }
        #expect(try paths("mali wagner", all: true) == both)
        let either = try paths("(mali OR niger) AND NOT wagner")
        #expect(!either.isEmpty)
        for path in either {
            let w = try words(path)
            #expect((w.contains("mali") || w.contains("niger")) && !w.contains("wagner"), "\(path)")
        }
        #expect(!either.contains("en/wagner-group-africa.txt"))
        // AND binds tighter than OR.
        let mixed = Set(try paths("wagner OR mali AND barkhane"))
        #expect(mixed == Set(try paths("wagner OR (mali AND barkhane)")))
        #expect(mixed.contains("en/wagner-group-africa.txt"))
        // Lower-case operators are words.
        #expect(try searcher().parse("mali and wagner").syntax == nil)
    }

    @Test func patternsExpandOverTheDictionary() throws {
        #expect(try paths("m?li").first == "en/mali-barkhane-withdrawal.txt" || (try paths("m?li")).contains("fr/operation-serval-2013.txt"))
        #expect(try paths("tim*u").first == "en/timbuktu-manuscripts.txt")
        #expect(try paths("niam*").first == "fr/niamey-ambassadeur-itte.txt")
        #expect(try paths("zq?x").isEmpty)
    }

    @Test func fieldsRestrict() throws {
        #expect(try paths("title:\"opération serval\"") == ["fr/operation-serval-2013.txt"])
        #expect(try paths("title:serval") == ["fr/operation-serval-2013.txt"])
        let spanish = try paths("lang:es sequia")
        #expect(spanish.first == "es/canal-panama-sequia.html")
        #expect(spanish.allSatisfy { $0.hasPrefix("es/") })
        #expect(Set(try paths("ext:md")) == ["en/lake-chad-shrinking.md", "es/dia-de-muertos-oaxaca.md", "fr/fespaco-ouagadougou.md",
                                               "fr/rapport-sahel-2012-2025.md"])
        let french = try paths("path:fr/ barkhane")
        #expect(!french.isEmpty && french.allSatisfy { $0.hasPrefix("fr/") })
        #expect(try paths("lang:fr -barkhane").allSatisfy { $0.hasPrefix("fr/") && !$0.contains("barkhane") })
    }

    @Test(arguments: [
        ("mali AND", 5, "AND needs a word after it"),
        ("AND", 0, "AND needs a word before it"),
        ("mali OR OR niger", 5, "OR needs a word after it"),
        ("title:", 0, "title: needs a word"),
        ("*", 0, "a pattern needs letters"),
        ("~~", 0, "~ needs a word"),
        ("NOT mali", 0, "nothing to search"),
        ("\"mali niger\"~x", 12, "a phrase's ~ needs a number"),
    ])
    func unreadableQueriesSayWhere(_ query: String, _ position: Int, _ message: String) throws {
        let s = try searcher()
        do {
            _ = try s.search(query)
            Issue.record("\(query) should be an error")
        } catch let error as QuerySyntaxError {
            #expect(error.position == position, "\(error)")
            #expect(error.message.hasPrefix(message), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func clearIntentsAreReadLeniently() throws {
        #expect(try paths("(mali") == (try paths("mali")))
        #expect(try paths("mali)") == (try paths("mali")))
        #expect(try paths("(mali OR niger") == (try paths("mali OR niger")))
        #expect(try paths("\"armée française").contains("fr/operation-serval-2013.txt"))
    }

    @Test func booleanHitsExplainTheirScoresExactly() throws {
        let s = try searcher()
        for query in ["(mali OR niger) AND NOT wagner", "\"française armée\"~2 serval", "title:serval OR barkhane", "m?li AND troops"] {
            let results = try s.search(query, k: 5)
            for hit in results.hits {
                let explanation = try s.explain(results.plan, doc: hit.doc)
                #expect(explanation.value == hit.score, "\(query)")
                #expect(explanation.details.reduce(0) { $0 + $1.value } == hit.score || explanation.details.isEmpty, "\(query)")
            }
        }
    }
}

/// Random operator queries over a three-segment index: the scorers' top k equals a direct
/// evaluation of the query over every document's tokens, under both strategies.
@Suite struct BooleanExactnessTests {
    static let vocabulary = ["mali", "niger", "armée", "soldats", "frontière", "ejército", "soldados", "frontera", "army", "troops", "border", "gao"]

    nonisolated(unsafe) static let index: (TemporaryDirectory, IndexReader)? = {
        var rng = SplitMix(seed: 77)
        let dir = TemporaryDirectory()
        let fillers = ["fr": ["le", "la", "les", "de", "et", "dans"], "es": ["el", "la", "los", "de", "y", "en"], "en": ["the", "of", "and", "in", "to", "a"]]
        for i in 0..<90 {
            let language = ["fr", "es", "en"][i % 3]
            let ext = i % 4 == 0 ? "md" : "txt"
            let words = (0..<(8 + rng.below(30))).map { _ in rng.below(3) == 0 ? fillers[language]![rng.below(6)] : vocabulary[rng.below(vocabulary.count)] }
            try? dir.write("docs/\(language)/d\(i).\(ext)", "Titre \(i)\n\n" + words.joined(separator: " ") + ".\n")
        }
        let options = IndexOptions(threads: 3, filesPerChunk: 4, mergeSegments: .never)
        guard (try? IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: options)) != nil,
              let reader = try? IndexReader(path: dir.path + "/index") else { return nil }
        return (dir, reader)
    }()

    static func randomQuery(_ rng: inout SplitMix, depth: Int = 0) -> String {
        func word() -> String { vocabulary[rng.below(vocabulary.count)] }
        let leaf: String
        switch rng.below(9) {
        case 0: leaf = "\"\(word()) \(word())\""
        case 1: leaf = "\"\(word()) \(word())\"~\(rng.below(4))"
        case 2: leaf = String(word().prefix(3)) + "*"
        case 3: leaf = { var w = Array(word()); w[1] = "?"; return String(w) }()
        case 4: leaf = ["lang:fr", "lang:es", "lang:en", "ext:md", "path:fr/"][rng.below(5)]
        case 5 where depth < 2: leaf = "(" + randomQuery(&rng, depth: depth + 1) + ")"
        case 6 where rng.below(2) == 0: leaf = word() + "~1"
        default: leaf = word()
        }
        var query = [(rng.below(5) == 0 ? ["+", "-", "NOT "][rng.below(3)] : "") + leaf]
        for _ in 0..<rng.below(3) {
            query.append(["AND", "OR", "", "AND NOT"][rng.below(4)])
            query.append(word())
        }
        return query.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The query evaluated document by document from the stored text's tokens: (matches, score).
    static func reference(_ query: BooleanQuery, tokens: [(key: [UInt8], position: Int)], record: DocumentRecord, length: Double,
                          bm25: BM25) throws -> (Bool, Double) {
        func tf(_ keys: [[UInt8]]) -> Int { tokens.filter { keys.contains($0.key) }.count }
        switch query {
        case .word(let groups, let boosts):
            let present = groups.filter { tf($0.keys) > 0 }
            guard !present.isEmpty else { return (false, 0) }
            let score = (present + boosts.filter { tf($0.keys) > 0 }).reduce(0.0) { $0 + bm25.score(idf: $1.idf, tf: Double(tf($1.keys)), docLength: length) }
            return (true, score)
        case .phrase(let words, let slop):
            let lists = words.map { w in tokens.filter { w.keys.contains($0.key) }.map { UInt32($0.position) } }
            guard lists.allSatisfy({ !$0.isEmpty }) else { return (false, 0) }
            let frequency = slop.map { referenceWindows(lists, slop: $0) }
                ?? lists[0].filter { p in lists.indices.dropFirst().allSatisfy { lists[$0].contains(p + UInt32($0)) } }.count
            guard frequency > 0 else { return (false, 0) }
            return (true, bm25.score(idf: words.reduce(0) { $0 + $1.idf }, tf: Double(frequency), docLength: length))
        case .filter(let filter):
            return (try BooleanScorerFactory.matches(filter, record), 0)
        case .title, .nothing:
            return (false, 0)
        case .boolean(let must, let should, let mustNot):
            var score = 0.0
            for m in must {
                let (ok, s) = try reference(m, tokens: tokens, record: record, length: length, bm25: bm25)
                guard ok else { return (false, 0) }
                score += s
            }
            for n in mustNot where try reference(n, tokens: tokens, record: record, length: length, bm25: bm25).0 { return (false, 0) }
            var any = false
            for s in should {
                let (ok, v) = try reference(s, tokens: tokens, record: record, length: length, bm25: bm25)
                if ok { any = true; score += v }
            }
            return (!must.isEmpty || any, score)
        }
    }

    /// Proximity counted the plain way: occurrences in order (ties by word), each window the
    /// earliest-ending one holding every word within `words + slop` positions that starts after
    /// the previous window's last occurrence.
    static func referenceWindows(_ lists: [[UInt32]], slop: Int) -> Int {
        var occurrences: [(position: UInt32, word: Int)] = []
        for (w, list) in lists.enumerated() {
            for p in list { occurrences.append((p, w)) }
        }
        occurrences.sort { a, b in a.position != b.position ? a.position < b.position : a.word < b.word }
        let width = UInt32(lists.count + slop)
        var start = 0, count = 0
        var end = 0
        while end < occurrences.count {
            var latest = [UInt32?](repeating: nil, count: lists.count)
            for o in occurrences[start...end] { latest[o.word] = o.position }
            let found = latest.compactMap { $0 }
            if found.count == lists.count, let first = found.min(), occurrences[end].position - first < width {
                count += 1
                start = end + 1
            }
            end += 1
        }
        return count
    }

    /// Positions of 2 to 4 words in a random text of `minimum` to `minimum + 39` positions, each
    /// position one word's with probability 1/`oneIn` (as in a document); every 7th round the
    /// second word is the first (`"notes notes"`).
    static func randomPositionLists(_ rng: inout SplitMix, round: Int, minimum: Int, oneIn: Int) -> [[UInt32]] {
        let words = 2 + rng.below(3)
        var lists = [[UInt32]](repeating: [], count: words)
        for p in 0..<UInt32(minimum + rng.below(40)) where rng.below(oneIn) == 0 { lists[rng.below(words)].append(p) }
        if round % 7 == 0 { lists[1] = lists[0] }
        return lists
    }

    @Test func proximityCountsAgreeWithThePlainDefinition() {
        var rng = SplitMix(seed: 77)
        for round in 0..<2000 {
            let lists = Self.randomPositionLists(&rng, round: round, minimum: 10, oneIn: 3)
            let slop = rng.below(6)
            #expect(PhraseMatcher.windows(lists, slop: slop) == Self.referenceWindows(lists, slop: slop), "\(lists) ~\(slop)")
        }
    }

    /// Phrase counts (the two-word walk and the general one) against the plain definition: the
    /// first word's positions `p` with `p + i` among word `i`'s for every `i`.
    @Test func phraseCountsAgreeWithThePlainDefinition() {
        var rng = SplitMix(seed: 78)
        for round in 0..<2000 {
            var lists = Self.randomPositionLists(&rng, round: round, minimum: 5, oneIn: 2)
            // Every few rounds the second word's positions are the first's shifted by one, so
            // that the phrase surely occurs.
            if round % 5 == 0 { lists[1] = lists[0].map { $0 + 1 } }
            let expected = lists[0].filter { p in (1..<lists.count).allSatisfy { lists[$0].contains(p + UInt32($0)) } }.count
            #expect(PhraseMatcher.consecutive(lists) == expected, "\(lists)")
        }
    }

    @Test func scorersEqualADirectEvaluation() throws {
        let reader = try #require(Self.index).1
        #expect(reader.segments.count >= 3)
        let searcher = try Searcher(reader: reader)
        let defaultLimit = searcher.termAtATimeLimit
        let analyzer = try Analyzer()
        var documents: [(tokens: [(key: [UInt8], position: Int)], record: DocumentRecord, length: Double)] = []
        for doc in 0..<reader.docCount {
            let record = try reader.record(doc)
            let language = Language(rawValue: record.language) ?? .other
            let text = String(decoding: try reader.text(doc), as: UTF8.self)
            var tokens = analyzer.tokens(text, language: language).map { (key: TermKey.make(language, $0.term), position: $0.position) }
            // The title field: the title's words again, `TitleField.gap` past the text's.
            let titleStart = tokens.count + Int(TitleField.gap)
            tokens += analyzer.tokens(record.title, language: language).map { (TermKey.make(language, $0.term), titleStart + $0.position) }
            let length = tokens.count
            documents.append((tokens, record, Double(length)))
        }
        var rng = SplitMix(seed: 4242)
        var checked = 0
        for _ in 0..<300 {
            let query = Self.randomQuery(&rng)
            // The tree as the boolean scorers see it (for the reference), and the query as the
            // searcher runs it — through the OR path when it says the same (`QuerySyntax.flatForm`).
            let plan: QueryPlan, tree: BooleanQuery
            do {
                let parsed = ParsedQuery(query, analyzer: analyzer, matchAll: true)
                plan = try searcher.plan(parsed)
                let syntax = try QuerySyntax.parse(query, defaultAnd: true)
                tree = try #require(try QueryPlan.make(parsed, syntax: syntax, analyzer: analyzer, reader: reader, bm25: searcher.bm25).boolean)
            } catch is QuerySyntaxError {
                continue
            }
            var expected: [ScoredDoc] = []
            for (doc, d) in documents.enumerated() {
                let (ok, score) = try Self.reference(tree, tokens: d.tokens, record: d.record, length: d.length, bm25: searcher.bm25)
                if ok { expected.append(ScoredDoc(score: score, doc: doc)) }
            }
            expected.sort(by: >)
            for strategy in RetrievalStrategy.allCases {
                let results = try searcher.search(plan, k: 10, strategy: strategy)
                #expect(results.totalHits == expected.count, "\(query)")
                #expect(results.hits.map(\.doc) == expected.prefix(10).map(\.doc), "\(query)")
                for (a, b) in zip(results.hits, expected) { #expect(abs(a.score - b.score) < 1e-9, "\(query)") }
                // Without counting, the roots skip what cannot enter the top k: the same hits.
                #expect(try searcher.search(plan, k: 10, strategy: strategy, countTotal: false).hits.map(\.doc) == expected.prefix(10).map(\.doc), "\(query)")
            }
            // Term at a time (every limit lets these small postings through) and document at a
            // time give the same hits with bit-identical scores, and the same count.
            let exhaustive = try searcher.search(plan, k: 10, strategy: .exhaustive)
            for limit in [Int.max, 40, 0] {
                searcher.termAtATimeLimit = limit
                let pruned = try searcher.search(plan, k: 10, strategy: .maxScore)
                #expect(pruned.hits == exhaustive.hits, "\(query) limit \(limit)")
                #expect(pruned.totalHits == exhaustive.totalHits, "\(query) limit \(limit)")
            }
            searcher.termAtATimeLimit = defaultLimit
            checked += 1
        }
        #expect(checked > 200)
    }

    /// Random text from the language's own characters: the parser never crashes, and a query it
    /// cannot read is an error whose position lies inside the query.
    @Test func parserNeverCrashes() throws {
        let pieces = ["(", ")", "\"", "“", "»", "~", "~2", "*", "?", ":", "title:", "lang:", "ext:pdf", "path:", "AND", "OR", "NOT", "and",
                      "+", "-", " ", " ", "mali", "armée", "m?li", "niam*", "\u{0}", "東京", "\n", "~~", "((", "))", "--", "++"]
        var rng = SplitMix(seed: 99)
        let searcher = try Searcher(reader: try #require(Self.index).1)
        // `make fuzz` runs 100,000 (LOUPE_FUZZ_SCALE=20).
        for _ in 0..<(5_000 * FuzzTests.scale) {
            let query = (0..<(1 + rng.below(10))).map { _ in pieces[rng.below(pieces.count)] }.joined()
            do {
                _ = try QuerySyntax.parse(query, defaultAnd: rng.below(2) == 0)
            } catch let error as QuerySyntaxError {
                #expect(error.position >= 0 && error.position <= query.count, "\(query.debugDescription)")
            }
            do {
                _ = try searcher.search(query, k: 3)
            } catch let error as QuerySyntaxError {
                #expect(error.position >= 0 && error.position <= query.count, "\(query.debugDescription)")
            } catch let error as IndexError {
                // A pattern matching too many terms is the only other error a query may raise.
                #expect("\(error)".contains("matches more than"), "\(query.debugDescription): \(error)")
            }
        }
    }
}
