/// Builds a segment's document table (see docs/FORMAT.md, "Documents"): the exact length of every
/// document in tokens (u32 array, for BM25), then the variable-size records, then their offsets.
public struct DocumentTableWriter {
    public static let trailerSize = 48
    private var lengths = ByteWriter()
    private var records = ByteWriter()
    private var offsets: [UInt64] = [0]
    public private(set) var totalTokens: UInt64 = 0

    public init() {}

    public var count: Int { offsets.count - 1 }

    public mutating func add(_ record: DocumentRecord, length: UInt32) {
        lengths.writeUInt32(length)
        totalTokens += UInt64(length)
        record.write(to: &records)
        offsets.append(UInt64(records.count))
    }

    public func finish() -> [UInt8] {
        var out = ByteWriter(capacity: lengths.count + records.count + offsets.count * 8 + Self.trailerSize)
        out.writeBytes(lengths.bytes)
        let recordsOffset = out.count
        out.writeBytes(records.bytes)
        let offsetsOffset = out.count
        for o in offsets { out.writeUInt64(o) }
        out.writeUInt64(UInt64(count))
        out.writeUInt64(totalTokens)
        out.writeUInt64(0)  // lengths start at the beginning of the body
        out.writeUInt64(UInt64(recordsOffset))
        out.writeUInt64(UInt64(offsetsOffset))
        out.writeUInt64(0)
        return out.bytes
    }
}
