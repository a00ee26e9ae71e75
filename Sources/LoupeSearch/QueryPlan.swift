import LoupeAnalysis
import LoupeFormat
import LoupeRead
import LoupeStorage

/// One query word as it is searched: the dictionary terms that count as that word, scored as a
/// single BM25 term (their frequencies add up in a document).
///
/// For each stemming language L the word `q` (folded) becomes `L:stem_L(q)` plus `L:q` — unless
/// `q` is used in L's documents mainly as a name (its name occurrences are at least the plain uses
/// of its stem), in which case only `L:q`: so `paris` does not match the French stem `pari`, nor
/// `mali` the French `mal`. Documents of no known language have unstemmed terms: `other:q`.
public struct TermGroup: Sendable, Equatable {
    /// The folded query word.
    public var word: String
    /// Dictionary keys that count as the word.
    public var keys: [[UInt8]]
    /// The terms per language, for highlighting (from the keys).
    public var termsByLanguage: [Language: Set<String>] {
        var map: [Language: Set<String>] = [:]
        for key in keys {
            if let (language, term) = TermKey.split(key) { map[language, default: []].insert(term) }
        }
        return map
    }
    /// Documents containing the word: per language the larger of its terms' counts, summed over
    /// languages (each document has one language, so languages never overlap).
    public var docFreq: Int
    public var idf: Double
    /// Per key, its dictionary entry in each segment (nil where absent): key `k`'s in segment `s`
    /// at `k * segmentCount + s`, in one array. Empty for a group made without them.
    var entries: [TermInfo?] = []
    var segmentCount = 0
    /// What a group derived from a query word stands for, for `--explain` (`exact form; idf × 0.5`).
    public var note: String? = nil
}

extension TermGroup {
    /// The dictionary entry of key `k` in `segment` (index `segmentIndex` of the reader's): the one
    /// the plan looked up, else looked up now (groups made without entries); nil when absent.
    func entry(_ k: Int, in segment: SegmentReader, at segmentIndex: Int) throws -> TermInfo? {
        let i = k * segmentCount + segmentIndex
        return segmentIndex < segmentCount && i < entries.count ? entries[i] : try segment.terms.lookup(keys[k])
    }

    /// Whether none of the group's keys is in segment `segmentIndex`, as its entries say (false
    /// when it has none: a prefix or a fuzzy word's group, looked up when its cursor is made).
    func isAbsent(fromSegment segmentIndex: Int) -> Bool {
        guard segmentIndex < segmentCount, entries.count == keys.count * segmentCount else { return false }
        for k in keys.indices where entries[k * segmentCount + segmentIndex] != nil { return false }
        return true
    }

    /// Key `k`'s entries, one per segment (empty when the group has none).
    func entries(ofKey k: Int) -> ArraySlice<TermInfo?> {
        let start = k * segmentCount
        return start + segmentCount <= entries.count ? entries[start..<(start + segmentCount)] : []
    }

    /// The group with only the keys at `indices` (its statistics kept).
    func keeping(_ indices: [Int]) -> TermGroup {
        var g = self
        g.keys = indices.map { keys[$0] }
        g.entries = entries.isEmpty ? [] : indices.flatMap { entries(ofKey: $0) }
        return g
    }
}

/// A quoted phrase: its words must appear at consecutive positions. Scored as one BM25 term whose
/// frequency is the number of occurrences of the phrase and whose idf is the sum of its words'
/// (as Lucene scores phrases).
public struct PhraseQuery: Sendable, Equatable {
    public var words: [TermGroup]
    public var idf: Double { words.reduce(0) { $0 + $1.idf } }
}

/// Another language's name, of two words or more, of a place or language the query names (`Ivory
/// Coast` for `Côte d'Ivoire`): optional, its words at consecutive positions, and scored as
/// `weight` × an occurrence of the name as typed — BM25 with the typed name's idf (the sum of its
/// words') and the translation's frequency — so that, other things equal, a document with the
/// name as typed ranks above one with a translation.
public struct NameAlternative: Sendable {
    public static let weight = 0.8
    /// The name as written (`Ivory Coast`).
    public var name: String
    public var words: [TermGroup]
    public var idf: Double
}

