/// One analyzed word: the indexed term, its position among the document's tokens, and the
/// byte range of the original word in the UTF-8 text it came from.
public struct Token: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var term: String
    public var position: Int
    /// Byte offset of the word's first byte in the UTF-8 source text.
    public var start: Int
    /// Byte offset just past the word's last byte.
    public var end: Int

    public init(term: String, position: Int, start: Int, end: Int) {
        self.term = term
        self.position = position
        self.start = start
        self.end = end
    }

    public var description: String { "\(term)@\(position)[\(start)..<\(end)]" }
}
