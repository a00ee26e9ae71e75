import LoupeFormat
import LoupeStorage

/// A file that was not indexed, and why (shown to the user as a warning).
public struct SkippedFile: Sendable, Equatable, CustomStringConvertible {
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
