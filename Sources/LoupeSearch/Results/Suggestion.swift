import LoupeAnalysis
import LoupeFormat

/// "Did you mean": a query that finds fewer than `suggestionBelow` documents is shown again with
/// its rare or unknown words respelled as the nearest common dictionary words.
extension Searcher {
    /// A query that finds fewer documents than this gets a "did you mean".
    public static let suggestionBelow = 3

    /// The query (`macrom AND "armée françise" -mali`) with each word that is in at most one
    /// document respelled in place (`respelling`) — plain words, a `title:` word and the words of
    /// phrases — and everything else as typed (operators, signs, parentheses, fields, patterns,
    /// fuzzy words); nil when no word changes or the query does not parse.
    func suggest(_ text: String) throws -> String? {
        guard let tokens = try? QuerySyntax.tokenize(text) else { return nil }
        var chars = Array(text)
        // Replacements as (start, length, text) over `chars`, applied from the end.
        var replacements: [(start: Int, length: Int, text: String)] = []
        func consider(_ piece: String, at start: Int) throws {
            guard !piece.contains("~"), !piece.contains("*"), !piece.contains("?") else { return }
            let analyzed = analyzer.foldedWords(piece).map { AnalyzedWord($0, analyzer: analyzer) }
            guard analyzed.count == 1, let word = analyzed.first else { return }
            let df = try QueryPlan.group(for: word, reader: reader, bm25: bm25).docFreq
            guard df <= 1, let better = try respelling(of: word.word, docFreq: df) else { return }
            replacements.append((start, piece.count, better))
        }
        for token in tokens {
            switch token.kind {
            case .word(let w):
                if let (field, value) = QuerySyntax.fieldPrefix(w) {
                    if field == "title" { try consider(value, at: token.position + field.count + 1) }
                } else {
                    try consider(w, at: token.position)
                }
            case .phrase(let body, _):
                // The body's whitespace-separated pieces, after the opening quote.
                var offset = token.position + 1
                var piece = "", pieceStart = offset
                for c in body + " " {
                    if c.isWhitespace {
                        if !piece.isEmpty { try consider(piece, at: pieceStart) }
                        piece = ""
                        pieceStart = offset + 1
                    } else {
                        piece.append(c)
                    }
                    offset += 1
                }
            default:
                continue
            }
        }
        guard !replacements.isEmpty else { return nil }
        for r in replacements.sorted(by: { $0.start > $1.start }) {
            chars.replaceSubrange(r.start..<(r.start + r.length), with: Array(r.text))
        }
        return String(chars)
    }

    /// The nearest dictionary word to `word` (fewest edits, within 1 for words of up to 5
    /// letters, else 2; then the most documents) found in more than `docFreq` documents, or nil.
    /// The words are the index's terms (a name as written, other words as their stems).
    func respelling(of word: String, docFreq df: Int) throws -> String? {
        var candidates: [String: (distance: Int, docFreq: Int)] = [:]
        for segment in reader.segments {
            for match in try FuzzyTerms.matches(of: word, maxEdits: FuzzyTerms.defaultEdits(for: word), in: segment) {
                guard let (_, term) = TermKey.split(match.key), term != word else { continue }
                let known = candidates[term]
                candidates[term] = (min(known?.distance ?? .max, match.distance), (known?.docFreq ?? 0) + match.docFreq)
            }
        }
        let best = candidates.filter { $0.value.docFreq > df }.min { a, b in
            a.value.distance != b.value.distance ? a.value.distance < b.value.distance
                : a.value.docFreq != b.value.docFreq ? a.value.docFreq > b.value.docFreq : a.key < b.key
        }
        return best?.key
    }
}
