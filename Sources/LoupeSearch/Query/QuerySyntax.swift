import LoupeAnalysis

/// The query language's syntax tree, before analysis: what `QuerySyntax.parse` makes of the text.
///
/// `AND` binds tighter than `OR`; words side by side are joined by the default operator (`OR`,
/// or `AND` with `--all`); `+word` must and `-word` / `NOT word` must not occur at their level.
/// Operators are recognised in capitals only (`and`, `or`, `not` are ordinary words).
public indirect enum QueryNode: Equatable, Sendable {
    /// A word as typed: plain, `prefix*`, a `m?li`/`ma*i` pattern, or `word~N` fuzzy.
    case word(String, at: Int)
    /// Quoted words: consecutive (`slop` nil) or, with `"…"~N`, all within a window of N more
    /// positions than the phrase has words, in any order.
    case phrase(String, slop: Int?, at: Int)
    /// `lang:fr`, `ext:pdf`, `path:fr/`: documents whose metadata matches.
    case filter(QueryFilter, at: Int)
    /// `title:word`, `title:"words"`: in the document's title.
    case title(QueryNode)
    /// Every `must`, none of `mustNot` and — when there is no `must` — at least one `should`.
    /// Scored as the sum of its matching clauses (Lucene's BooleanQuery).
    case boolean(must: [QueryNode], should: [QueryNode], mustNot: [QueryNode])
}

/// A metadata field of `field:value`.
public enum QueryFilter: Equatable, Sendable {
    case language(String)
    case fileExtension(String)
    case path(String)
}

/// A query the parser cannot read, with the character (0-based) where it went wrong.
public struct QuerySyntaxError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var position: Int
    public var query: String

    /// One line: the problem, the column (1-based) and the query with a `⟨here⟩` mark.
    public var description: String {
        let chars = Array(query)
        let at = min(max(0, position), chars.count)
        return "query error at column \(at + 1): \(message): \(String(chars[..<at]))⟨here⟩\(String(chars[at...]))"
    }
}

/// Parses the query language (docs: README, "Query syntax").
public enum QuerySyntax {
    /// Whether `text` uses syntax only the boolean evaluator handles: operators, parentheses,
    /// fields, proximity, `?` patterns or `*` inside a word. Other queries (words, `"phrases"`,
    /// `+`/`-`, `prefix*`, `word~N`) take the ranked OR path of `ParsedQuery`.
    public static func needsBooleanEvaluation(_ text: String) -> Bool {
        guard let tokens = try? tokenize(text) else { return true }
        for token in tokens {
            switch token.kind {
            case .and, .or, .not, .open, .close: return true
            case .phrase(_, let slop) where slop != nil: return true
            case .word(let w):
                if fieldPrefix(w) != nil { return true }
                if w.allSatisfy({ "*?~".contains($0) }) { return true }  // an error to report
                if w.contains("?") { return true }
                if let star = w.firstIndex(of: "*"), w[w.index(after: star)...].contains(where: { $0 != "*" }) { return true }
            case .titleField: return true
            default: break
            }
        }
        return false
    }

