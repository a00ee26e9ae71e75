/// Reads a segment's document table from its mapped body. Lengths are read in place (no copy).
public final class DocumentTable: @unchecked Sendable {
    public let count: Int
    public let totalTokens: UInt64
    /// The mapped body, kept alive by `storage` (`body` and `lengths` point into it).
    private let storage: OwnedBytes
    private let body: UnsafeRawBufferPointer
    private let file: String
    private let recordsOffset: Int
    private let offsetsOffset: Int
    /// The document lengths, in place in the mapped file.
    @usableFromInline package let lengths: UnsafeBufferPointer<UInt32>

    package init(body storage: OwnedBytes, file: String) throws {
        self.storage = storage
        let body = storage.bytes
        self.body = body
        self.file = file
        var r = try ByteReader.trailer(of: body, size: DocumentTableWriter.trailerSize, file: file, kind: "a document table")
        let n = try r.readUInt64(), tokens = try r.readUInt64(), lengthsAt = try r.readUInt64(), recordsAt = try r.readUInt64(), offsetsAt = try r.readUInt64()
        let limit = UInt64(body.count - DocumentTableWriter.trailerSize)
        guard n < 1 << 31, lengthsAt == 0, recordsAt == n * 4, recordsAt <= offsetsAt, offsetsAt <= limit, (limit - offsetsAt) == (n + 1) * 8 else {
            throw IndexError.corrupt(file: file, reason: "inconsistent document table trailer")
        }
        count = Int(n)
        totalTokens = tokens
        recordsOffset = Int(recordsAt)
        offsetsOffset = Int(offsetsAt)
        // The body starts 16 bytes into a page-aligned mapping, so the u32 array is aligned.
        // Opening reads only the trailer, whatever the number of documents: that the lengths add
        // up to the token count is checked by `IndexChecker` (`loupe check`), not here. A wrong
        // length can only skew scores; every read of the table stays within bounds.
        lengths = UnsafeBufferPointer(start: body.baseAddress?.assumingMemoryBound(to: UInt32.self), count: count)
    }

    /// The length in tokens of document `doc`.
    @inlinable
    public func length(_ doc: Int) -> UInt32 { UInt32(littleEndian: lengths[doc]) }

    /// The record of document `doc`.
    public func record(_ doc: Int) throws -> DocumentRecord {
        guard doc >= 0, doc < count else { throw IndexError.corrupt(file: file, reason: "document \(doc) does not exist") }
        var r = ByteReader(body, offset: offsetsOffset + doc * 8, file: file)
        let start = try r.readUInt64(), end = try r.readUInt64()
        guard start <= end, end <= UInt64(offsetsOffset - recordsOffset) else { throw IndexError.corrupt(file: file, reason: "record \(doc) out of range") }
        var rr = ByteReader(UnsafeRawBufferPointer(rebasing: body[(recordsOffset + Int(start))..<(recordsOffset + Int(end))]), file: file,
                            base: recordsOffset + Int(start))
        return try DocumentRecord.read(from: &rr)
    }
}
