// loupe-eval QUERIES.tsv CORPUS_DIR: indexes the corpus into a temporary directory, runs the
// relevance set and prints precision@1 and MRR, with every query that missed the first rank.
import Foundation
import LoupeIndex
import LoupeSearch

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: loupe-eval QUERIES.tsv CORPUS_DIR\n".utf8))
    exit(2)
}
do {
    let evaluation = try RelevanceEvaluation(tsv: String(contentsOfFile: arguments[1], encoding: .utf8))
    let index = NSTemporaryDirectory() + "loupe-eval-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: index) }
    _ = try IndexBuilder.build(corpus: arguments[2], index: index)
    let outcomes = try evaluation.run(searcher: Searcher(reader: IndexReader(path: index)))
    for o in outcomes where o.rank != 1 {
        print("miss  rank \(o.rank.map(String.init) ?? "-")  \(o.query)  → got \(o.top ?? "nothing"), want \(o.expected.sorted().joined(separator: "|"))")
    }
    func line(_ name: String, _ outcomes: [RelevanceEvaluation.Outcome]) -> String {
        let p1 = RelevanceEvaluation.precisionAt1(outcomes), mrr = RelevanceEvaluation.meanReciprocalRank(outcomes)
        let label = name.padding(toLength: 8, withPad: " ", startingAt: 0)
        return "\(label) queries: \(String(outcomes.count).leftPadded(3))   precision@1: \(String(format: "%.3f", p1))   MRR: \(String(format: "%.3f", mrr))"
    }
    for (group, members) in RelevanceEvaluation.byGroup(outcomes) { print(line(group, members)) }
    print(line("all", outcomes))
} catch {
    FileHandle.standardError.write(Data("loupe-eval: error: \(error)\n".utf8))
    exit(1)
}
