import LoupeFormat
import LoupeStorage

/// One file found under the corpus directory.
public struct CorpusFile: Sendable, Equatable {
    /// Path relative to the corpus root, with `/` separators.
    public var relativePath: String
    public var absolutePath: String
    /// Size in bytes and modification time (seconds since the epoch), from the walk's stat; 0 when
    /// the walk was asked not to stat regular files (the builder reads both when it opens them).
    public var size: Int
    public var modified: Int64
    /// The file's directory in the walk's `DirectoryHandles` (read relative to it, with no path
    /// lookup from the root), or -1: read by its absolute path.
    var directory: Int32 = -1
    /// The file already open (by the build's prefetch, see `CorpusFeed`), or -1.
    package var descriptor: Int32 = -1

    public init(relativePath: String, absolutePath: String, size: Int, modified: Int64) {
        self.relativePath = relativePath
        self.absolutePath = absolutePath
        self.size = size
        self.modified = modified
    }
}
