import ArgumentParser
import LoupeAnalysis
import LoupeIndex
import LoupeSearch

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Describe an index: documents, terms, languages, size.")

    @OptionGroup var location: IndexLocation

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        try reportingErrors {
            let reader = try IndexReader(path: location.index)
            let stats = try IndexStatistics(reader: reader)
            if json {
                print(stats.json(index: location.index).rendered)
                return
            }
            print("index:      \(location.index) (generation \(stats.generation), format \(IndexFile.formatVersion))")
            print("source:     \(stats.sourceRoot)")
            print("documents:  \(grouped(stats.documents))")
            print("tokens:     \(grouped(stats.tokens)) (average \(fixed(stats.averageLength, 1)) per document)")
            print("terms:      \(grouped(stats.terms)) (summed over segments; \(grouped(stats.accentVariants)) accent variants)")
            let deleted = stats.deletedDocuments
            print("segments:   \(stats.segments)" + (deleted > 0 ? " (\(grouped(deleted)) deleted documents not yet merged away)" : ""))
            print("size:       \(formatBytes(stats.bytes))")
            print("languages:  " + Language.allCases.map { "\($0.code) \(stats.languages[$0] ?? 0)" }.joined(separator: ", "))
            if let ocr = stats.settings["ocr"] { print("ocr:        \(ocr) (scans are read; `loupe index --no-ocr` stops it)") }
            if !stats.skipped.isEmpty { print("skipped:    \(grouped(stats.skipped.count)) files not indexed (`loupe status` lists them)") }
            if !stats.partial.isEmpty {
                print("in part:    \(grouped(stats.partial.count)) documents indexed only in part:")
                for file in stats.partial { print(Terminal.inert("  \(FileName.shown(file.path)): \(file.reason)")) }
            }
        }
    }
}
