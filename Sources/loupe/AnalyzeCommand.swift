import ArgumentParser
import LoupeSearch
import LoupeAnalysis

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show the tokens the index would store for a text (term, position, byte range).",
        discussion: """
            With --lang auto (the default) the language is detected as it is for documents; short texts usually \
            come out as "other" (folded, not stemmed). Names (capitalized words not starting a sentence) and \
            function words are never stemmed. Names of countries and languages are listed with the names in \
            the other two languages that a search for them also looks for.
            """
    )

    @Argument(help: ArgumentHelp("Text to analyze (several arguments are joined).", valueName: "text"))
    var text: [String] = []

    @Option(name: .long, help: ArgumentHelp("Language: en, fr, es, other or auto.", valueName: "lang"))
    var lang: String = "auto"

    @Flag(name: .long, help: "Print a JSON array of {term, position, start, end}.")
    var json = false

    func validate() throws {
        if lang != "auto" && Language(code: lang) == nil { throw ValidationError("--lang must be en, fr, es, other or auto") }
    }

    func run() throws {
        try reportingErrors {
            let input = text.joined(separator: " ")
            let language = Language(code: lang) ?? LanguageDetector().detect(input)
            let analyzer = try Analyzer()
            let tokens = analyzer.tokens(input, language: language)
            if json {
                print(JSON.array(tokens.map {
                    .object([("term", .string($0.term)), ("position", .int($0.position)), ("start", .int($0.start)), ("end", .int($0.end))])
                }).rendered)
                return
            }
            print(Terminal.dim("language: \(language.code)"))
            let bytes = Array(input.utf8)
            for t in tokens {
                let original = String(decoding: bytes[t.start..<t.end], as: UTF8.self)
                print("\(t.position)\t\(t.term)\t[\(t.start), \(t.end))\t\(original)")
            }
            // What a search would add: the other languages' names of places and languages named here.
            for expansion in ParsedQuery(input, analyzer: analyzer).expansions {
                print(Terminal.dim("\(expansion.typed.joined(separator: " ")) (\(expansion.id)) also searched as: \(expansion.translationNames.joined(separator: ", "))"))
            }
        }
    }
}
