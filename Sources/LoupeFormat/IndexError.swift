/// Everything that can go wrong reading or writing an index, with the file and the reason.
public enum IndexError: Error, CustomStringConvertible, Equatable {
    /// No index at the directory (no manifest).
    case notFound(directory: String)
    /// A file's bytes are not what a reader expects (bad magic, checksum, offset out of range…).
    case corrupt(file: String, reason: String)
    /// The index was written by a format version this build does not read.
    case unsupportedVersion(file: String, found: UInt32, supported: UInt32)
    /// The index was built with another version of the analysis chain: queries would not match.
    case incompatibleAnalyzer(found: UInt32, supported: UInt32)
    /// An operating-system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// Another process holds the index's write lock.
    case locked(directory: String)
    /// The input to an operation is unusable (e.g. the corpus directory does not exist).
    case invalidInput(String)

    public var description: String {
        switch self {
        case .notFound(let directory):
            return "no index found at \(directory) (run `loupe index DIR --index \(directory)` first)"
        case .corrupt(let file, let reason):
            return "index file \(file) is corrupt: \(reason)"
        case .unsupportedVersion(let file, let found, let supported):
            return "index file \(file) has format version \(found); this loupe reads version \(supported) (rebuild the index with `loupe index`)"
        case .incompatibleAnalyzer(let found, let supported):
            return "the index was built with analyzer version \(found); this loupe analyzes text with version \(supported) (rebuild the index with `loupe index`)"
        case .io(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .locked(let directory):
            return "the index at \(directory) is being written by another loupe process"
        case .invalidInput(let message):
            return message
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
