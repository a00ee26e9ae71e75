import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage
#if canImport(Glibc)
import Glibc
#endif

/// Options for building an index.
public struct IndexOptions: Sendable {
    /// Worker threads for reading, analysis and inversion (default: one per core).
    public var threads: Int
    /// Memory the in-memory segments may hold before they are written out (default 1 GiB).
    public var memoryBudget: Int
    /// Files larger than this are skipped with a warning (default and most: 256 MiB — the store
    /// keeps a document in one block; `loupe index --max-file-size`).
    public var maxFileSize: Int
    public static let largestFileSize = 256 << 20
    /// Files per unit of work handed to a worker.
    public var filesPerChunk: Int
    /// When to merge the segments into one before committing. A merge makes queries cheaper (one
    /// dictionary lookup per term instead of one per segment, one pruning threshold) at the cost of
    /// a pass over the postings at the end of the build; by default the index is always merged.
    public var mergeSegments: MergePolicy
    /// Called from the workers with each file's path (relative to the corpus) and kind as it is
    /// indexed (`loupe index --verbose`); nil: nothing is called.
    public var fileIndexed: (@Sendable (_ path: String, _ kind: String) -> Void)? = nil
    /// Whether the walk stats every file so that progress reports can give the total bytes
    /// (`IndexProgress.bytesTotal`): a stat per file, on the walk's thread.
    public var measureTotal = false
    /// How scans are read (`loupe index --ocr`), or nil for no OCR. The index remembers the
    /// languages (`Manifest.settings`), and an update whose setting differs rebuilds it all (which
    /// files are indexed changes); the cache goes in the index's `ocr-cache` unless set.
    public var ocr: OCROptions? = nil

    /// What the index keeps of these options for the runs that update it.
    public var settings: [String: String] { ocr.map { ["ocr": $0.languages] } ?? [:] }

    /// The options with OCR's cache in the index at `index`, unless it has one already.
    func placingCache(in index: String) -> IndexOptions {
        var options = self
        if options.ocr != nil && options.ocr?.cacheDirectory == nil {
            options.ocr?.cacheDirectory = index + "/" + IndexDirectory.ocrCacheName
        }
        return options
    }

    /// The extractors these options call for.
    public var registry: ExtractorRegistry { ExtractorRegistry(ocr: ocr) }

    public enum MergePolicy: Sendable {
        case never, always
        /// Merge when there are more segments than threads.
        case whenOverBudget
    }

    public init(threads: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), memoryBudget: Int = 1 << 30, filesPerChunk: Int = 32,
                mergeSegments: MergePolicy = .always, maxFileSize: Int = IndexOptions.largestFileSize) {
        self.threads = max(1, threads)
        self.memoryBudget = max(1 << 20, memoryBudget)
        self.filesPerChunk = max(1, filesPerChunk)
        self.mergeSegments = mergeSegments
        self.maxFileSize = min(max(1, maxFileSize), Self.largestFileSize)
    }
}
