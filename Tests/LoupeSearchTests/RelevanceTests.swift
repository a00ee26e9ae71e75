import Foundation
import LoupeIndex
import Testing
@testable import LoupeSearch

/// The repository's relevance set over Corpus/ (Tests/Eval/queries.tsv).
@Suite struct RelevanceTests {
    @Test func precisionAtOneOnTheCorpusIsAtLeast97Percent() throws {
        let root = repositoryRoot()
        let evaluation = try RelevanceEvaluation(tsv: String(contentsOfFile: root + "/Tests/Eval/queries.tsv", encoding: .utf8))
        #expect(evaluation.cases.count >= 60)
        let dir = TemporaryDirectory()
        _ = try IndexBuilder.build(corpus: root + "/Corpus", index: dir.path + "/index")
        let outcomes = try evaluation.run(searcher: Searcher(reader: IndexReader(path: dir.path + "/index")))
        let misses = outcomes.filter { $0.rank != 1 }.map { "\($0.query) → \($0.top ?? "-")" }
        #expect(RelevanceEvaluation.precisionAt1(outcomes) >= 0.97, "misses: \(misses)")
        // Every language section has its queries, and each holds the bar on its own.
        let groups = RelevanceEvaluation.byGroup(outcomes)
        #expect(groups.map(\.group) == ["en", "fr", "es"])
        for (group, members) in groups { #expect(RelevanceEvaluation.precisionAt1(members) >= 0.95, "\(group)") }
        #expect(RelevanceEvaluation.meanReciprocalRank(outcomes) >= 0.95)
    }
}
