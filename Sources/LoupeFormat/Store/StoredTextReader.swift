import LoupeAnalysis
import CZstd

/// Reads documents' texts back from a mapped store body, decompressing only the block asked for.
public final class StoredTextReader: @unchecked Sendable {
    /// The mapped body, kept alive by `storage`.
    private let storage: OwnedBytes
    private let body: UnsafeRawBufferPointer
    private let file: String
    private let blockCount: Int
    private let tableOffset: Int

    package init(body storage: OwnedBytes, file: String) throws {
        self.storage = storage
        let body = storage.bytes
        self.body = body
        self.file = file
        var r = try ByteReader.trailer(of: body, size: StoredTextWriter.trailerSize, file: file, kind: "a store")
        let blocks = try r.readUInt64(), table = try r.readUInt64(), codec = try r.readUInt32()
        guard codec == StoredTextWriter.codecZstd else { throw IndexError.corrupt(file: file, reason: "unknown compression codec \(codec)") }
        guard table <= UInt64(body.count - StoredTextWriter.trailerSize), blocks == (UInt64(body.count - StoredTextWriter.trailerSize) - table) / 16, (UInt64(body.count - StoredTextWriter.trailerSize) - table) % 16 == 0 else {
            throw IndexError.corrupt(file: file, reason: "inconsistent store trailer")
        }
        blockCount = Int(blocks)
        tableOffset = Int(table)
    }

    public var count: Int { blockCount }

    /// Block `b`'s table entry: the compressed frame's range in the body and the raw length.
    private func entry(_ b: Int) throws -> (offset: Int, length: Int, raw: Int) {
        guard b >= 0, b < blockCount else { throw IndexError.corrupt(file: file, reason: "store block \(b) does not exist") }
        var r = ByteReader(body, offset: tableOffset + b * 16, file: file)
        let offset = try r.readUInt64(), length = try r.readUInt32(), raw = try r.readUInt32()
        guard offset <= UInt64(tableOffset), UInt64(length) <= UInt64(tableOffset) - offset, raw <= 1 << 30 else {
            throw IndexError.corrupt(file: file, reason: "store block \(b) range outside the file")
        }
        return (Int(offset), Int(length), Int(raw))
    }

    /// The compressed bytes of block `b` and its uncompressed length (for merges).
    public func compressedBlock(_ b: Int) throws -> (bytes: UnsafeRawBufferPointer, rawLength: Int) {
        let e = try entry(b)
        return (UnsafeRawBufferPointer(rebasing: body[e.offset..<(e.offset + e.length)]), e.raw)
    }

    /// The uncompressed bytes of block `b`.
    public func block(_ b: Int) throws -> [UInt8] {
        let (offset, length, raw) = try entry(b)
        var out = [UInt8](repeating: 0, count: raw)
        let source = UnsafeRawBufferPointer(rebasing: body[offset..<(offset + length)])
        let produced = out.withUnsafeMutableBytes { dst in
            ZSTD_decompress(dst.baseAddress, dst.count, source.baseAddress, source.count)
        }
        guard ZSTD_isError(produced) == 0, produced == raw else {
            throw IndexError.corrupt(file: file, reason: "store block \(b) does not decompress")
        }
        return out
    }

    /// The last block a run of `text(of:reusing:)` decompressed.
    public struct BlockCache {
        var number = -1
        var bytes: [UInt8] = []
        public init() {}
    }

    /// The text of a document given its record, its block decompressed once for a run of
    /// documents in store order (a merge or a check reading every document) rather than once each.
    public func text(of record: DocumentRecord, reusing cache: inout BlockCache) throws -> [UInt8] {
        if record.textLength == 0 { return [] }
        if try spansBlocks(record) { return try text(of: record, in: 0..<Int(record.textLength), keepBlocks: false) }
        if cache.number != Int(record.storeBlock) {
            cache.bytes = try block(Int(record.storeBlock))
            cache.number = Int(record.storeBlock)
        }
        let start = Int(record.storeOffset), end = start + Int(record.textLength)
        guard end <= cache.bytes.count else { throw IndexError.corrupt(file: file, reason: "document text outside its store block") }
        return Array(cache.bytes[start..<end])
    }

