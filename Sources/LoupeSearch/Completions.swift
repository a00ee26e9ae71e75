import LoupeFormat
import LoupeRead

/// A dictionary word that starts with what a person has typed, for `serve`'s `/suggest`.
public struct Completion: Sendable, Equatable {
    /// The indexed term (folded: lower case, as the analyzer keeps it).
    public var term: String
    /// Live documents that hold it, summed over its languages and segments.
    public var docFreq: Int
}

extension Searcher {
    /// The `limit` commonest indexed terms (by live document frequency, ties alphabetical) that
    /// start with `prefix`, folded as a query word is (case, accents, elisions): the ordered
    /// dictionary is walked from the prefix, at most `scanLimit` terms per segment. Empty for a
    /// prefix that folds to nothing.
    public func completions(of prefix: String, limit: Int = 8, scanLimit: Int = 20_000) throws -> [Completion] {
        let words = analyzer.foldedWords(prefix).map(\.term)
        guard let word = words.last, !word.isEmpty else { return [] }
        let start = Array(word.utf8)
        var counts: [String: Int] = [:]
        for segment in reader.segments {
            var seen = 0
            try segment.terms.forEach(from: start) { key, info in
                guard key.starts(with: start), seen < scanLimit else { return false }
                seen += 1
                // Keys are the term's bytes then a language byte; a name's key is flagged there too.
                let live = try segment.liveStatistics(key, info).docFreq
                if live > 0 { counts[String(decoding: key.dropLast(), as: UTF8.self), default: 0] += live }
                return true
            }
        }
        return counts.map { Completion(term: $0.key, docFreq: $0.value) }
            .sorted { $0.docFreq != $1.docFreq ? $0.docFreq > $1.docFreq : $0.term < $1.term }
            .prefix(limit).map { $0 }
    }
}
