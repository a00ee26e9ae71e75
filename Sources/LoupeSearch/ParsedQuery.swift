import LoupeAnalysis
import LoupeFormat
import LoupeRead
import LoupeStorage

/// A query word after analysis, before it meets an index: the folded word and, per language, the
/// dictionary keys it may be found under (its surface form and, for stemming languages, its stems).
public struct AnalyzedWord: Sendable, Equatable {
    /// One language's keys for the word.
    public struct Candidate: Sendable, Equatable {
        public var language: Language
        /// `language:word`.
        public var surfaceKey: [UInt8]
        /// The word's stem when it differs from the word: of the word as typed, accents on, as
        /// Snowball defines it. Empty for `other`.
        public var stems: [String] = []
        /// `language:stem` per stem.
        public var stemKeys: [[UInt8]] = []
        /// For a word typed with accents, the stem of the word without them, when that differs
        /// from `stems` and the word: how a document that spells it without accents has it.
        public var unaccentedStem: String?
        /// `language:` the unaccented word's stem (the word itself when it has none): where the
        /// index files the stems of the word's accented spellings (`AccentVariant`). Nil for `other`.
        public var variantKey: [UInt8]?
    }

    /// The folded query word.
    public var word: String
    public var candidates: [Candidate]

    /// A word typed without accents (or known only folded).
    public init(_ word: String) {
        self.init(word, accentedStems: { _ in nil })
    }

    /// A word as typed: `accented` is the word with its accents (empty when it has none).
    public init(_ query: Analyzer.QueryWord, analyzer: Analyzer) {
        let accented = query.accented
        self.init(query.term, accentedStems: { language in
            accented.isEmpty || language == .english ? nil : analyzer.stem(folded: query.term, accented: accented, language: language)
        })
    }

    private init(_ word: String, accentedStems: (Language) -> String?) {
        self.word = word
        candidates = Language.allCases.map { language in
            var candidate = Candidate(language: language, surfaceKey: TermKey.make(language, word))
            guard language != .other else { return candidate }
            let plain = Analyzer.stem(word, language: language)
            candidate.variantKey = TermKey.make(language, plain)
            let own = accentedStems(language) ?? plain
            if own != word {
                candidate.stems = [own]
                candidate.stemKeys = [TermKey.make(language, own)]
            }
            if plain != own && plain != word { candidate.unaccentedStem = plain }
            return candidate
        }
    }
}

/// A place or language a query names (`Allemagne`, `Côte d'Ivoire`), and its names in the other
/// languages, which are searched too (see `PlaceNames`).
public struct NameExpansion: Sendable, Equatable {
    /// `region:DE`, `language:de`.
    public var id: String
    /// The name's folded words as the query has them.
    public var typed: [String]
    /// The other names, as written (`Germany`, `Alemania`) and as analyzed words.
    public var translationNames: [String]
    public var translations: [[AnalyzedWord]]
}

/// A query after analysis and parsing, independent of any index (the analogue of a parsed query
/// in Lucene or Tantivy): its OR words, its phrases and the words it left out. `QueryPlan` then
/// looks its keys up in an index.
///
/// Syntax: words are OR'ed; text in double quotes (`"…"`, `“…”` or `«…»`) is a phrase that every
/// result must contain. Function words are dropped from the OR words when other words remain, but
/// kept inside phrases. A word appears once however often it is typed.
public struct ParsedQuery: Sendable, Equatable {
    public var text: String
    /// The OR'ed words, in query order.
    public var words: [AnalyzedWord]
    /// Each phrase's words, in order (repetitions kept: a phrase may repeat a word).
    public var phrases: [[AnalyzedWord]]
    /// Query words left out (function words in a query that has other words).
    public var droppedWords: [String]
    /// Places and languages named by the free words (not inside quotes), with their names in the
    /// other languages; empty when `expandNames` is off.
    public var expansions: [NameExpansion] = []
    /// Words written `+word`: every result holds them (they are scored too).
    public var required: [AnalyzedWord] = []
    /// Words written `-word`: no result holds them (they are not scored).
    public var excluded: [AnalyzedWord] = []
    /// Prefixes written `prefix*` (folded, not stemmed): each is one word matching every term that
    /// starts with it.
    public var prefixes: [String] = []
    /// Words written `word~N` (`word~`: 1 edit up to 5 letters, else 2), folded: each matches every
    /// term within N edits.
    public var fuzzy: [FuzzyWord] = []