/// A parsed query looked up in a given index: its words as term groups with their statistics.
/// See `ParsedQuery` for the syntax.
public struct QueryPlan: Sendable {
    public var text: String
    /// The OR'ed words first (`orGroupCount` of them), then the phrases' other words (highlighted,
    /// scored through their phrase).
    public var groups: [TermGroup]
    public var orGroupCount: Int
    public var phrases: [PhraseQuery] = []
    /// Query words left out (function words in a query that has other words).
    public var droppedWords: [String]
    /// Other languages' names of the places and languages the query names, of two words or more
    /// (one-word names are OR groups).
    public var alternatives: [NameAlternative] = []
    /// Every translation searched, one-word or longer, as written.
    public var translations: [String] = []
    /// `+word`s (every result holds each) and `-word`s (no result holds any), looked up: per
    /// word, its groups — the word, and the word spelt with other accents — any of which counts
    /// as the word (as in an operator query's `AND`/`NOT`).
    public var required: [[TermGroup]] = []
    public var excluded: [[TermGroup]] = []

    /// The query's tree, looked up, when it is evaluated as a boolean query (`ParsedQuery.syntax`).
    var boolean: BooleanQuery? = nil

    /// A boolean query's plan: its tree, and its words as groups for highlighting.
    static func make(_ query: ParsedQuery, syntax: QueryNode, analyzer: Analyzer, reader: IndexReader, bm25: BM25) throws -> QueryPlan {
        let tree: BooleanQuery
        do {
            tree = try BooleanQuery.make(syntax, analyzer: analyzer, analyzed: query.analyzedTexts, reader: reader, bm25: bm25)
        } catch var error as QuerySyntaxError {
            error.query = query.text
            throw error
        }
        var plan = QueryPlan(text: query.text, groups: tree.highlightGroups, orGroupCount: 0, droppedWords: [])
        plan.boolean = tree
        return plan
    }

    public static func make(_ query: ParsedQuery, reader: IndexReader, bm25: BM25) throws -> QueryPlan {
        let phrases = try query.phrases.map { words in PhraseQuery(words: try words.map { try group(for: $0, reader: reader, bm25: bm25) }) }
        var groups: [TermGroup] = []
        for word in query.words {
            let g = try group(for: word, reader: reader, bm25: bm25)
            groups.append(g)
            if let exact = try exactForm(of: g, reader: reader, bm25: bm25) { groups.append(exact) }
            if let other = try otherSpellings(of: word, main: g, reader: reader, bm25: bm25) { groups.append(other) }
        }
        for prefix in query.prefixes { groups.append(try prefixGroup(prefix, reader: reader, bm25: bm25)) }
        for f in query.fuzzy { groups.append(try fuzzyGroup(f.word, edits: f.edits, reader: reader, bm25: bm25)) }
        var orGroupCount = groups.count
        // Phrase words are highlighted too.
        for phrase in phrases {
            for g in phrase.words where !groups.contains(where: { $0.word == g.word }) { groups.append(g) }
        }
        // Translations of the names the query holds, where the index has all their words. BM25 is
        // linear in idf, so a one-word translation is an ordinary OR group whose idf is `weight` ×
        // the typed name's: every strategy, pruning included, scores it as is. Longer ones are
        // phrases (`alternatives`).
        var alternatives: [NameAlternative] = []
        var translated: [String] = []
        for expansion in query.expansions {
            let typedIDF = expansion.typed.compactMap { word in groups.first { $0.word == word }?.idf }.reduce(0, +)
            guard typedIDF > 0 else { continue }
            for (name, words) in zip(expansion.translationNames, expansion.translations) {
                let wordGroups = try words.map { try group(for: $0, reader: reader, bm25: bm25) }
                guard !wordGroups.isEmpty, wordGroups.allSatisfy({ !$0.keys.isEmpty }) else { continue }
                if wordGroups.count == 1, var single = wordGroups.first, !groups.prefix(orGroupCount).contains(where: { $0.word == single.word }) {
                    // Keys the typed words already search are not counted twice (`francés`'s
                    // French stem is `franc`, as is `français`'s).
                    let searched = Set(groups.prefix(orGroupCount).flatMap(\.keys))
                    let fresh = single.keys.indices.filter { !searched.contains(single.keys[$0]) }
                    guard !fresh.isEmpty else { continue }
                    if fresh.count < single.keys.count { single = single.keeping(fresh) }
                    single.idf = NameAlternative.weight * typedIDF
                    groups.insert(single, at: orGroupCount)
                    orGroupCount += 1
                    translated.append(name)
                    continue
                }
                alternatives.append(NameAlternative(name: name, words: wordGroups, idf: typedIDF))
                translated.append(name)
                // Highlighted too, but for their function words (`de` of `Costa de Marfil`), which
                // alone would light up every French and Spanish text.
                for g in wordGroups where !StopWords.isStopWord(g.word) && !groups.contains(where: { $0.word == g.word }) { groups.append(g) }
            }
        }
        return QueryPlan(text: query.text, groups: groups, orGroupCount: orGroupCount, phrases: phrases, droppedWords: query.droppedWords,
                         alternatives: alternatives, translations: translated,
                         required: try query.required.map { try matchingGroups(of: $0, reader: reader, bm25: bm25) },
                         excluded: try query.excluded.map { try matchingGroups(of: $0, reader: reader, bm25: bm25) })
    }