    /// The tree as the ranked OR path's syntax (`+must should -mustNot`, required `"phrases"`)
    /// when it says exactly that: one level of plain words, `prefix*` and `word~N` among the
    /// optional ones, phrases among the required ones. That path prunes block by block (it does
    /// not translate names for these: operator queries search words as typed); nil for anything
    /// else (nesting, fields, proximity, patterns).
    public static func flatForm(_ node: QueryNode) -> String? {
        func plain(_ n: QueryNode) -> String? {
            guard case .word(let w, _) = n, !w.contains("*"), !w.contains("?"), !w.contains("~"), !w.contains("\""),
                  w.first != "+", w.first != "-" else { return nil }
            return w
        }
        switch node {
        case .word(let w, _):
            return w.contains("?") || (w.firstIndex(of: "*").map { w[w.index(after: $0)...].contains { $0 != "*" } } ?? false) ? nil : w
        case .boolean(let must, let should, let mustNot):
            var parts: [String] = []
            // A lone required word without optional ones can be the OR path's only optional word:
            // the same documents (an OR query needs one of its words), no bitmap to build. (With
            // two, `a +b` would let documents without `a` in.)
            var unsigned = should.isEmpty && must.count == 1
            // Several required words: the clause scorers intersect them (leapfrogging with skips),
            // where the OR path would build a bitmap of each from all its postings.
            guard must.filter({ if case .word = $0 { return true } else { return false } }).count <= 1 else { return nil }
            for m in must {
                if case .phrase(let body, nil, _) = m, !body.contains("\"") {
                    parts.append("\"" + body + "\"")
                } else if let w = plain(m) {
                    // (Not a function word: the OR path would drop it beside other words.)
                    let free = unsigned && !StopWords.isStopWord(w.lowercased())
                    parts.append(free ? w : "+" + w)
                    if free { unsigned = false }
                } else {
                    return nil
                }
            }
            for n in mustNot {
                guard let w = plain(n) else { return nil }
                parts.append("-" + w)
            }
            for o in should {
                guard case .word(let w, _) = o, !w.contains("?"), !w.contains("\""), w.first != "+", w.first != "-",
                      !(w.firstIndex(of: "*").map { w[w.index(after: $0)...].contains { $0 != "*" } } ?? false) else { return nil }
                parts.append(w)
            }
            // The OR path counts a word once however often it is typed; the clauses would count
            // each (and it drops function words from its optional words when others remain).
            let words = parts.map { $0.lowercased().trimmingCharacters(in: ["+", "-"]) }
            guard Set(words).count == words.count, !should.contains(where: { n in
                if case .word(let w, _) = n { return StopWords.isStopWord(w.lowercased()) }
                return false
            }) else { return nil }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        default:
            return nil
        }
    }

    /// The tree of `text`; `defaultAnd` joins side-by-side words with AND instead of OR.
    public static func parse(_ text: String, defaultAnd: Bool = false) throws -> QueryNode {
        var parser = Parser(tokens: try tokenize(text), text: text, defaultAnd: defaultAnd)
        let node = try parser.sequence(depth: 0)
        guard hasPositive(node) else {
            throw QuerySyntaxError(message: "nothing to search: every word is excluded or the query is empty", position: 0, query: text)
        }
        return node
    }

    /// Whether a node can match a document by itself (a query of only exclusions cannot).
    static func hasPositive(_ node: QueryNode) -> Bool {
        switch node {
        case .word, .phrase, .filter, .title: return true
        case .boolean(let must, let should, _): return must.contains(where: hasPositive) || should.contains(where: hasPositive)
        }
    }

    // MARK: Tokens

    struct Token: Equatable {
        enum Kind: Equatable {
            case word(String)
            case phrase(String, slop: Int?)
            case titleField
            case and, or, not, open, close
            case plus, minus
        }
        var kind: Kind
        var position: Int
    }

    static let openingQuotes: Set<Character> = ["\"", "“", "«"]
    static let closingQuotes: Set<Character> = ["\"", "”", "»"]

