#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong reading or writing an index, with the file and the reason. The
/// cases are what callers branch on: a missing file (a reader retries on a newer generation), a
/// corrupt one (with its offset when known), a held lock (with its holder), a bad corpus path.
public enum IndexError: Error, CustomStringConvertible, Equatable {
    /// No index at the directory (no manifest).
    case notFound(directory: String)
    /// A file the manifest names does not exist (a commit may have replaced it since).
    case missingFile(file: String)
    /// A file's bytes are not what a reader expects (bad magic, checksum, offset out of range…);
    /// `offset` is the byte offset in the file's body where the reader found it, when known.
    case corrupt(file: String, offset: Int? = nil, reason: String)
    /// The index was written by a format version this build does not read.
    case unsupportedVersion(file: String, found: UInt32, supported: UInt32)
    /// The index was built with another version of the analysis chain: queries would not match.
    case incompatibleAnalyzer(found: UInt32, supported: UInt32)
    /// An operating-system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// Another process holds the index's write lock; `holder` says which, when it said.
    case locked(directory: String, holder: String?)
    /// The directory to index does not exist, or is not a directory.
    case corpusNotFound(path: String)
    case notADirectory(path: String)
    /// The index path holds files that are not Loupe's: nothing is written there.
    case foreignDirectory(path: String, example: String)
    /// A global document id that the index does not have.
    case noSuchDocument(Int)
    /// The compression library failed (never expected on valid input).
    case compression(String)
    /// The input to an operation is unusable (e.g. an empty query).
    case invalidInput(String)

    public var description: String {
        switch self {
        case .notFound(let directory):
            return "no index found at \(directory) (run `loupe index DIR --index \(directory)` first)"
        case .missingFile(let file):
            return "index file \(file) is missing"
        case .corrupt(let file, let offset, let reason):
            return "index file \(file) is corrupt: \(reason)" + (offset.map { " (at body offset \($0))" } ?? "")
        case .unsupportedVersion(let file, let found, let supported):
            return "index file \(file) has format version \(found); this loupe reads version \(supported) (rebuild the index with `loupe index`)"
        case .incompatibleAnalyzer(let found, let supported):
            return "the index was built with analyzer version \(found); this loupe analyzes text with version \(supported) (rebuild the index with `loupe index`)"
        case .io(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .locked(let directory, let holder):
            return "the index at \(directory) is being written by another loupe process" + (holder.map { " (\($0))" } ?? "")
        case .corpusNotFound(let path):
            return "corpus directory not found: \(path)"
        case .notADirectory(let path):
            return "not a directory: \(path)"
        case .foreignDirectory(let path, let example):
            return "refusing to write an index into \(path): it is not empty and not a Loupe index (it holds \(example))"
        case .noSuchDocument(let doc):
            return "no document \(doc) in the index"
        case .compression(let message):
            return "zstd compression failed: \(message)"
        case .invalidInput(let message):
            return message
        }
    }
}