    /// The groups any of which counts as `word` being in a document: its own, and the word spelt
    /// with other accents (`BooleanQuery.word` matches the same).
    static func matchingGroups(of word: AnalyzedWord, reader: IndexReader, bm25: BM25) throws -> [TermGroup] {
        let main = try group(for: word, reader: reader, bm25: bm25)
        return [main] + (try otherSpellings(of: word, main: main, reader: reader, bm25: bm25).map { [$0] } ?? [])
    }

    /// One term looked up under several languages in every segment: per language byte, its entry
    /// in each segment (nil where absent) and their sum (nil when absent everywhere). The entries
    /// found lie in a buffer the lookups of one word share (`Found`): a lookup allocates nothing.
    struct TermLookup {
        /// Where this lookup's entries lie in the shared buffer.
        private let range: Range<Int>
        /// Per language byte, the sum over segments (nil when absent everywhere).
        private(set) var totals = LanguageSlots()

        /// An entry found, with its segment's index.
        struct Found {
            var segment: Int32
            var entry: TermDictionary.LanguageEntry
        }

        /// `term` (its bytes) under the language bytes of `languages` (a mask, bit `l` for byte
        /// `l`), its entries appended to `found`.
        init(term: UnsafeRawBufferPointer, languages: UInt32, reader: IndexReader, into found: inout [Found]) throws {
            let first = found.count
            // The key of the term in a language, for segments with deletions: its bytes, then
            // the language's (set per entry).
            var key: [UInt8] = []
            var totals = LanguageSlots()
            for (s, segment) in reader.segments.enumerated() {
                try segment.terms.forEachEntry(term: term, languages: languages) { entry in
                    // Statistics of live documents; the raw entries read the postings.
                    var info = entry.info
                    if segment.deletions != nil {
                        if key.isEmpty { key = Array(term) + [0] }
                        key[key.count - 1] = entry.language
                        info = try segment.liveStatistics(key, entry.info)
                    }
                    totals.add(info, language: Int(entry.language))
                    found.append(Found(segment: Int32(s), entry: entry))
                }
            }
            self.totals = totals
            range = first..<found.count
        }

        /// Appends the term's entry in each of `segmentCount` segments under language byte `l`
        /// (nil where absent), from the shared buffer `found`.
        func appendEntries(_ l: Int, from found: [Found], segmentCount: Int, to entries: inout [TermInfo?]) {
            for s in 0..<segmentCount {
                var info: TermInfo? = nil
                for i in range where found[i].segment == Int32(s) && Int(found[i].entry.language) == l {
                    info = found[i].entry.info
                    break
                }
                entries.append(info)
            }
        }
    }