    static func tokenize(_ text: String) throws -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        func isBreak(_ c: Character) -> Bool { c.isWhitespace || c == "(" || c == ")" || openingQuotes.contains(c) }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "(" { tokens.append(Token(kind: .open, position: i)); i += 1; continue }
            if c == ")" { tokens.append(Token(kind: .close, position: i)); i += 1; continue }
            if openingQuotes.contains(c) {
                // A phrase runs to its closing quote, or leniently to the end of the query.
                let start = i
                i += 1
                var body = ""
                while i < chars.count && !closingQuotes.contains(chars[i]) { body.append(chars[i]); i += 1 }
                if i < chars.count { i += 1 }
                var slop: Int? = nil
                if i < chars.count && chars[i] == "~" {
                    var j = i + 1, digits = ""
                    while j < chars.count && chars[j].isASCII && chars[j].isNumber { digits.append(chars[j]); j += 1 }
                    guard let n = Int(digits), n <= 1000 else {
                        throw QuerySyntaxError(message: "a phrase's ~ needs a number of positions (\"…\"~3)", position: i, query: text)
                    }
                    slop = n
                    i = j
                }
                tokens.append(Token(kind: .phrase(body, slop: slop), position: start))
                continue
            }
            if (c == "+" || c == "-") && i + 1 < chars.count && !isBreak(chars[i + 1]) || (c == "+" || c == "-") && i + 1 < chars.count && (chars[i + 1] == "(" || openingQuotes.contains(chars[i + 1])) {
                tokens.append(Token(kind: c == "+" ? .plus : .minus, position: i))
                i += 1
                continue
            }
            let start = i
            var word = ""
            while i < chars.count && !isBreak(chars[i]) { word.append(chars[i]); i += 1 }
            switch word {
            case "AND", "&&": tokens.append(Token(kind: .and, position: start))
            case "OR", "||": tokens.append(Token(kind: .or, position: start))
            case "NOT": tokens.append(Token(kind: .not, position: start))
            default:
                if word.lowercased() == "title:" {
                    tokens.append(Token(kind: .titleField, position: start))
                } else if word.allSatisfy({ $0 == "+" || $0 == "-" }) {
                    continue  // a sign alone
                } else {
                    tokens.append(Token(kind: .word(word), position: start))
                }
            }
        }
        return tokens
    }

    /// `field` and `value` of a `field:value` word for the fields the language knows, else nil
    /// (`13:00` and `http://…` stay words).
    static func fieldPrefix(_ word: String) -> (field: String, value: String)? {
        guard let colon = word.firstIndex(of: ":") else { return nil }
        let field = word[..<colon].lowercased()
        guard ["title", "path", "lang", "ext"].contains(field) else { return nil }
        return (field, String(word[word.index(after: colon)...]))
    }

    // MARK: Parser

    struct Parser {
        let tokens: [Token]
        let text: String
        let defaultAnd: Bool
        var i = 0

        init(tokens: [Token], text: String, defaultAnd: Bool) {
            self.tokens = tokens
            self.text = text
            self.defaultAnd = defaultAnd
        }

        func error(_ message: String, _ position: Int) -> QuerySyntaxError {
            QuerySyntaxError(message: message, position: position, query: text)
        }

        var endPosition: Int { text.count }

        enum Sign { case none, plus, minus }

        /// Items up to a `)` or the end, joined by AND (tighter) and OR.
        mutating func sequence(depth: Int) throws -> QueryNode {
            guard depth < 64 else { throw error("parentheses nested too deep", tokens[max(0, i - 1)].position) }
            // OR-separated groups of AND-joined signed items.
            var groups: [[(Sign, QueryNode)]] = [[]]
            var pending: Token? = nil  // an AND or OR waiting for its right side
            while i < tokens.count {
                let token = tokens[i]
                switch token.kind {
                case .close:
                    if depth > 0 {
                        if let pending { throw error("\(name(pending)) needs a word after it", pending.position) }
                        return build(groups)
                    }
                    i += 1  // a stray `)`: ignored
                    continue
                case .and, .or:
                    if let pending { throw error("\(name(pending)) needs a word after it", pending.position) }
                    guard !(groups.last?.isEmpty ?? true) else { throw error("\(name(token)) needs a word before it", token.position) }
                    pending = token
                    i += 1
                    continue
                default:
                    let (sign, node) = try item(depth: depth)
                    let joinWithAnd: Bool
                    if let p = pending { joinWithAnd = p.kind == .and } else { joinWithAnd = defaultAnd }
                    if !joinWithAnd && !(groups.last?.isEmpty ?? true) { groups.append([]) }
                    groups[groups.count - 1].append((sign, node))
                    pending = nil
                }
            }
            if let pending { throw error("\(name(pending)) needs a word after it", pending.position) }
            return build(groups)
        }

        func name(_ token: Token) -> String {
            switch token.kind {
            case .and: return "AND"
            case .or: return "OR"
            case .not: return "NOT"
            default: return "operator"
            }
        }

        /// One signed item: `+x`, `-x`, `NOT x`, or `x`.
        mutating func item(depth: Int) throws -> (Sign, QueryNode) {
            let token = tokens[i]
            switch token.kind {
            case .plus, .minus, .not:
                i += 1
                guard i < tokens.count, ![.and, .or, .close].contains(tokens[i].kind) else {
                    throw error("\(token.kind == .not ? "NOT" : token.kind == .plus ? "+" : "-") needs a word after it", token.position)
                }
                let (inner, node) = try item(depth: depth)
                if token.kind == .plus { return (inner == .minus ? .minus : .plus, node) }
                return (inner == .minus ? .plus : .minus, node)
            default:
                return (.none, try primary(depth: depth))
            }
        }

        mutating func primary(depth: Int) throws -> QueryNode {
            let token = tokens[i]
            i += 1
            switch token.kind {
            case .open:
                let node = try sequence(depth: depth + 1)
                if i < tokens.count, tokens[i].kind == .close { i += 1 }  // else closed leniently at the end
                return node
            case .phrase(let body, let slop):
                return .phrase(body, slop: slop, at: token.position)
            case .titleField:
                guard i < tokens.count else { throw error("title: needs a word or a \"phrase\" after it", token.position) }
                switch tokens[i].kind {
                case .word, .phrase, .open:
                    return .title(try primary(depth: depth))
                default:
                    throw error("title: needs a word or a \"phrase\" after it", token.position)
                }
            case .word(let word):
                if word.allSatisfy({ "*?~".contains($0) }) {
                    throw error(word.contains("~") ? "~ needs a word before it (macron~1)" : "a pattern needs letters before its * or ? (niam*, m?li)", token.position)
                }
                if let (field, value) = fieldPrefix(word) {
                    guard !value.isEmpty else { throw error("\(field): needs a value after it", token.position) }
                    switch field {
                    case "title": return .title(.word(value, at: token.position + 6))
                    case "lang": return .filter(.language(value.lowercased()), at: token.position)
                    case "ext": return .filter(.fileExtension(value.lowercased().trimmingPrefixDot()), at: token.position)
                    default: return .filter(.path(value), at: token.position)
                    }
                }
                return .word(word, at: token.position)
            default:
                throw error("unexpected \(name(token))", token.position)
            }
        }

        /// The node of OR-separated groups of AND-joined signed items.
        func build(_ groups: [[(Sign, QueryNode)]]) -> QueryNode {
            // Each AND group as a node (a single item keeps its sign for the OR level).
            var orItems: [(Sign, QueryNode)] = []
            for group in groups where !group.isEmpty {
                if group.count == 1 {
                    orItems.append(group[0])
                    continue
                }
                let must = group.filter { $0.0 != .minus }.map(\.1)
                let mustNot = group.filter { $0.0 == .minus }.map(\.1)
                if must.isEmpty {
                    // Only exclusions: they exclude at the level above.
                    orItems += mustNot.map { (.minus, $0) }
                } else {
                    orItems.append((.none, .boolean(must: must, should: [], mustNot: mustNot)))
                }
            }
            // A metadata filter restricts whatever stands beside it (`lang:es sequia`: Spanish
            // documents about sequía), rather than being one more alternative.
            let filters = orItems.filter { item in
                if case .filter = item.1 { return item.0 == .none }
                return false
            }.map(\.1)
            let rest = orItems.filter { item in
                if case .filter = item.1 { return item.0 != .none }
                return true
            }
            let mustNot = rest.filter { $0.0 == .minus }.map(\.1)
            let positives = rest.filter { $0.0 != .minus }
            // Filters alone are alternatives to each other (`lang:fr lang:es`).
            let restriction: QueryNode? = filters.isEmpty ? nil : filters.count == 1 ? filters[0] : .boolean(must: [], should: filters, mustNot: [])
            guard !positives.isEmpty else {
                if let restriction, mustNot.isEmpty { return restriction }
                return .boolean(must: restriction.map { [$0] } ?? [], should: [], mustNot: mustNot)
            }
            let node: QueryNode = positives.count == 1 && positives[0].0 == .none && mustNot.isEmpty ? positives[0].1
                : .boolean(must: positives.filter { $0.0 == .plus }.map(\.1), should: positives.filter { $0.0 == .none }.map(\.1), mustNot: mustNot)
            guard let restriction else { return node }
            return .boolean(must: [restriction, node], should: [], mustNot: [])
        }
    }
}

extension String {
    fileprivate func trimmingPrefixDot() -> String { hasPrefix(".") ? String(dropFirst()) : self }

    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) })
    }
}