    /// Blocks decompressed lately, most recent last, shared by every thread reading this store:
    /// the hits of one query often share blocks (a 128 KiB block holds dozens of short documents),
    /// and a server answers the same documents again and again. At most `recentBlockBudget` bytes,
    /// blocks over a quarter of it never kept. Arrays share their storage: a hit takes its block
    /// without a copy.
    private let recent = Locked<[(number: Int, bytes: [UInt8])]>([])
    static let recentBlockBudget = 4 << 20

    /// Block `b` uncompressed, from the recent blocks when it is there.
    func recentBlock(_ b: Int) throws -> [UInt8] {
        if let hit = recent.withLock({ blocks -> [UInt8]? in
            guard let i = blocks.lastIndex(where: { $0.number == b }) else { return nil }
            let entry = blocks.remove(at: i)
            blocks.append(entry)
            return entry.bytes
        }) {
            return hit
        }
        let bytes = try block(b)
        guard bytes.count <= Self.recentBlockBudget / 4 else { return bytes }
        recent.withLock { blocks in
            guard !blocks.contains(where: { $0.number == b }) else { return }
            blocks.append((b, bytes))
            var total = blocks.reduce(0) { $0 + $1.bytes.count }
            while total > Self.recentBlockBudget, let first = blocks.first {
                total -= first.bytes.count
                blocks.removeFirst()
            }
        }
        return bytes
    }

    /// Whether a document's text goes on past its first block (a text longer than a block).
    private func spansBlocks(_ record: DocumentRecord) throws -> Bool {
        Int(record.storeOffset) + Int(record.textLength) > (try entry(Int(record.storeBlock)).raw)
    }

    /// The bytes `range` of a document's text, decompressing only the blocks that hold them: a
    /// text longer than a block runs on from block `storeBlock` (at `storeOffset`) into the
    /// blocks that follow it, from their start (§4.6). The blocks go through the recent blocks
    /// unless `keepBlocks` is false (a whole long text would push every other block out).
    public func text(of record: DocumentRecord, in range: Range<Int>, keepBlocks: Bool = true) throws -> [UInt8] {
        let length = Int(record.textLength)
        guard range.lowerBound >= 0, range.upperBound <= length else {
            throw IndexError.corrupt(file: file, reason: "range \(range) outside a document text of \(length) bytes")
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        // `at`: the text's offset where block `b`'s part of it starts.
        var b = Int(record.storeBlock), at = 0, inBlock = Int(record.storeOffset)
        while at < range.upperBound {
            let raw = try entry(b).raw
            guard raw > inBlock else { throw IndexError.corrupt(file: file, reason: "document text outside its store blocks") }
            let part = min(raw - inBlock, length - at)
            if at + part > range.lowerBound {
                let bytes = keepBlocks ? try recentBlock(b) : try block(b)
                guard bytes.count == raw else { throw IndexError.corrupt(file: file, reason: "store block \(b) does not decompress") }
                let from = max(range.lowerBound, at) - at + inBlock, to = min(range.upperBound, at + part) - at + inBlock
                out.append(contentsOf: bytes[from..<to])
            }
            at += part
            b += 1
            inBlock = 0
        }
        return out
    }

    /// The text of a document given its record.
    public func text(of record: DocumentRecord) throws -> [UInt8] {
        if record.textLength == 0 { return [] }
        if try spansBlocks(record) { return try text(of: record, in: 0..<Int(record.textLength), keepBlocks: false) }
        let bytes = try recentBlock(Int(record.storeBlock))
        let start = Int(record.storeOffset), end = start + Int(record.textLength)
        guard end <= bytes.count else { throw IndexError.corrupt(file: file, reason: "document text outside its store block") }
        return Array(bytes[start..<end])
    }
}