    /// A term's statistics per language byte, held inline (language bytes are 1 to 4, §5 of
    /// FORMAT.md; bytes 0 to 7 have a slot): looking a query word up allocates no table, and the
    /// counts the plan weighs are all it keeps (a lookup is copied around as a value).
    struct LanguageSlots {
        struct Totals {
            var docFreq = 0
            var totalTermFreq = 0
            var nameFreq = 0
        }

        private var slots = (Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals(), Totals())
        /// Bit `l` set where language byte `l` has counts.
        private var present: UInt8 = 0

        subscript(_ l: Int) -> Totals? {
            guard (0..<8).contains(l), present & (1 << UInt8(l)) != 0 else { return nil }
            switch l {
            case 0: return slots.0
            case 1: return slots.1
            case 2: return slots.2
            case 3: return slots.3
            case 4: return slots.4
            case 5: return slots.5
            case 6: return slots.6
            default: return slots.7
            }
        }

        /// Adds one segment's counts of the term under language byte `l` (ignored past 7).
        mutating func add(_ info: TermInfo, language l: Int) {
            guard (0..<8).contains(l) else { return }
            present |= 1 << UInt8(l)
            func add(_ t: inout Totals) {
                t.docFreq += info.docFreq
                t.totalTermFreq += info.totalTermFreq
                t.nameFreq += info.nameFreq
            }
            switch l {
            case 0: add(&slots.0)
            case 1: add(&slots.1)
            case 2: add(&slots.2)
            case 3: add(&slots.3)
            case 4: add(&slots.4)
            case 5: add(&slots.5)
            case 6: add(&slots.6)
            default: add(&slots.7)
            }
        }
    }

    /// The most terms a `word~N` stands for: the nearest (fewest edits, then most documents).
    public static let maxFuzzyTerms = 64

    /// A `word~N` as one word: the terms (any language) within N edits of it, at most
    /// `maxFuzzyTerms`, scored as one BM25 term over them (as a prefix is).
    static func fuzzyGroup(_ word: String, edits: Int, reader: IndexReader, bm25: BM25) throws -> TermGroup {
        // Per key: the match (document frequencies summed over segments) and its entry in each
        // segment, where the walk found it (absent elsewhere: each segment's walk sees all its keys).
        let segmentCount = reader.segments.count
        var best: [[UInt8]: (match: FuzzyTerms.Match, entries: [TermInfo?])] = [:]
        for (s, segment) in reader.segments.enumerated() {
            for match in try FuzzyTerms.matches(of: word, maxEdits: edits, in: segment) {
                if best[match.key] != nil {
                    best[match.key]?.match.docFreq += match.docFreq
                    best[match.key]?.entries[s] = match.info
                } else {
                    var entries = [TermInfo?](repeating: nil, count: segmentCount)
                    entries[s] = match.info
                    best[match.key] = (match, entries)
                }
            }
        }
        let chosen = best.values.sorted { x, y in
            let a = x.match, b = y.match
            if a.distance != b.distance { return a.distance < b.distance }
            if a.docFreq != b.docFreq { return a.docFreq > b.docFreq }
            return a.key.lexicographicallyPrecedes(b.key)
        }.prefix(maxFuzzyTerms)
        let df = min(chosen.reduce(0) { $0 + $1.match.docFreq }, reader.docCount)
        return TermGroup(word: "\(word)~\(edits)", keys: chosen.map(\.match.key), docFreq: df, idf: bm25.idf(docFreq: df),
                         entries: chosen.flatMap(\.entries), segmentCount: segmentCount)
    }

    /// The most terms a `prefix*` may stand for.
    public static let maxPrefixTerms = 1024

