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
        let tokenized = documents.map { $0.split(separator: " ").map(String.init) }
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
        for d in 0..<1_500 {
            let length = 3 + rng.below(200)
            var words: [String] = []
            for _ in 0..<length {
                let r = Double(rng.below(1_000_000) + 1) / 1_000_000
                words.append(vocabulary[min(vocabulary.count - 1, Int(pow(r, 3) * Double(vocabulary.count)))])
            }
            try dir.write("docs/\(d / 100)/d\(d).txt", words.joined(separator: " "))
        }
        // Two threads and small chunks: several segments, so the threshold carries across them.
        _ = try IndexBuilder.build(corpus: dir.path + "/docs", index: dir.path + "/index", options: IndexOptions(threads: 2, filesPerChunk: 100, mergeSegments: .never))
        let reader = try IndexReader(path: dir.path + "/index")
        #expect(reader.segments.count == 2)
        let searcher = try Searcher(reader: reader)
        var prunedSomething = false, prunedOneWord = false
        for _ in 0..<300 {
            let size = 1 + rng.below(5)
            let query = (0..<size).map { _ in vocabulary[rng.below(vocabulary.count)] }.joined(separator: " ")
            let k = [1, 3, 10, 50][rng.below(4)]
            let exhaustive = try searcher.search(query, k: k, strategy: .exhaustive)
            let pruned = try searcher.search(query, k: k, strategy: .maxScore)
            #expect(pruned.hits == exhaustive.hits, "query \(query) k \(k)")
            #expect(pruned.totalHits == exhaustive.totalHits)
            if pruned.scored < exhaustive.scored { prunedSomething = true }
            // One-word queries take their own path (block skipping only): it must prune too.
            if size == 1 && pruned.scored < exhaustive.scored { prunedOneWord = true }
        }
        #expect(prunedSomething)
        #expect(prunedOneWord)
    }
}