    /// The query's syntax tree when it uses the boolean language (operators, parentheses,
    /// fields, proximity, `?` patterns, or `--all`): it is then evaluated by `BooleanScorer`
    /// instead of the ranked OR path. `syntaxError` when it cannot be read.
    public var syntax: QueryNode? = nil
    public var syntaxError: QuerySyntaxError? = nil
    /// The tree's words, phrases and titles, analyzed.
    public var analyzedTexts: [String: [AnalyzedWord]] = [:]

    /// A `word~N` of the query.
    public struct FuzzyWord: Sendable, Equatable {
        public var word: String
        public var edits: Int
    }

    /// Parses `text`; with `matchAll` (`--all`) words side by side must all occur.
    public init(_ text: String, analyzer: Analyzer, expandNames: Bool = true, matchAll: Bool) {
        guard matchAll || QuerySyntax.needsBooleanEvaluation(text) else {
            self.init(text, analyzer: analyzer, expandNames: expandNames)
            return
        }
        do {
            let tree = try QuerySyntax.parse(text, defaultAnd: matchAll)
            // What the ranked OR path says exactly (`a AND NOT b` is `+a -b`) goes there: it
            // prunes block by block.
            // (Names are not translated there: operator queries search words as typed, on
            // either path. A query that is its own flat form — one word under `--all` — is a
            // plain query.)
            if let flat = QuerySyntax.flatForm(tree) {
                self.init(flat, analyzer: analyzer, expandNames: flat == text && expandNames)
                self.text = text
                return
            }
            // The tree alone: the OR path's fields stay empty, its analysis is not run.
            self.init(unanalyzed: text)
            syntax = tree
            BooleanQuery.analyzedTexts(tree, analyzer: analyzer, into: &analyzedTexts)
        } catch let error as QuerySyntaxError {
            self.init(unanalyzed: text)
            syntaxError = error
        } catch {
            self.init(unanalyzed: text)
            syntaxError = QuerySyntaxError(message: "\(error)", position: 0, query: text)
        }
    }

    /// A query with no words of the ranked OR path (a boolean one, or one that cannot be read).
    private init(unanalyzed text: String) {
        self.text = text
        words = []
        phrases = []
        droppedWords = []
    }

    public init(_ text: String, analyzer: Analyzer, expandNames: Bool = true) {
        self.text = text
        let (unsigned, phraseTexts) = Self.split(text)
        phrases = phraseTexts.map { analyzer.foldedWords($0).map { AnalyzedWord($0, analyzer: analyzer) } }.filter { !$0.isEmpty }
        let (signedFree, plus, minus) = Self.signs(unsigned)
        let (unfuzzy, fuzzyTexts) = Self.fuzzy(signedFree)
        fuzzy = fuzzyTexts.compactMap { text, edits in
            let words = analyzer.foldedWords(text).map(\.term)
            guard words.count == 1, let word = words.first, word.unicodeScalars.count >= 2 else { return nil }
            return FuzzyWord(word: word, edits: min(2, edits ?? FuzzyTerms.defaultEdits(for: word)))
        }
        let (free, prefixTexts) = Self.prefixes(unfuzzy)
        prefixes = Self.unique(prefixTexts.compactMap { text in
            // The prefix folded as a word is (accents, case, elisions); a prefix that folds to
            // nothing, or to one character, is dropped (it would match much of the dictionary).
            let words = analyzer.foldedWords(text).map(\.term)
            guard words.count == 1, let word = words.first, word.unicodeScalars.count >= 2 else { return nil }
            return word
        })
        let requiredWords = plus.flatMap { analyzer.foldedWords($0) }
        excluded = Self.unique(minus.flatMap { analyzer.foldedWords($0) }).map { AnalyzedWord($0, analyzer: analyzer) }
        required = Self.unique(requiredWords).map { AnalyzedWord($0, analyzer: analyzer) }
        let freeWords = Self.unique(analyzer.foldedWords(free) + requiredWords)
        if expandNames { expansions = Self.names(in: freeWords.map(\.term), table: PlaceNames.shared(folding: analyzer)) }
        let content = freeWords.filter { !StopWords.isStopWord($0.term) }
        let kept = content.isEmpty && phrases.isEmpty ? freeWords : content
        droppedWords = freeWords.filter { w in !kept.contains { $0.term == w.term } }.map(\.term)
        words = kept.map { AnalyzedWord($0, analyzer: analyzer) }
    }

