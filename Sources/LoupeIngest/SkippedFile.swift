import LoupeFormat
import LoupeStorage

/// A file that was not indexed, and why (shown to the user as a warning).
public struct SkippedFile: Sendable, Equatable, CustomStringConvertible {
    /// How the reason of a file skipped for its size starts (`larger than 16 MiB; skipped`): a
    /// later run with a higher limit reads it again.
    public static let tooLargePrefix = "larger than "

    public init(path: String, reason: String, size: UInt64? = nil, modified: Int64? = nil) {
        self.path = path
        self.reason = reason
        self.size = size
        self.modified = modified
    }

    public var path: String
    public var reason: String
    /// The file's size and modification time when it was read (nil for what was never read:
    /// a directory that could not be listed).
    public var size: UInt64?
    public var modified: Int64?
    public var description: String { "\(path): \(reason)" }
}
