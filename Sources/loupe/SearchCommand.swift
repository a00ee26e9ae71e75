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

            Pages: -k N results after the first --offset M. Output: --format text (the default), json (one \
            object, also --json), jsonl (one hit object a line), paths (one absolute path a line, for xargs). \
            Exit status: 0 when something matched, 1 when nothing did (as grep), 2 on an error.

            JSON output (--json): {"query", "total_hits", "took_ms", "hits": [{"rank", "path", "title", "score", \
            "snippet": {"text", "highlights": [[start, end], …]}}], "translations": [names searched besides \
            the query's]} — highlights are [start, end) offsets into snippet.text in Unicode scalars.
            """
    )

    @Argument(help: ArgumentHelp("The query (several words are joined).", valueName: "query"))
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

    @Flag(name: .long, help: "Score every matching document instead of pruning (same results; for checking).")
    var exhaustive = false

    @Flag(name: .long, help: "Search names of countries and languages only as typed, not also in the other languages (Allemagne without Germany, Alemania).")
    var noTranslate = false

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, paths
    }

    func validate() throws {
        if k < 1 || k > 10_000 { throw ValidationError("-k must be between 1 and 10000") }
        if offset < 0 || offset > 10_000 { throw ValidationError("--offset must be between 0 and 10000") }
        if json && format != .text && format != .json { throw ValidationError("--json and --format \(format.rawValue) disagree") }
    }

    func run() throws {
        var noMatch = false
        try reportingErrors {
            let query = words.joined(separator: " ")
            guard query.contains(where: { !$0.isWhitespace }) else { throw IndexError.invalidInput("empty query: give some words to search for") }
            let reader = try IndexReader(path: location.index)
            let searcher = try Searcher(reader: reader)
            searcher.expandNames = !noTranslate
            let response = try searcher.respond(to: query, k: k, offset: offset, strategy: exhaustive ? .exhaustive : .maxScore)
            noMatch = response.hits.isEmpty
            switch json ? .json : format {
            case .text: printText(response)
            case .json: print(response.json.rendered)
            case .jsonl: for hit in response.hits { print(hit.json.rendered) }
            case .paths:
                let root = reader.manifest.sourceRoot
                for hit in response.hits { print(root.hasSuffix("/") ? root + hit.path : root + "/" + hit.path) }
            }
        }
        // Like grep: nothing matched (on this page) is exit status 1; errors are 2.
        if noMatch { throw ExitCode(1) }
    }

    func printText(_ r: SearchResponse) {
        if r.hits.isEmpty {
            var message = "No documents match: \(r.query)"
            if !r.unknownWords.isEmpty { message += " Not in the index: \(r.unknownWords.joined(separator: ", "))." }
            print(Terminal.inert(message))
            return
        }
        for hit in r.hits {
            // Titles, paths and snippets come from documents: made inert before any styling.
            let title = Terminal.inert(hit.title.isEmpty ? hit.path : hit.title)
            print("\(hit.rank). \(Terminal.bold(title))")
            print("   \(Terminal.dim("\(Terminal.inert(hit.path)) · \(hit.language.code) · score \(fixed(hit.score, 3))"))")
            print("   \(highlighted(hit.snippet))")
            print("")
        }
        let shown = r.hits.count < r.totalHits ? "top \(r.hits.count) of \(grouped(r.totalHits))" : "\(grouped(r.totalHits))"
        print(Terminal.dim("\(shown) matching document\(r.totalHits == 1 ? "" : "s") in \(fixed(r.tookMilliseconds, 1)) ms"))
        if !r.translations.isEmpty { print(Terminal.dim("also searched: \(r.translations.joined(separator: ", ")) (--no-translate: as typed only)")) }
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
