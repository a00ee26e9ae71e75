import Foundation
import LoupeAnalysis
import LoupeIndex
import Testing
@testable import LoupeSearch

/// Scores against an independent computation straight from the formula, on a corpus whose
/// words need no stemming or language handling (documents in `other`, plain lower-case words).
@Suite struct BM25Tests {
    let documents: [String] = [
        "alpha beta gamma",
        "alpha alpha delta",
        "beta beta beta epsilon zeta eta theta",
        "gamma delta",
        "alpha",
        "zeta zeta zeta zeta alpha beta gamma delta epsilon iota kappa lambda",
        "omega",
    ]

    func reference(_ query: [String]) -> [(doc: Int, score: Double)] {
        // Each document is one line, so its title too: its words are indexed twice, in the text
        // and in the title field (`TitleField`).
        let tokenized = documents.map { text in
            let words = text.split(separator: " ").map(String.init)
            return words + words
        }
        let n = Double(tokenized.count)
        let avgdl = Double(tokenized.reduce(0) { $0 + $1.count }) / n
        var scores: [Int: Double] = [:]
        for term in Set(query) {
            let df = Double(tokenized.filter { $0.contains(term) }.count)
            guard df > 0 else { continue }
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            for (d, words) in tokenized.enumerated() {
                let tf = Double(words.filter { $0 == term }.count)
                guard tf > 0 else { continue }
                let dl = Double(words.count)
                scores[d, default: 0] += idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))
            }
        }
        return scores.map { ($0.key, $0.value) }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc }
    }

    @Test(arguments: [["alpha"], ["beta", "zeta"], ["alpha", "gamma", "delta"], ["omega", "alpha"], ["iota", "kappa", "theta", "eta"], ["missing"]])
    func scoresMatchTheReferenceFormula(_ query: [String]) throws {
        let dir = TemporaryDirectory()
        for (i, text) in documents.enumerated() { try dir.write("docs/d\(i).txt", text) }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        for strategy in RetrievalStrategy.allCases {
            let results = try searcher.search(query.joined(separator: " "), k: 10, strategy: strategy)
            let want = reference(query)
            #expect(results.hits.count == want.count)
            #expect(results.totalHits == want.count)
            for (got, expected) in zip(results.hits, want) {
                let path = try searcher.reader.record(got.doc).path
                #expect(path == "d\(expected.doc).txt")
                #expect(abs(got.score - expected.score) < 1e-6, "\(path): \(got.score) vs \(expected.score)")
            }
        }
    }

    @Test func tiesGoToTheSmallerDocId() throws {
        let dir = TemporaryDirectory()
        for i in 0..<5 { try dir.write("docs/d\(i).txt", "same words here") }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        let hits = try searcher.search("words", k: 3).hits
        #expect(hits.map(\.doc) == [0, 1, 2])
    }
}

