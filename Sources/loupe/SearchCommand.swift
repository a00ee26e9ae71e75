import ArgumentParser
import LoupeAnalysis
import LoupeIndex
import LoupeSearch

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index: ranked results (BM25) with highlighted passages.",
        discussion: """
            The query's words are analyzed like the documents (case, accents, apostrophes, elisions, plurals), and \
            a document matches if it contains any of them; documents with more, rarer words rank higher. \
            Function words (the, de, la, …) are ignored when the query has other words. Words in double quotes \
            ("côte d'ivoire", “…” or «…») form a phrase: every result contains it, words in that order. \
            A country or a language named in English, French or Spanish (Allemagne, Ivory Coast, alemán) is \
            searched under its names in the other two as well (ICU's CLDR names), a little below the name as \
            typed; --no-translate turns that off.

            A word written -word excludes the documents that hold it; +word requires it (\
            loupe search "mali -wagner", or loupe search -wagner mali: everything that is not an option is the \
            query; -- ends the options). Operators, in capitals: AND, OR, NOT and parentheses ((mali OR niger) \
            AND NOT wagner; AND binds tighter than OR); --all joins words side by side with AND. "words near"~5: \
            all within 5 more positions than the phrase has words, any order. niam* (prefix), m?li and ma*i \
            (patterns), macron~1 or macron~ (fuzzy: 1 or 2 edits). Fields: title:word, title:"a phrase", \
            lang:fr, ext:pdf, path:fr/. A query that cannot be read is an error naming its column. Filters: --lang fr,es, --path-prefix fr/, --modified-after 2024-01-01. \
            Pages: -k N results after the first --offset M. Output: --format text (the default), json (one \
            object, also --json), jsonl (one hit object a line), paths (one absolute path a line, for xargs). \
            Exit status: 0 when something matched, 1 when nothing did (as grep), 2 on an error.

            JSON output (--json): {"query", "total_hits", "took_ms", "hits": [{"rank", "id", "path", "title", "score", \
            "snippet": {"text", "highlights": [[start, end], …]}, "page" (PDFs)}], "translations": [names searched besides \
            the query's]} — highlights are [start, end) offsets into snippet.text in Unicode scalars.
            """
    )

    // Everything that is not one of the options below is the query, a `-word` included (`--` also
    // ends the options).
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The query (several words are joined; -word and +word included).", valueName: "query"))
    var words: [String] = []

    @OptionGroup var location: IndexLocation

    @Option(name: .short, help: "Number of results.")
    var k: Int = 10

    @Option(name: .long, help: ArgumentHelp("Output: text, json (one object), jsonl (one hit a line), paths (one absolute path a line, for xargs).", valueName: "format"))
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Print one JSON object (the same as --format json).")
    var json = false

    @Option(name: .long, help: "Skip this many results first (the next page: --offset 10 -k 10).")
    var offset: Int = 0

    @Option(name: .long, help: ArgumentHelp("Only documents in these languages (comma-separated: en, fr, es, other).", valueName: "codes"))
    var lang: String?

    @Option(name: .long, help: ArgumentHelp("Only documents whose path (relative to the indexed directory) starts with this.", valueName: "prefix"))
    var pathPrefix: String?

    @Option(name: .long, help: ArgumentHelp("Only files modified on or after this day (YYYY-MM-DD, UTC).", valueName: "date"))
    var modifiedAfter: String?

    @Flag(name: .long, help: "Every word must occur: words side by side are joined by AND instead of OR.")
    var all = false

    @Flag(name: .long, help: "Score every matching document instead of pruning (same results; for checking).")
    var exhaustive = false

    @Option(name: .long, help: ArgumentHelp("Show each hit's N best passages (sentences around the matches), in document order, each with its line (or page) and rank; 1 shows the snippet, as without it.", valueName: "n"))
    var passages: Int = 1

    @Flag(name: .long, help: "Show how each score was computed: per word, phrase or translation its tf, idf and the document's length; the parts add up to the score.")
    var explain = false

    @Flag(name: .long, help: "Search names of countries and languages only as typed, not also in the other languages (Allemagne without Germany, Alemania).")
    var noTranslate = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, paths
    }

    func validate() throws {
        if k < 1 || k > 10_000 { throw ValidationError("-k must be between 1 and 10000") }
        if offset < 0 || offset > 10_000 { throw ValidationError("--offset must be between 0 and 10000") }
        if passages < 1 || passages > 20 { throw ValidationError("--passages must be between 1 and 20") }
        if json && format != .text && format != .json { throw ValidationError("--json and --format \(format.rawValue) disagree") }
        _ = try searchFilter()
    }

    /// The filter the options ask for.
    func searchFilter() throws -> SearchFilter {
        var filter = SearchFilter(pathPrefix: pathPrefix)
        if let lang {
            let codes = lang.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }
            let languages = codes.compactMap { Language(code: $0) }
            guard languages.count == codes.count, !codes.isEmpty else { throw ValidationError("--lang takes en, fr, es or other, comma-separated (got \(lang))") }
            filter.languages = Set(languages)
        }
        if let modifiedAfter {
            guard let seconds = Self.unixDay(modifiedAfter) else { throw ValidationError("--modified-after takes a day as YYYY-MM-DD (got \(modifiedAfter))") }
            filter.modifiedAfter = seconds
        }
        return filter
    }

    /// Midnight UTC of a YYYY-MM-DD day, in Unix seconds (days from the civil calendar, no Foundation).
    static func unixDay(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Howard Hinnant's days_from_civil.
        let year = m <= 2 ? y - 1 : y
        let era = (year >= 0 ? year : year - 399) / 400
        let yoe = year - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400
    }

    func run() throws {
        var noMatch = false
        try reportingErrors {
            let query = words.joined(separator: " ")
            guard query.contains(where: { !$0.isWhitespace }) else { throw IndexError.invalidInput("empty query: give some words to search for") }
            let reader = try IndexReader(path: location.index)
            let searcher = try Searcher(reader: reader)
            searcher.expandNames = !noTranslate
            searcher.matchAll = all
            searcher.filter = try searchFilter()
            var response = try searcher.respond(to: query, k: k, offset: offset, strategy: exhaustive ? .exhaustive : .maxScore,
                                                explain: explain, passages: passages > 1 ? passages : 0)
            response.stale = Self.staleness(of: reader)
            noMatch = response.hits.isEmpty
            let root = reader.manifest.sourceRoot
            switch json ? .json : format {
            case .text:
                printText(response, searcher)
                if let notice = Self.staleNotice(response.stale, root: root) { print(Terminal.dim(notice)) }
            case .json: print(response.json.rendered)
            case .jsonl:
                for hit in response.hits { print(hit.json.rendered) }
                if let notice = Self.staleNotice(response.stale, root: root) { Terminal.warning(notice) }
            case .paths:
                // The file's own bytes (a name that is not UTF-8 included), a line each, for xargs.
                for hit in response.hits {
                    Terminal.writeStdout(FileName.bytes(root.hasSuffix("/") ? root + hit.path : root + "/" + hit.path) + [0x0A])
                }
                if let notice = Self.staleNotice(response.stale, root: root) { Terminal.warning(notice) }
            }
        }
        // Like grep: nothing matched (on this page) is exit status 1; errors are 2.
        if noMatch { throw ExitCode(1) }
    }

    /// Whether the indexed directory changed since the index (`CorpusChanges`), for a directory of
    /// at most `Staleness.checkLimit` files; nil when it cannot be looked at (it is gone).
    static func staleness(of reader: IndexReader) -> Staleness? {
        guard reader.docCount + reader.manifest.skipped.count <= Staleness.checkLimit else { return Staleness(checked: false) }
        guard let changes = try? CorpusChanges.compute(corpus: reader.manifest.sourceRoot, reader: reader) else { return nil }
        return Staleness(checked: true, added: changes.added.count, changed: changes.changed.count, removed: changes.removed.count)
    }

    /// The line under the results when the directory changed since the index.
    static func staleNotice(_ stale: Staleness?, root: String) -> String? {
        guard let stale, stale.isStale else { return nil }
        return Terminal.inert("The directory changed since this index (\(grouped(stale.added)) added, \(grouped(stale.changed)) changed, "
                              + "\(grouped(stale.removed)) removed): `loupe index \(root)` brings it up to date.")
    }

    func printText(_ r: SearchResponse, _ searcher: Searcher) {
        if r.hits.isEmpty {
            print(Terminal.inert("No documents match: \(r.query)"))
            if !r.unknownWords.isEmpty { print(Terminal.inert("Not in the index: \(r.unknownWords.joined(separator: ", ")).")) }
            if let suggestion = r.suggestion { print("Did you mean: \(Terminal.inert(suggestion))") }
            return
        }
        for hit in r.hits {
            // Titles, paths and snippets come from documents: made inert before any styling.
            let title = Terminal.inert(hit.title.isEmpty ? hit.path : hit.title)
            print("\(hit.rank). \(Terminal.bold(title))")
            let page = (hit.page.map { " · page \($0)" } ?? "") + (hit.ocrConfidence != nil ? (hit.page != nil ? ", OCR" : " · OCR") : "")
            let root = searcher.reader.manifest.sourceRoot
            let shownPath = Terminal.fileLink(Terminal.inert(FileName.shown(hit.path)), path: root.hasSuffix("/") ? root + hit.path : root + "/" + hit.path)
            print("   \(Terminal.dim("\(shownPath) · \(hit.language.code)\(page) · score \(fixed(hit.score, 3))"))")
            if hit.passages.isEmpty {
                print("   \(highlighted(hit.snippet))")
            }
            for passage in hit.passages {
                let place = (passage.page.map { "page \($0)" } ?? "line \(passage.line)") + (passage.ocrConfidence != nil ? ", OCR" : "") + (passage.section.map { " · " + Terminal.inert($0) } ?? "")
                print("   \(Terminal.dim("[\(place), #\(passage.rank)]")) \(highlighted(passage.snippet))")
            }
            if let explanation = hit.explanation {
                for part in explanation.details { printExplanation(part, indent: "   ", searcher: searcher) }
            }
            print("")
        }
        let shown = r.hits.count < r.totalHits ? "top \(r.hits.count) of \(grouped(r.totalHits))" : "\(grouped(r.totalHits))"
        print(Terminal.dim("\(shown) matching document\(r.totalHits == 1 ? "" : "s") in \(fixed(r.tookMilliseconds, 1)) ms"))
        if let suggestion = r.suggestion { print("Did you mean: \(Terminal.inert(suggestion))") }
        if !r.translations.isEmpty { print(Terminal.dim("also searched: \(r.translations.joined(separator: ", ")) (--no-translate: as typed only)")) }
    }

    /// One part of a score on a line — a term's with its idf, tf and length; a sum of parts
    /// (a clause of a boolean query) with its parts on the lines under it, indented.
    func printExplanation(_ part: Explanation, indent: String, searcher: Searcher) {
        let isTerm = !part.details.isEmpty && part.details.allSatisfy { $0.details.isEmpty && ["idf", "tf", "weight"].contains($0.description) || $0.description.hasPrefix("document length") }
        guard isTerm || part.details.isEmpty else {
            print(Terminal.dim("\(indent)\(fixed(part.value, 3)) = \(Terminal.inert(part.description))"))
            for detail in part.details { printExplanation(detail, indent: indent + "  ", searcher: searcher) }
            return
        }
        let values = part.details.map { detail -> String in
            switch detail.description {
            case "idf": return "idf \(fixed(detail.value, 3))"
            case "tf": return "tf \(Int(detail.value))"
            case "weight": return "weight \(fixed(detail.value, 2))"
            default: return "length \(Int(detail.value)) (avgdl \(fixed(searcher.bm25.averageDocLength, 1)))"
            }
        }
        print(Terminal.dim("\(indent)\(fixed(part.value, 3)) = \(Terminal.inert(part.description))" + (values.isEmpty ? "" : ": " + values.joined(separator: ", "))))
    }

    /// The snippet with its highlights in bold colour on a terminal (plain text otherwise).
    func highlighted(_ snippet: Snippet) -> String {
        let scalars = Array(Terminal.inert(snippet.text).unicodeScalars)
        var out = String.UnicodeScalarView()
        var cursor = 0
        for range in snippet.highlights where range.lowerBound >= cursor && range.upperBound <= scalars.count {
            out.append(contentsOf: scalars[cursor..<range.lowerBound])
            let word = String(String.UnicodeScalarView(scalars[range]))
            out.append(contentsOf: (Terminal.colorEnabled ? Terminal.highlight(word) : word).unicodeScalars)
            cursor = range.upperBound
        }
        out.append(contentsOf: scalars[cursor...])
        return String(out)
    }
}
