import ArgumentParser
import LoupeIndex
import LoupeSearch

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What changed in the indexed directory since its index, and what the last run skipped.",
        discussion: """
            Like `git status`: the files added, changed and removed in DIR (by default the directory the index was \
            built from) since the index was built — one stat per file; a file whose time moved is compared by \
            content — the files the last `loupe index` read but did not index, and the documents it indexed only in \
            part (a limit cut their text), with the reason. \
            `loupe index DIR` brings the index up to date. Exit status 0 either way.
            """
    )

    @Argument(help: ArgumentHelp("The indexed directory (default: the one the index was built from).", valueName: "dir"))
    var corpus: String?

    @OptionGroup var location: IndexLocation

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        try reportingErrors {
            let reader = try IndexReader(path: location.index)
            let root = corpus ?? reader.manifest.sourceRoot
            let changes = try CorpusChanges.compute(corpus: root, reader: reader)
            let skipped = reader.manifest.skipped
            let partial = reader.manifest.partial
            if json {
                print(JSON.object([
                    ("index", .string(location.index)),
                    ("source", .string(root)),
                    ("generation", .int(Int(reader.manifest.generation))),
                    ("up_to_date", .bool(changes.isEmpty)),
                    ("added", .array(changes.added.map { .string($0) })),
                    ("changed", .array(changes.changed.map { .string($0) })),
                    ("removed", .array(changes.removed.map { .string($0) })),
                    ("unchanged", .int(changes.unchanged)),
                    ("skipped", .array(skipped.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
                    ("partial", .array(partial.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
                    ("unreadable", .array(changes.unreadable.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
                ]).rendered)
                return
            }
            print(Terminal.inert("index \(location.index) (generation \(reader.manifest.generation)) of \(root)"))
            if changes.isEmpty {
                print("Up to date: \(grouped(changes.unchanged)) files unchanged.")
            } else {
                print("Changed since the index: \(grouped(changes.added.count)) added, \(grouped(changes.changed.count)) changed, "
                      + "\(grouped(changes.removed.count)) removed, \(grouped(changes.unchanged)) unchanged (`loupe index` brings it up to date)")
                for (label, paths) in [("added:  ", changes.added), ("changed:", changes.changed), ("removed:", changes.removed)] {
                    for path in paths { print(Terminal.inert("  \(label) \(FileName.shown(path))")) }
                }
            }
            if !skipped.isEmpty {
                print("Not indexed by the last run (\(grouped(skipped.count))):")
                for file in skipped { print(Terminal.inert("  \(FileName.shown(file.path)): \(file.reason)")) }
            }
            if !partial.isEmpty {
                print("Indexed only in part (\(grouped(partial.count))):")
                for file in partial { print(Terminal.inert("  \(FileName.shown(file.path)): \(file.reason)")) }
            }
            for s in changes.unreadable { Terminal.warning(Terminal.inert("\(s.path): \(s.reason)")) }
        }
    }
}
