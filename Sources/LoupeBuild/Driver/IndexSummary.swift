import LoupeAnalysis
import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// What a build did.
public struct IndexSummary: Sendable {
    public var documents: Int
    public var skipped: [SkippedFile]
    public var bytesRead: Int
    public var tokens: UInt64
    public var segments: Int
    public var generation: UInt64
    public var languages: [Language: Int]
    /// Documents per kind of file (`text`, `markdown`, `html`), and per encoding other than UTF-8.
    public var kinds: [String: Int] = [:]
    public var charsets: [String: Int] = [:]
    public var seconds: Double
}