/// Dynamic pruning must return exactly what exhaustive scoring returns.
@Suite struct PruningEquivalenceTests {
    @Test func maxScoreEqualsExhaustiveOnRandomQueries() throws {
        let dir = TemporaryDirectory()
        var rng = SplitMix(seed: 1234)
        // Zipf-like vocabulary so that postings have very different lengths.
        let vocabulary = (0..<400).map { "w\($0)" }
        var documents: [[String]] = []
        for d in 0..<1_500 {
            let length = 3 + rng.below(200)
            var words: [String] = []
            for _ in 0..<length {
                let r = Double(rng.below(1_000_000) + 1) / 1_000_000
                words.append(vocabulary[min(vocabulary.count - 1, Int(pow(r, 3) * Double(vocabulary.count)))])
            }
            try dir.write("docs/\(d / 100)/d\(d).txt", words.joined(separator: " "))
            documents.append(words)
        }
        // Two threads and small chunks: several segments, so the threshold carries across them.
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 2, filesPerChunk: 100, mergeSegments: .never))
        let reader = try IndexReader(path: dir.path + "/index")
        #expect(reader.segments.count == 2)
        let searcher = try Searcher(reader: reader)
        var prunedSomething = false, prunedOneWord = false, phrases = 0, phrasesMatched = 0
        for _ in 0..<300 {
            let size = 1 + rng.below(5)
            var query = (0..<size).map { _ in vocabulary[rng.below(vocabulary.count)] }.joined(separator: " ")
            // A third of the queries hold a phrase: two or three words in a row from some document
            // (so it matches at least there), or in an order no document may have.
            if rng.below(3) == 0 {
                let words = documents[rng.below(documents.count)]
                let length = 2 + rng.below(2), start = rng.below(words.count - length + 1)
                var phrase = Array(words[start..<(start + length)])
                if rng.below(4) == 0 { phrase.reverse() }
                query = "\"" + phrase.joined(separator: " ") + "\" " + query
                phrases += 1
            }
            let k = [1, 3, 10, 50][rng.below(4)]
            let exhaustive = try searcher.search(query, k: k, strategy: .exhaustive)
            // Term at a time (every posting); a large group read after the small ones (those of
            // at most 400 postings together); then MaxScore alone.
            for limit in [Int.max, 400] {
                searcher.termAtATimeLimit = limit
                #expect(try searcher.search(query, k: k, strategy: .maxScore).hits == exhaustive.hits, "query \(query) k \(k), limit \(limit)")
            }
            searcher.termAtATimeLimit = 0
            let pruned = try searcher.search(query, k: k, strategy: .maxScore)
            #expect(pruned.hits == exhaustive.hits, "query \(query) k \(k)")
            // The explanation of every hit adds up to exactly its score.
            for hit in pruned.hits.prefix(3) { #expect(try searcher.explain(pruned.plan, doc: hit.doc).value == hit.score, "explain \(query)") }
            #expect(pruned.totalHits == exhaustive.totalHits)
            if pruned.scored < exhaustive.scored { prunedSomething = true }
            if query.hasPrefix("\""), !exhaustive.hits.isEmpty { phrasesMatched += 1 }
            // One-word queries take their own path (block skipping only): it must prune too.
            if size == 1 && pruned.scored < exhaustive.scored { prunedOneWord = true }
        }
        #expect(prunedSomething)
        #expect(prunedOneWord)
        #expect(phrases > 60 && phrasesMatched > phrases / 2)
    }

    /// Boolean queries of every shape — `+`, `-`, `AND`, `OR`, `NOT`, parentheses, phrases —
    /// over several segments: evaluated term at a time (arrays combined clause by clause) and
    /// document at a time (the scorer tree, with and without pruning), they give the same hits
    /// with bit-identical scores, and the same count.
    @Test func booleanQueriesAgreeTermAtATimeAndDocumentAtATime() throws {
        let dir = TemporaryDirectory()
        var rng = SplitMix(seed: 2027)
        let vocabulary = (0..<80).map { "w\($0)" }
        var documents: [[String]] = []
        for d in 0..<900 {
            let words = (0..<(3 + rng.below(60))).map { _ in vocabulary[min(79, Int(pow(Double(rng.below(1000)) / 1000, 2) * 80))] }
            try dir.write("docs/\(d % 3)/d\(d).txt", words.joined(separator: " "))
            documents.append(words)
        }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index",
                                   options: IndexOptions(threads: 2, filesPerChunk: 150, mergeSegments: .never))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        #expect(searcher.reader.segments.count >= 2)
        func leaf(_ depth: Int) -> String {
            switch rng.below(8) {
            case 0:
                let words = documents[rng.below(documents.count)]
                let start = rng.below(words.count - 1)
                return "\"\(words[start]) \(words[start + 1])\"" + (rng.below(2) == 0 ? "~\(rng.below(3))" : "")
            case 1 where depth < 2: return "(" + query(depth + 1) + ")"
            default: return vocabulary[rng.below(40)]
            }
        }
        func query(_ depth: Int) -> String {
            var parts = [leaf(depth)]
            for _ in 0..<rng.below(4) {
                parts.append([" AND ", " OR ", " ", " AND NOT ", " +", " -"][rng.below(6)] + leaf(depth))
            }
            return parts.joined()
        }
        var matched = 0
        for _ in 0..<400 {
            let q = query(0)
            let k = [1, 3, 10][rng.below(3)]
            let exhaustive = try searcher.search(q, k: k, strategy: .exhaustive)
            if !exhaustive.hits.isEmpty { matched += 1 }
            for limit in [Int.max, 300, 0] {
                searcher.termAtATimeLimit = limit
                let pruned = try searcher.search(q, k: k, strategy: .maxScore)
                #expect(pruned.hits == exhaustive.hits, "\(q) k \(k) limit \(limit)")
                #expect(pruned.totalHits == exhaustive.totalHits, "\(q) limit \(limit)")
            }
        }
        #expect(matched > 200)
    }

    /// `+word`, `-word` and the options' filters cut the candidates before the top k: pruned and
    /// exhaustive agree, every hit holds the `+` words and none of the `-` words, and the hit count
    /// is the number of allowed matching documents.
    @Test func requiredExcludedAndFilteredQueriesAgreeAcrossStrategies() throws {
        let dir = TemporaryDirectory()
        var rng = SplitMix(seed: 4321)
        let vocabulary = (0..<60).map { "w\($0)" }
        var documents: [String: Set<String>] = [:]
        for d in 0..<400 {
            let words = (0..<(3 + rng.below(40))).map { _ in vocabulary[min(59, Int(pow(Double(rng.below(1000)) / 1000, 2) * 60))] }
            let path = "\(d % 4)/d\(d).txt"
            try dir.write("docs/" + path, words.joined(separator: " "))
            documents[path] = Set(words)
        }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index",
                                   options: IndexOptions(threads: 2, filesPerChunk: 50, mergeSegments: .never))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        for round in 0..<300 {
            var parts: [String] = [], required: [String] = [], excluded: [String] = []
            for _ in 0..<(1 + rng.below(4)) {
                let word = vocabulary[rng.below(20)]
                switch rng.below(5) {
                case 0: parts.append("+" + word); required.append(word)
                case 1: parts.append("-" + word); excluded.append(word)
                default: parts.append(word)
                }
            }
            let query = parts.joined(separator: " ")
            searcher.filter = round % 3 == 0 ? SearchFilter(pathPrefix: "\(rng.below(4))/") : SearchFilter()
            let k = [1, 5, 20][rng.below(3)]
            let exhaustive = try searcher.search(query, k: k, strategy: .exhaustive)
            // Term at a time; a large group read after small ones (few postings together: the
            // floor their partial sums set must come from documents the filter allows); MaxScore.
            for limit in [Int.max, 60, 0] {
                searcher.termAtATimeLimit = limit
                let pruned = try searcher.search(query, k: k, strategy: .maxScore)
                #expect(pruned.hits == exhaustive.hits, "\(query) k \(k) limit \(limit)")
                #expect(pruned.totalHits == exhaustive.totalHits)
            }
            let positive = parts.filter { !$0.hasPrefix("-") }.map { $0.hasPrefix("+") ? String($0.dropFirst()) : $0 }
            let allowed = documents.filter { path, words in
                (searcher.filter.pathPrefix.map { path.hasPrefix($0) } ?? true) && required.allSatisfy(words.contains)
                    && !excluded.contains(where: words.contains) && positive.contains(where: words.contains)
            }
            #expect(exhaustive.totalHits == allowed.count, "\(query)")
            for hit in exhaustive.hits {
                let path = try searcher.reader.record(hit.doc).path
                #expect(allowed[path] != nil, "\(query) returned \(path)")
            }
        }
    }

    /// A word's keys in one language — its stem, and its surface form where it was a name — are two
    /// members of one group that a document may hold one or both of. A block bound computed on a
    /// document holding both must still cover a later short document holding one: here pruning
    /// must not skip `c.txt` ("casas casas", a short text) after `b.txt`, a long text holding both
    /// the name `Casas` and the word `casas`.
    @Test func sameLanguageMembersKeepTheirOwnBounds() throws {
        let dir = TemporaryDirectory()
        let filler = String(repeating: "el perro de la vecina come con los gatos por la tarde y se queda en la calle ", count: 30)
        try dir.write("docs/a.txt", "Una de las casas del pueblo es para mi madre.")
        try dir.write("docs/b.txt", "En el pueblo vive Casas, el hombre de las casas. " + filler)
        try dir.write("docs/c.txt", "Las casas, las casas del pueblo.")
        for i in 0..<20 { try dir.write("docs/z\(i).txt", "El perro de la vecina come con los gatos por la tarde.") }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let reader = try IndexReader(path: dir.path + "/index")
        let searcher = try Searcher(reader: reader)
        #expect(try reader.record(1).language == Language.spanish.rawValue)
        let plan = try searcher.plan("casas")
        #expect(plan.groups.first.map { $0.keys.filter { $0.last == Language.spanish.rawValue }.count } == 2)
        searcher.termAtATimeLimit = 0  // MaxScore's bounds are under test
        for k in [1, 2] {
            let exhaustive = try searcher.search("casas", k: k, strategy: .exhaustive)
            #expect(exhaustive.hits.first?.doc == 2)
            #expect(try searcher.search("casas", k: k, strategy: .maxScore).hits == exhaustive.hits)
            #expect(try searcher.search("casas perro", k: k, strategy: .maxScore).hits == searcher.search("casas perro", k: k, strategy: .exhaustive).hits)
        }
    }

    /// The random test again over words of three languages, with plurals (several stems per query
    /// word) and capitalized occurrences mid-sentence (names, kept unstemmed): groups with several
    /// members, in one language or several. Names occur only in long documents, so a name member's
    /// impacts are all long while its word's other member also has short documents.
    @Test func maxScoreEqualsExhaustiveOnMultilingualRandomQueries() throws {
        let dir = TemporaryDirectory()
        var rng = SplitMix(seed: 99)
        let languages: [(function: [String], content: [String])] = [
            (["the", "and", "of", "with", "which"], ["house", "houses", "garden", "gardens", "river", "rivers", "paint", "painting", "painted"]),
            (["les", "des", "avec", "dans", "est"], ["maison", "maisons", "jardin", "jardins", "fleuve", "peinture", "peintures", "peint"]),
            (["las", "los", "del", "para", "con"], ["casa", "casas", "jardín", "jardines", "río", "ríos", "pintura", "pinturas", "pintado"]),
        ]
        for d in 0..<600 {
            let language = languages[rng.below(languages.count)]
            let length = 2 + Int(pow(Double(rng.below(1000)) / 1000, 4) * 400)
            var words: [String] = []
            for _ in 0..<length {
                if rng.below(12) != 0 {
                    // Function words (for language detection) and filler that no query asks for.
                    words.append(rng.below(2) == 0 ? language.function[rng.below(language.function.count)] : "filler\(rng.below(50))")
                } else {
                    let word = language.content[min(language.content.count - 1, Int(pow(Double(rng.below(1000)) / 1000, 2) * Double(language.content.count)))]
                    words.append(length > 150 && rng.below(2) == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word)
                }
            }
            try dir.write("docs/d\(d).txt", words.joined(separator: " "))
        }
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 1))
        let searcher = try Searcher(reader: IndexReader(path: dir.path + "/index"))
        let vocabulary = languages.flatMap(\.content)
        for _ in 0..<500 {
            let query = (0..<(1 + rng.below(3))).map { _ in vocabulary[rng.below(vocabulary.count)] }.joined(separator: " ")
            let k = [1, 2, 5, 10][rng.below(4)]
            let exhaustive = try searcher.search(query, k: k, strategy: .exhaustive)
            for limit in [Int.max, 150, 0] {
                searcher.termAtATimeLimit = limit
                #expect(try searcher.search(query, k: k, strategy: .maxScore).hits == exhaustive.hits, "query \(query) k \(k) limit \(limit)")
            }
        }
    }
}