    /// The words once each (by folded form; the first spelling typed is kept).
    static func unique(_ words: [Analyzer.QueryWord]) -> [Analyzer.QueryWord] {
        var seen: [Analyzer.QueryWord] = []
        for w in words where !seen.contains(where: { $0.term == w.term }) { seen.append(w) }
        return seen
    }

    /// The places and languages `words` name, longest name first, left to right, each once.
    static func names(in words: [String], table: PlaceNames) -> [NameExpansion] {
        var found: [NameExpansion] = []
        var i = 0
        while i < words.count {
            guard let match = table.match(words, at: i) else {
                i += 1
                continue
            }
            let entry = table.entries[match.entry]
            if !found.contains(where: { $0.id == entry.id }) {
                let others = entry.names.indices.filter { $0 != match.name }
                found.append(NameExpansion(id: entry.id, typed: entry.names[match.name], translationNames: others.map { entry.displayNames[$0] },
                                           translations: others.map { entry.names[$0].map { AnalyzedWord($0) } }))
            }
            i += match.length
        }
        return found
    }

    /// The free text without its signed words, and the words written `+word` and `-word` (a sign
    /// counts at the start of a word only: `jean-pierre` and `c++` keep theirs; a sign alone is
    /// dropped).
    static func signs(_ free: String) -> (rest: String, required: [String], excluded: [String]) {
        guard free.contains("-") || free.contains("+") else { return (free, [], []) }
        var rest: [Substring] = [], required: [String] = [], excluded: [String] = []
        for token in free.split(whereSeparator: \.isWhitespace) {
            if token.first == "-" || token.first == "+" {
                let word = token.drop { $0 == "-" || $0 == "+" }
                guard !word.isEmpty else { continue }
                if token.first == "-" { excluded.append(String(word)) } else { required.append(String(word)) }
            } else {
                rest.append(token)
            }
        }
        return (rest.joined(separator: " "), required, excluded)
    }

    /// The free text without its `word*` tokens, and those tokens' words (the `*` dropped).
    static func prefixes(_ free: String) -> (rest: String, prefixes: [String]) {
        guard free.contains("*") else { return (free, []) }
        var rest: [Substring] = [], prefixes: [String] = []
        for token in free.split(whereSeparator: \.isWhitespace) {
            if token.hasSuffix("*") {
                let stem = token.prefix { $0 != "*" }
                if !stem.isEmpty { prefixes.append(String(stem)) }
            } else {
                rest.append(token)
            }
        }
        return (rest.joined(separator: " "), prefixes)
    }

    /// The free text without its `word~N` tokens, and those tokens' words with their N (nil for `~`).
    static func fuzzy(_ free: String) -> (rest: String, fuzzy: [(String, Int?)]) {
        guard free.contains("~") else { return (free, []) }
        var rest: [Substring] = [], fuzzy: [(String, Int?)] = []
        for token in free.split(whereSeparator: \.isWhitespace) {
            guard let tilde = token.lastIndex(of: "~") else {
                rest.append(token)
                continue
            }
            let word = token[..<tilde].prefix { $0 != "~" }
            let count = token[token.index(after: tilde)...]
            guard !word.isEmpty, count.isEmpty || Int(count) != nil else { continue }
            fuzzy.append((String(word), Int(count)))
        }
        return (rest.joined(separator: " "), fuzzy)
    }

    static func unique(_ words: [String]) -> [String] {
        var seen: [String] = []
        for w in words where !seen.contains(w) { seen.append(w) }
        return seen
    }

    /// Splits the query text into free text and phrases.
    static func split(_ text: String) -> (free: String, phrases: [String]) {
        // Most queries have no quotes at all: `"` is 0x22; “ ” are E2 80 9C/9D; « » are C2 AB/BB.
        let bytes = text.utf8
        if !bytes.contains(0x22) && !bytes.contains(0xAB) && !bytes.contains(0xBB) && !bytes.contains(0x9C) && !bytes.contains(0x9D) {
            return (text, [])
        }
        var free = "", phrases: [String] = [], current = ""
        var inPhrase = false
        for ch in text {
            let opens = ch == "\"" || ch == "“" || ch == "«"
            let closes = ch == "\"" || ch == "”" || ch == "»"
            if inPhrase && closes {
                phrases.append(current)
                current = ""
                inPhrase = false
                free.append(" ")
            } else if !inPhrase && opens {
                inPhrase = true
                free.append(" ")
            } else if inPhrase {
                current.append(ch)
            } else {
                free.append(ch)
            }
        }
        if inPhrase { phrases.append(current) }
        return (free, phrases)
    }
}
