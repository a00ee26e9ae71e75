import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Where a build is, for progress displays.
public struct IndexProgress: Sendable {
    public enum Phase: Sendable { case indexing, merging }
    public var phase: Phase = .indexing
    public var filesDone: Int
    public var filesTotal: Int
    /// Bytes read so far (the walk does not stat files, so the total is not known ahead).
    public var bytesDone: Int
    /// The bytes of the files found so far, when `IndexOptions.measureTotal` asked the walk to
    /// stat them (else nil).
    public var bytesTotal: Int? = nil
}
