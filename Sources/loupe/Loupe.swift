import ArgumentParser

@main
struct Loupe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loupe",
        abstract: "Full-text search for a directory of documents (French, Spanish, English and more).",
        discussion: """
            Build an index of a directory once, then search it with ranked results and highlighted passages:

              loupe index Corpus              # writes the index to ./Index
              loupe search "macron mali"      # top 10 by BM25, with snippets
              loupe search mexico --json      # machine-readable results
            """,
        version: "0.1.0",
        subcommands: [IndexCommand.self, SearchCommand.self, ServeCommand.self, AnalyzeCommand.self, StatsCommand.self, StatusCommand.self, CheckCommand.self, OptimizeCommand.self, WatchCommand.self, BenchCommand.self]
    )
}

/// The `--index` option every command that reads or writes an index shares.
struct IndexLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Index directory.", valueName: "dir"))
    var index: String = "Index"
}