    /// A `prefix*` as one word: every dictionary term (in any language) that starts with the
    /// prefix, found by walking the ordered dictionary from it, scored as one BM25 term whose
    /// frequencies add up (as a word's surface and stem do); its document frequency is the sum of
    /// its terms' (capped at the document count): an upper bound, so its idf errs low. More than
    /// `maxPrefixTerms` terms is an error that says so.
    static func prefixGroup(_ prefix: String, reader: IndexReader, bm25: BM25, limit: Int = maxPrefixTerms) throws -> TermGroup {
        try expansionGroup(word: prefix + "*", from: Array(prefix.utf8), reader: reader, bm25: bm25, limit: limit,
                           tooMany: "give a longer prefix", accepts: nil)
    }

    /// The dictionary terms (any language) that start with `start` and that `accepts` takes (given
    /// the term without its language byte; nil takes every one), found by walking the ordered dictionary from `start`,
    /// as one word scored with BM25 over them (document frequencies summed, capped at the document
    /// count); more than `limit` terms is an error ending with `tooMany`.
    static func expansionGroup(word: String, from start: [UInt8], reader: IndexReader, bm25: BM25, limit: Int, tooMany: String,
                               accepts: (([UInt8]) -> Bool)?) throws -> TermGroup {
        var keys: [[UInt8]] = []
        // Each key's number, and its entry in each segment — where that segment's walk found it
        // (each walk sees every key of its segment that matches): the search reads them as they are.
        var known: [[UInt8]: Int] = [:]
        var entries: [TermInfo?] = []
        let segmentCount = reader.segments.count
        var df = 0
        for (s, segment) in reader.segments.enumerated() {
            try segment.terms.forEach(from: start) { key, info in
                guard key.starts(with: start) else { return false }
                if let accepts, !accepts(Array(key.dropLast())) { return true }
                // A term only deleted documents hold is not there.
                let live = try segment.liveStatistics(key, info).docFreq
                guard live > 0 else { return true }
                df += live
                // One segment's walk meets each key once: only later segments look keys up.
                if s > 0, let k = known[key] {
                    entries[k * segmentCount + s] = info
                } else {
                    if segmentCount > 1 { known[key] = keys.count }
                    keys.append(key)
                    guard keys.count <= limit else {
                        throw IndexError.invalidInput("\(word) matches more than \(limit) terms; \(tooMany)")
                    }
                    entries.append(contentsOf: repeatElement(nil, count: segmentCount))
                    entries[entries.count - segmentCount + s] = info
                }
                return true
            }
        }
        df = min(df, reader.docCount)
        return TermGroup(word: word, keys: keys, docFreq: df, idf: bm25.idf(docFreq: df), entries: entries, segmentCount: segmentCount)
    }

    /// How much an occurrence of a query word's exact (folded) form adds on top of its group, as a
    /// share of a full BM25 term with the exact form's idf.
    public static let exactFormWeight = 0.5
    /// `--explain`'s note on an exact-form group (formatted once, not per query).
    static let exactFormNote = "exact form; idf × \(exactFormWeight)"

