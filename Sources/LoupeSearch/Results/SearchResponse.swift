import LoupeAnalysis
import LoupeFormat
import LoupeRead
import LoupeStorage

/// One result as shown to a user.
public struct SearchHit: Sendable {
    public var rank: Int
    public var doc: Int
    public var path: String
    public var title: String
    public var language: Language
    public var score: Double
    public var snippet: Snippet
    /// How the score was computed, when asked for (`respond(…explain: true)`).
    public var explanation: Explanation?
}

/// A query's complete answer: ranked hits with snippets.
public struct SearchResponse: Sendable {
    public var query: String
    public var totalHits: Int
    public var tookMilliseconds: Double
    public var hits: [SearchHit]
    public var droppedWords: [String]
    public var unknownWords: [String]
    /// Other languages' names of the places and languages the query names, searched too.
    public var translations: [String]
    /// When the query found fewer than `suggestionBelow` documents: the query with its rare or
    /// unknown words replaced by the nearest common dictionary words ("did you mean"), or nil.
    public var suggestion: String?
}

extension Searcher {
    /// A query that finds fewer documents than this gets a "did you mean".
    public static let suggestionBelow = 3

    /// The query with each of its words that is in at most one document replaced by the nearest
    /// dictionary word (fewest edits, within 1 for words of up to 5 letters, else 2; then the most
    /// documents) found in more; nil when no word changes. The words are the index's terms (a
    /// name as written, other words as their stems).
    func suggest(for query: ParsedQuery, plan: QueryPlan) throws -> String? {
        var words: [String] = []
        var changed = false
        for analyzed in query.words {
            let word = analyzed.word
            let df = plan.groups.first { $0.word == word }?.docFreq ?? 0
            guard df <= 1 else {
                words.append(word)
                continue
            }
            var candidates: [String: (distance: Int, docFreq: Int)] = [:]
            for segment in reader.segments {
                for match in try FuzzyTerms.matches(of: word, maxEdits: FuzzyTerms.defaultEdits(for: word), in: segment.terms) {
                    guard let (_, term) = TermKey.split(match.key), term != word else { continue }
                    let known = candidates[term]
                    candidates[term] = (min(known?.distance ?? .max, match.distance), (known?.docFreq ?? 0) + match.docFreq)
                }
            }
            let best = candidates.filter { $0.value.docFreq > df }.min { a, b in
                a.value.distance != b.value.distance ? a.value.distance < b.value.distance
                    : a.value.docFreq != b.value.docFreq ? a.value.docFreq > b.value.docFreq : a.key < b.key
            }
            if let best {
                words.append(best.key)
                changed = true
            } else {
                words.append(word)
            }
        }
        return changed ? words.joined(separator: " ") : nil
    }

    /// Searches and builds a snippet for every hit of the page: the `k` best after the first
    /// `offset` (ranks count from the top, so the page's first hit has rank `offset + 1`).
    public func respond(to query: String, k: Int = 10, offset: Int = 0, strategy: RetrievalStrategy = .maxScore,
                        explain: Bool = false) throws -> SearchResponse {
        // The table of place names is built once per process (about 3 ms): not the query's time.
        if expandNames { _ = PlaceNames.shared(folding: analyzer) }
        let started = monotonicSeconds()
        let ranked = try search(query, k: k + max(0, offset), strategy: strategy, countTotal: true)
        let builder = SnippetBuilder()
        var hits: [SearchHit] = []
        for (i, scored) in ranked.hits.enumerated() where i >= offset {
            let record = try reader.record(scored.doc)
            let text = try reader.text(scored.doc)
            let language = Language(rawValue: record.language) ?? .other
            let snippet = builder.snippet(text: text, language: language, plan: ranked.plan, analyzer: analyzer)
            hits.append(SearchHit(rank: i + 1, doc: scored.doc, path: record.path, title: record.title, language: language,
                                  score: scored.score, snippet: snippet,
                                  explanation: explain ? try self.explain(ranked.plan, doc: scored.doc) : nil))
        }
        let unknown = ranked.plan.groups.filter { $0.keys.isEmpty }.map(\.word)
        let total = ranked.totalHits ?? hits.count
        // (Operator queries get none: their words, fields and patterns are not one list to respell.)
        let suggestion = total < Self.suggestionBelow && ranked.plan.boolean == nil ? try suggest(for: parse(query), plan: ranked.plan) : nil
        return SearchResponse(query: query, totalHits: ranked.totalHits ?? hits.count, tookMilliseconds: (monotonicSeconds() - started) * 1000,
                              hits: hits, droppedWords: ranked.plan.droppedWords, unknownWords: unknown,
                              translations: ranked.plan.translations, suggestion: suggestion)
    }
}
