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
            var languages: [Language: Int] = [:]
            var terms = 0
            var variants = 0
            var bytes = 0
            for segment in reader.segments {
                terms += segment.terms.termCount
                variants += segment.terms.accentVariantCount
                bytes += segment.byteSize
            }
            try reader.forEachLiveDocument { _, record in languages[Language(rawValue: record.language) ?? .other, default: 0] += 1 }
            let m = reader.manifest
            if json {
                print(JSON.object([
                    ("index", .string(location.index)),
                    ("source", .string(m.sourceRoot)),
                    ("generation", .int(Int(m.generation))),
                    ("documents", .int(reader.docCount)),
                    ("tokens", .int(Int(reader.totalTokens))),
                    ("average_length", .double(reader.averageDocLength)),
                    ("terms", .int(terms)),
                    ("accent_variants", .int(variants)),
                    ("segments", .int(reader.segments.count)),
                    ("deleted_documents", .int(reader.maxDoc - reader.docCount)),
                    ("bytes", .int(bytes)),
                    ("languages", .object(Language.allCases.map { ($0.code, .int(languages[$0] ?? 0)) })),
                ]).rendered)
                return
            }
            print("index:      \(location.index) (generation \(m.generation), format \(IndexFile.formatVersion))")
            print("source:     \(m.sourceRoot)")
            print("documents:  \(grouped(reader.docCount))")
            print("tokens:     \(grouped(Int(reader.totalTokens))) (average \(fixed(reader.averageDocLength, 1)) per document)")
            print("terms:      \(grouped(terms)) (summed over segments; \(grouped(variants)) accent variants)")
            let deleted = reader.maxDoc - reader.docCount
            print("segments:   \(reader.segments.count)" + (deleted > 0 ? " (\(grouped(deleted)) deleted documents not yet merged away)" : ""))
            print("size:       \(formatBytes(bytes))")
            print("languages:  " + Language.allCases.map { "\($0.code) \(languages[$0] ?? 0)" }.joined(separator: ", "))
        }
    }
}
