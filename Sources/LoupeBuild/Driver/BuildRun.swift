import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeStorage
import Synchronization

/// What one build shares between its workers and its last steps: the feed of files, the target
/// directory and generation, the options, the tally of what was done, and the user's callbacks.
final class BuildRun: Sendable {
    let feed: CorpusFeed
    let directory: IndexDirectory
    let generation: UInt64
    let options: IndexOptions
    let started: Double
    let warning: @Sendable (SkippedFile) -> Void
    let progress: @Sendable (IndexProgress) -> Void
    let tally = Locked(BuildTally())
    /// The next chunk a worker takes when chunks are handed out on demand.
    let nextChunk: Atomic<Int>

    init(feed: CorpusFeed, directory: IndexDirectory, generation: UInt64, options: IndexOptions, started: Double,
         warning: @escaping @Sendable (SkippedFile) -> Void, progress: @escaping @Sendable (IndexProgress) -> Void) {
        self.feed = feed
        self.directory = directory
        self.generation = generation
        self.options = options
        self.started = started
        self.warning = warning
        self.progress = progress
        nextChunk = Atomic(options.threads)
    }

    /// Merged builds take chunks on demand (the merge puts documents in path order whoever read
    /// them); unmerged ones deal chunk i to worker i mod threads, so their segments are the same on
    /// every run.
    var chunksOnDemand: Bool { options.mergeSegments == .always }

    /// The name of a segment a worker writes: `s<generation>_<worker>_<seq>`.
    func segmentName(worker: Int, seq: Int) -> String { "s\(generation)_\(worker)_\(seq)" }

    /// The name of the one segment a merged build writes (a worker number no worker has).
    var mergedName: String { segmentName(worker: options.threads, seq: 0) }
}

/// What a worker produced: a segment it flushed, or the builder it still holds at the end, with
/// the chunks whose documents it holds, in its doc-id order.
struct BuildPart: @unchecked Sendable {
    enum Held { case segment(Manifest.Segment), builder(SegmentBuilder) }
    var worker: Int
    var seq: Int
    var held: Held
    var runs: [(chunk: Int, documents: Int)]
}

/// The build's running totals and outcome, under `BuildRun.tally`'s lock.
struct BuildTally: Sendable {
    var parts: [BuildPart] = []
    var skipped: [SkippedFile] = []
    /// Documents indexed in part (a limit cut their text), with why.
    var partial: [Manifest.PartialFile] = []
    /// The first error a worker met (the others stop at their next chunk).
    var error: (any Error)?
    var filesDone = 0
    var bytesDone = 0
    var tokens: UInt64 = 0
    var languages: [Language: Int] = [:]
    var kinds: [String: Int] = [:]
    var charsets: [String: Int] = [:]
    var lastReport = 0.0
}