    /// The exact form of a word as a group of its own — its surface keys in the languages where
    /// the word's group also holds a stem — so that, other things equal, a document with the word
    /// as typed (`Hollande`, a name, indexed unstemmed) outranks one that only shares its stem
    /// (`hollandais`). An ordinary OR group with `exactFormWeight` × its idf: every strategy and its
    /// pruning apply. Nil when there is no such distinction (no stem key beside a surface key).
    static func exactForm(of group: TermGroup, reader: IndexReader, bm25: BM25) throws -> TermGroup? {
        // Keys are the term's bytes then its language byte: compared as bytes, not split.
        var text = group.word
        return try text.withUTF8 { word -> TermGroup? in
            func isWord(_ key: [UInt8]) -> Bool {
                key.count == word.count + 1 && key.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[..<word.count]).elementsEqual(word) }
            }
            // The language bytes (below 64; others are checked one by one) with a key other than
            // the word (a stem), as a mask.
            var stemmed: UInt64 = 0
            for key in group.keys where !isWord(key) { stemmed |= 1 << UInt64((key.last ?? 0) & 63) }
            var exactKeys: [[UInt8]] = []
            var entries: [TermInfo?] = []
            var df = 0
            for (k, key) in group.keys.enumerated() {
                guard let language = key.last, isWord(key), stemmed & 1 << UInt64(language & 63) != 0,
                      language < 64 || group.keys.contains(where: { $0.last == language && !isWord($0) }) else { continue }
                if exactKeys.isEmpty {
                    // At most every key: arrays made once.
                    exactKeys.reserveCapacity(group.keys.count - k)
                    entries.reserveCapacity((group.keys.count - k) * group.segmentCount)
                }
                exactKeys.append(key)
                let perSegment = group.entries(ofKey: k)
                entries.append(contentsOf: perSegment)
                for (s, info) in perSegment.enumerated() {
                    if let info { df += try reader.segments[s].liveStatistics(key, info).docFreq }
                }
            }
            guard !exactKeys.isEmpty else { return nil }
            df = min(df, reader.docCount)
            return TermGroup(word: group.word, keys: exactKeys, docFreq: df, idf: exactFormWeight * bm25.idf(docFreq: df), entries: entries,
                             segmentCount: group.segmentCount, note: exactFormNote)
        }
    }

    /// How much a document that has a query word only as spelt with other accents adds, as a
    /// share of a full BM25 term with that spelling's idf.
    public static let otherSpellingWeight = 0.5
    static let otherSpellingNote = "spelt with other accents; idf × \(otherSpellingWeight)"

    /// The word as documents spell it with other accents, as a group of its own at
    /// `otherSpellingWeight` × the word's idf: the stem of the word typed without its accents (`franc`
    /// for `francés`: a text that writes `frances`), and the unaccented spellings whose accented
    /// forms share the word's stem (the index's accent variants read backwards: `premier` for
    /// `premi`, a text writing `premiere` for `première`) — keys the word's own group lacks.
    /// Such a spelling is ambiguous (`franc` is also the currency), hence the lower weight; an
    /// ordinary OR group, so every strategy and its pruning apply. Nil when there is none.
    static func otherSpellings(of analyzed: AnalyzedWord, main: TermGroup, reader: IndexReader, bm25: BM25) throws -> TermGroup? {
        var wanted: [[UInt8]] = []
        func want(_ key: [UInt8]) {
            if !main.keys.contains(key) && !wanted.contains(key) { wanted.append(key) }
        }
        for candidate in analyzed.candidates {
            if let stem = candidate.unaccentedStem { want(TermKey.make(candidate.language, stem)) }
        }
        for segment in reader.segments where segment.terms.accentVariantCount > 0 {
            for key in main.keys where key.last != Language.other.rawValue {
                for from in try segment.terms.accentVariants(to: key) { want(from) }
            }
        }
        guard !wanted.isEmpty else { return nil }
        var keys: [[UInt8]] = [], entries: [TermInfo?] = []
        var bestByLanguage: [UInt8: Int] = [:]
        for key in wanted {
            let before = entries.count
            var df = 0
            for segment in reader.segments {
                let info = try segment.terms.lookup(key)
                entries.append(info)
                if let info { df += try segment.liveStatistics(key, info).docFreq }
            }
            guard df > 0, let language = key.last else {
                entries.removeSubrange(before...)
                continue
            }
            keys.append(key)
            bestByLanguage[language] = max(bestByLanguage[language] ?? 0, df)
        }
        guard !keys.isEmpty else { return nil }
        // The word's own idf, weighted: a rare other spelling is no rarer a word.
        let df = min(bestByLanguage.values.reduce(0, +), reader.docCount)
        return TermGroup(word: analyzed.word, keys: keys, docFreq: df, idf: otherSpellingWeight * main.idf, entries: entries,
                         segmentCount: reader.segments.count, note: otherSpellingNote)
    }

    /// The term group of one analyzed query word. The word's keys in every language are found
    /// in one dictionary pass per segment, and each distinct stem's likewise — the word's own and
    /// the stems the index filed as the accented spellings of its unaccented stem (`AccentVariant`).
    static func group(for analyzed: AnalyzedWord, reader: IndexReader, bm25: BM25) throws -> TermGroup {
        let word = analyzed.word
        // The candidates are read field by field, in place: copying one copies (and retains) all
        // its keys.
        let candidates = analyzed.candidates
        var languages: UInt32 = 0
        for c in candidates.indices { languages |= 1 << UInt32(candidates[c].language.rawValue) }
        let segments = reader.segments
        // The entries every lookup of the word finds, in one buffer (room for each language in
        // each segment for the word and a stem or two).
        var found: [TermLookup.Found] = []
        found.reserveCapacity(2 * languages.nonzeroBitCount * segments.count)
        var text = word
        let surfaces = try text.withUTF8 { try TermLookup(term: UnsafeRawBufferPointer($0), languages: languages, reader: reader, into: &found) }
        // Distinct stems (languages often share one), each with the languages it stands for (a mask).
        var stems: [(stem: String, languages: UInt32)] = []
        stems.reserveCapacity(candidates.count)
        func add(_ stem: String, _ language: UInt8) {
            if let i = stems.firstIndex(where: { $0.stem == stem }) {
                stems[i].languages |= 1 << UInt32(language)
            } else {
                stems.append((stem, 1 << UInt32(language)))
            }
        }
        let hasVariants = segments.contains { $0.terms.accentVariantCount > 0 }
        for c in candidates.indices {
            let l = candidates[c].language.rawValue
            for stem in candidates[c].stems { add(stem, l) }
            guard hasVariants, let variantKey = candidates[c].variantKey else { continue }
            for segment in segments {
                for to in try segment.terms.accentVariants(of: variantKey) {
                    let stem = String(decoding: to, as: UTF8.self)
                    if stem != word { add(stem, l) }
                }
            }
        }
        // Each stem's lookup (the word's own for a stem spelt as the word: found with it, the
        // word's lookup covering every language). Read in place below.
        var lookups: [TermLookup] = []
        lookups.reserveCapacity(stems.count)
        for entry in stems {
            guard entry.stem != word else {
                lookups.append(surfaces)
                continue
            }
            var stem = entry.stem
            lookups.append(try stem.withUTF8 { try TermLookup(term: UnsafeRawBufferPointer($0), languages: entry.languages, reader: reader, into: &found) })
        }
        var keys: [[UInt8]] = []
        keys.reserveCapacity(candidates.count + stems.count)
        var entries: [TermInfo?] = []
        entries.reserveCapacity((candidates.count + stems.count) * segments.count)
        var df = 0
        for c in candidates.indices {
            let language = candidates[c].language
            let l = Int(language.rawValue)
            let surface = surfaces.totals[l]
            var best = 0
            if let surface {
                keys.append(candidates[c].surfaceKey)
                surfaces.appendEntries(l, from: found, segmentCount: segments.count, to: &entries)
                best = surface.docFreq
            }
            for s in stems.indices where stems[s].languages & (1 << UInt32(l)) != 0 {
                guard let stemInfo = lookups[s].totals[l] else { continue }
                let nameUses = surface?.nameFreq ?? 0
                let plainUses = stemInfo.totalTermFreq - stemInfo.nameFreq
                if nameUses < plainUses {
                    // The candidate's own stem key when it has this stem (made at parse time).
                    let stem = stems[s].stem
                    keys.append(candidates[c].stems.firstIndex(of: stem).map { candidates[c].stemKeys[$0] } ?? TermKey.make(language, stem))
                    lookups[s].appendEntries(l, from: found, segmentCount: segments.count, to: &entries)
                    best = max(best, stemInfo.docFreq)
                }
            }
            df += best
        }
        df = min(df, reader.docCount)
        return TermGroup(word: word, keys: keys, docFreq: df, idf: bm25.idf(docFreq: df), entries: entries, segmentCount: segments.count)
    }
}
