import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// A query tree (`QueryNode`) looked up in an index: its words as term groups, its phrases and
/// patterns expanded. `BooleanScorer` evaluates it segment by segment.
indirect enum BooleanQuery: Sendable {
    /// A word: documents holding any of `groups` (the word, and the word spelt with other
    /// accents); `boosts` only add to the score (its exact form).
    case word(groups: [TermGroup], boosts: [TermGroup])
    /// A phrase (`slop` nil) or proximity (`"…"~slop`): BM25 of its frequency, with the sum of its
    /// words' idf.
    case phrase(words: [TermGroup], slop: Int?)
    case filter(QueryFilter)
    /// A word or phrase in titles (`TitleIndex`).
    case title(words: [AnalyzedWord], slop: Int?, text: String)
    case boolean(must: [BooleanQuery], should: [BooleanQuery], mustNot: [BooleanQuery])
    /// Matches nothing (a word that is in no document).
    case nothing

    /// Every term group of the query's positive leaves, for highlighting.
    var highlightGroups: [TermGroup] {
        var groups: [TermGroup] = []
        groups.reserveCapacity(highlightGroupCount)
        appendHighlightGroups(to: &groups)
        return groups
    }

    /// How many groups `highlightGroups` holds.
    private var highlightGroupCount: Int {
        switch self {
        case .word(let leaf, _): return leaf.count
        case .phrase(let words, _): return words.count
        case .boolean(let must, let should, _): return must.reduce(0) { $0 + $1.highlightGroupCount } + should.reduce(0) { $0 + $1.highlightGroupCount }
        case .filter, .title, .nothing: return 0
        }
    }

    /// Appends `highlightGroups` to `groups` (one array for the whole tree).
    private func appendHighlightGroups(to groups: inout [TermGroup]) {
        switch self {
        case .word(let leaf, _): groups.append(contentsOf: leaf)
        case .phrase(let words, _): groups.append(contentsOf: words)
        case .boolean(let must, let should, _):
            for node in must { node.appendHighlightGroups(to: &groups) }
            for node in should { node.appendHighlightGroups(to: &groups) }
        case .filter, .title, .nothing: break
        }
    }

    /// Builds the query of `node` for `reader`; words are analyzed with `analyzer`.
    /// `analyzed` holds the texts already analyzed when the query was parsed (`analyzedTexts`);
    /// others are analyzed here.
    static func make(_ node: QueryNode, analyzer: Analyzer, analyzed: [String: [AnalyzedWord]] = [:], reader: IndexReader, bm25: BM25) throws -> BooleanQuery {
        func words(_ text: String) -> [AnalyzedWord] { analyzed[text] ?? analyzer.foldedWords(text).map { AnalyzedWord($0, analyzer: analyzer) } }
        switch node {
        case .word(let text, let at):
            if text.isFuzzyOrPattern {
                return try word(text, at: at, analyzer: analyzer, reader: reader, bm25: bm25)
            }
            let list = words(text)
            if list.isEmpty { return .nothing }
            if list.count > 1 { return .phrase(words: try list.map { try QueryPlan.group(for: $0, reader: reader, bm25: bm25) }, slop: nil) }
            return try word(list[0], reader: reader, bm25: bm25)
        case .phrase(let body, let slop, _):
            let list = words(body)
            if list.isEmpty { return .nothing }
            if list.count == 1 && slop == nil { return try word(list[0], reader: reader, bm25: bm25) }
            return .phrase(words: try list.map { try QueryPlan.group(for: $0, reader: reader, bm25: bm25) }, slop: slop)
        case .filter(let filter, _):
            return .filter(filter)
        case .title(let inner):
            switch inner {
            case .word(let text, _), .phrase(let text, _, _):
                let list = words(text)
                guard !list.isEmpty else { return .nothing }
                var slop: Int? = nil
                if case .phrase(_, let s, _) = inner { slop = s }
                return .title(words: list, slop: slop, text: text)
            case .boolean(let must, let should, let mustNot):
                // `title:(a OR b)`: each leaf in titles.
                return try make(.boolean(must: must.map { .title($0) }, should: should.map { .title($0) }, mustNot: mustNot.map { .title($0) }),
                                analyzer: analyzer, analyzed: analyzed, reader: reader, bm25: bm25)
            case .title, .filter:
                return try make(inner, analyzer: analyzer, analyzed: analyzed, reader: reader, bm25: bm25)
            }
        case .boolean(let must, let should, let mustNot):
            func all(_ nodes: [QueryNode]) throws -> [BooleanQuery] { try nodes.map { try make($0, analyzer: analyzer, analyzed: analyzed, reader: reader, bm25: bm25) } }
            return .boolean(must: try all(must), should: try all(should), mustNot: try all(mustNot))
        }
    }

    /// A word as typed: `word~N` fuzzy, a pattern with `*` or `?`, or a plain word (several
    /// words once analyzed — `jean-pierre` — make a phrase).
    static func word(_ text: String, at: Int, analyzer: Analyzer, reader: IndexReader, bm25: BM25) throws -> BooleanQuery {
        if let tilde = text.lastIndex(of: "~"), text.first != "~" {
            let count = text[text.index(after: tilde)...]
            let stem = String(text[..<tilde]).trimmingCharacters(in: "~")
            let words = analyzer.foldedWords(stem).map(\.term)
            guard count.isEmpty || Int(count) != nil, words.count == 1, let w = words.first, w.unicodeScalars.count >= 2 else {
                throw QuerySyntaxError(message: "a fuzzy word is one word of two letters or more, then ~ or ~1 or ~2", position: at, query: text)
            }
            let edits = min(2, Int(count) ?? FuzzyTerms.defaultEdits(for: w))
            return .word(groups: [try QueryPlan.fuzzyGroup(w, edits: edits, reader: reader, bm25: bm25)], boosts: [])
        }
        if text.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }) {
            return try pattern(text, at: at, analyzer: analyzer, reader: reader, bm25: bm25)
        }
        let words = analyzer.foldedWords(text).map { AnalyzedWord($0, analyzer: analyzer) }
        if words.isEmpty { return .nothing }
        if words.count > 1 { return .phrase(words: try words.map { try QueryPlan.group(for: $0, reader: reader, bm25: bm25) }, slop: nil) }
        return try word(words[0], reader: reader, bm25: bm25)
    }

    /// The texts of a tree's words, phrases and titles, analyzed (done when the query is parsed,
    /// so that `make` only looks them up, as the ranked OR path does).
    static func analyzedTexts(_ node: QueryNode, analyzer: Analyzer, into out: inout [String: [AnalyzedWord]]) {
        func add(_ text: String) {
            if out[text] == nil { out[text] = analyzer.foldedWords(text).map { AnalyzedWord($0, analyzer: analyzer) } }
        }
        switch node {
        case .word(let text, _):
            if !text.isFuzzyOrPattern { add(text) }
        case .phrase(let body, _, _): add(body)
        case .filter: break
        case .title(let inner): analyzedTexts(inner, analyzer: analyzer, into: &out)
        case .boolean(let must, let should, let mustNot):
            for n in must + should + mustNot { analyzedTexts(n, analyzer: analyzer, into: &out) }
        }
    }

    /// One analyzed word: its group, the word spelt with other accents, and its exact form.
    static func word(_ analyzed: AnalyzedWord, reader: IndexReader, bm25: BM25) throws -> BooleanQuery {
        let main = try QueryPlan.group(for: analyzed, reader: reader, bm25: bm25)
        let groups = try QueryPlan.otherSpellings(of: analyzed, main: main, reader: reader, bm25: bm25).map { [main, $0] } ?? [main]
        let boosts = try QueryPlan.exactForm(of: main, reader: reader, bm25: bm25).map { [$0] } ?? []
        return .word(groups: groups, boosts: boosts)
    }

    /// `niam*` or `m?li`, `ma*i`: the dictionary terms matching the pattern, found by walking
    /// the ordered dictionary from its literal start, as one word (`QueryPlan.prefixGroup`'s
    /// bound and scoring).
    static func pattern(_ text: String, at: Int, analyzer: Analyzer, reader: IndexReader, bm25: BM25) throws -> BooleanQuery {
        // Fold the literal pieces; keep the wildcards.
        var pattern: [Character] = []
        var piece = ""
        func flush() {
            guard !piece.isEmpty else { return }
            if let folded = analyzer.normalizer.normalize(piece) { pattern += Array(folded) }
            piece = ""
        }
        for c in text {
            if c == "*" || c == "?" {
                flush()
                pattern.append(c)
            } else {
                piece.append(c)
            }
        }
        flush()
        let literal = String(pattern.prefix { $0 != "*" && $0 != "?" })
        let isPrefix = pattern.dropFirst(literal.count).allSatisfy { $0 == "*" }
        guard literal.count >= (isPrefix ? 2 : 1) else {
            throw QuerySyntaxError(message: isPrefix ? "a prefix needs two letters or more before its * (niam*)" : "a pattern needs a letter before its first * or ? (m?li)",
                                   position: at, query: text)
        }
        if isPrefix {
            return .word(groups: [try QueryPlan.prefixGroup(literal, reader: reader, bm25: bm25)], boosts: [])
        }
        return .word(groups: [try QueryPlan.patternGroup(pattern: pattern, literal: literal, reader: reader, bm25: bm25)], boosts: [])
    }
}

extension QueryPlan {
    /// A `m?li` or `ma*i` pattern as one word: every dictionary term (any language) it matches,
    /// walked from its literal start; `?` is one letter, `*` any run of letters. At most
    /// `maxPrefixTerms` terms, scored as a prefix is.
    static func patternGroup(pattern: [Character], literal: String, reader: IndexReader, bm25: BM25) throws -> TermGroup {
        try expansionGroup(word: String(pattern), from: Array(literal.utf8), reader: reader, bm25: bm25, limit: maxPrefixTerms,
                           tooMany: "give more letters") { term in
            Self.glob(pattern[...], Array(String(decoding: term, as: UTF8.self))[...])
        }
    }

    /// Whether `text` matches the glob `pattern` (`?` one character, `*` any run).
    static func glob(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var star: Int? = nil, resume = text.startIndex
        while t < text.endIndex {
            if p < pattern.endIndex && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.endIndex && pattern[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let s = star {
                p = s + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex && pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }
}

extension String {
    /// Whether a word as typed holds `~`, `*` or `?` (read as bytes: a query word's characters
    /// are not walked one by one on the plan's path).
    var isFuzzyOrPattern: Bool {
        utf8.contains { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
    }

    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
