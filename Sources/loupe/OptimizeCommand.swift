import ArgumentParser
import LoupeIndex

struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Merge the index's segments into one, without its deleted documents.",
        discussion: """
            Updates add segments and mark documents deleted; merges keep their number bounded as they go. \
            `loupe optimize` merges everything into one segment (the fastest to search), committed atomically; \
            readers keep the generation they opened until they reopen. Takes the write lock like `loupe index`.
            """
    )

    @OptionGroup var location: IndexLocation

    func run() throws {
        try reportingErrors {
            guard let done = try IndexBuilder.optimize(index: location.index) else {
                print("Already optimal: one segment, no deleted documents")
                return
            }
            print("Merged \(done.segmentsBefore) segments into one: \(grouped(done.documents)) documents in \(fixed(done.seconds, 2)) s")
        }
    }
}
