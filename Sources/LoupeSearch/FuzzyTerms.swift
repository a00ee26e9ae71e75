import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// The dictionary terms within a few edits of a word (Damerau–Levenshtein: insertions, deletions,
/// substitutions and adjacent transpositions of Unicode scalars), for `word~N` queries and "did you
/// mean". The sorted dictionary is walked with the edit-distance table of the shared prefix kept
/// from term to term (front coding makes neighbours share prefixes); as soon as a prefix is more
/// than `maxEdits` from every start of the word, every term that starts with it is skipped by
/// seeking past the prefix — so the walk visits a small part of a large dictionary, not every term.
enum FuzzyTerms {
    struct Match {
        var key: [UInt8]
        var distance: Int
        var docFreq: Int
    }

    /// Terms (keys, any language) within `maxEdits` of `word` (folded) in `dictionary`.
    static func matches(of word: String, maxEdits: Int, in dictionary: TermDictionary) throws -> [Match] {
        let target = Array(word.unicodeScalars.map(\.value))
        let width = target.count + 1
        // rows[i] is the distance table row after the term's first i scalars.
        var rows: [[Int]] = [Array(0...target.count)]
        var previousScalars: [UInt32] = []
        var found: [Match] = []
        var from: [UInt8] = []
        while true {
            var seek: [UInt8]?
            try dictionary.forEach(from: from) { key, info in
                guard key.count >= 2 else { return true }
                let term = Array(String(decoding: key.dropLast(), as: UTF8.self).unicodeScalars.map(\.value))
                var common = 0
                while common < term.count && common < previousScalars.count && term[common] == previousScalars[common] { common += 1 }
                rows.removeLast(rows.count - (common + 1))
                var dead = -1
                for i in common..<term.count {
                    let previous = rows[i]
                    var row = [Int](repeating: 0, count: width)
                    row[0] = i + 1
                    var best = row[0]
                    for j in 1..<width {
                        let cost = term[i] == target[j - 1] ? 0 : 1
                        var d = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                        if i > 0 && j > 1 && term[i] == target[j - 2] && term[i - 1] == target[j - 1] {
                            d = min(d, rows[i - 1][j - 2] + 1)
                        }
                        row[j] = d
                        best = min(best, d)
                    }
                    rows.append(row)
                    // Dead when no cell of this row, nor a transposition from the row before, is within reach.
                    if best > maxEdits && (previous.min() ?? 0) + 1 > maxEdits {
                        dead = i
                        break
                    }
                }
                previousScalars = Array(term[0..<(dead >= 0 ? dead + 1 : term.count)])
                if dead >= 0 {
                    // No term starting with these scalars can come within reach: skip them all.
                    var prefix = Array(String(String.UnicodeScalarView(term[0...dead].compactMap(Unicode.Scalar.init))).utf8)
                    prefix.append(0xFF)  // above every byte of UTF-8: the first key past the prefix
                    seek = prefix
                    return false
                }
                let distance = rows[term.count][target.count]
                if distance <= maxEdits { found.append(Match(key: key, distance: distance, docFreq: info.docFreq)) }
                return true
            }
            guard let next = seek else { return found }
            from = next
        }
    }

    /// The edits a `word~` allows when the query does not say: 1 for words of up to 5 letters,
    /// else 2 (as Lucene's "AUTO").
    static func defaultEdits(for word: String) -> Int { word.unicodeScalars.count <= 5 ? 1 : 2 }
}
