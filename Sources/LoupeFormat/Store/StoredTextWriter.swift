import CZstd

/// Accumulates document texts into blocks of about `blockSize` bytes and compresses each full
/// block with zstd (see docs/FORMAT.md, "Store"). A text that fits in a block is never split; a
/// longer one fills blocks of its own, so that a passage of it decompresses only its blocks.
public struct StoredTextWriter {
    public static let blockSize = 128 * 1024
    public static let compressionLevel: Int32 = 1
    public static let codecZstd: UInt32 = 1
    /// Block count (u64), block table offset (u64), codec (u32), reserved (u32).
    public static let trailerSize = 24

    private var current: [UInt8] = []
    /// Compressed blocks back to back: earlier buffers taken over whole from other writers
    /// (`appendBlocks` moves them, it does not copy), then the buffer this writer fills.
    private var taken: [[UInt8]] = []
    private var takenBytes = 0
    private var compressed: [UInt8] = []
    /// Per finished block: offset in the body (all compressed bytes), compressed length, raw length.
    private var table: [(offset: Int, length: Int, raw: Int)] = []
    private var failure: String?
    /// One compression context for all the blocks (zstd's one-shot call would set one up per block).
    private let context = CompressionContext()

    public init() {
        current.reserveCapacity(Self.blockSize)
    }

    /// Bytes held (compressed blocks plus the open block), for the builder's memory budget.
    public var memoryUsage: Int { takenBytes + compressed.count + current.capacity + table.count * 24 }

    /// Bytes of compressed blocks so far (the body offset of the next block).
    private var compressedBytes: Int { takenBytes + compressed.count }

    /// Appends a document's text; returns its block number and offset inside the block. A text
    /// longer than a block starts a block and is cut into blocks of exactly `blockSize` bytes (the
    /// last one shorter), numbered on from the first.
    public mutating func add(_ text: UnsafeBufferPointer<UInt8>) -> (block: UInt32, offset: UInt32) {
        if !current.isEmpty && current.count + text.count > Self.blockSize { closeBlock() }
        let location = (UInt32(table.count), UInt32(current.count))
        guard text.count > Self.blockSize else {
            current.append(contentsOf: text)
            return location
        }
        var start = 0
        while start < text.count {
            let end = min(start + Self.blockSize, text.count)
            current.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<end]))
            if end - start == Self.blockSize { closeBlock() }
            start = end
        }
        return location
    }

    private mutating func closeBlock() {
        guard !current.isEmpty else { return }
        context.reserve(ZSTD_compressBound(current.count))
        let written = current.withUnsafeBytes { src in
            ZSTD_compressCCtx(context.pointer, context.output, context.outputCapacity, src.baseAddress, src.count, Self.compressionLevel)
        }
        if ZSTD_isError(written) != 0 {
            // zstd cannot fail on valid buffers; should it ever, `finish` reports it.
            failure = String(cString: ZSTD_getErrorName(written))
        } else {
            // Buffers fill up to `chunkSize` and are then set aside whole: no growth by copying.
            if compressed.count + written > compressed.capacity && !compressed.isEmpty {
                takenBytes += compressed.count
                taken.append(compressed)
                compressed = []
            }
            if compressed.isEmpty { compressed.reserveCapacity(max(Self.chunkSize, written)) }
            let start = compressedBytes
            compressed.append(contentsOf: UnsafeRawBufferPointer(start: context.output, count: written))
            table.append((start, written, current.count))
        }
        current.removeAll(keepingCapacity: true)
    }

    /// Compressed bytes are kept in buffers of this size.
    static let chunkSize = 1 << 20

    /// Appends an already compressed block as it is (segment merges copy blocks without
    /// recompressing them). Returns the new block's number.
    public mutating func appendCompressedBlock(_ bytes: UnsafeRawBufferPointer, rawLength: Int) -> UInt32 {
        closeBlock()
        let number = UInt32(table.count)
        table.append((compressedBytes, bytes.count, rawLength))
        compressed.append(contentsOf: bytes)
        return number
    }

    /// Appends every block of `other` (its open block closed first) without recompressing or
    /// copying: its buffers are moved here. Returns the number the first of them gets here.
    public mutating func appendBlocks(of other: inout StoredTextWriter) -> UInt32 {
        closeBlock()
        other.closeBlock()
        if failure == nil { failure = other.failure }
        let base = UInt32(table.count)
        let offsetBase = compressedBytes
        if !compressed.isEmpty {
            takenBytes += compressed.count
            taken.append(compressed)
            compressed = []
        }
        for buffer in other.taken + [other.compressed] where !buffer.isEmpty {
            takenBytes += buffer.count
            taken.append(buffer)
        }
        for entry in other.table { table.append((offsetBase + entry.offset, entry.length, entry.raw)) }
        other.taken = []
        other.takenBytes = 0
        other.compressed = []
        other.table = []
        return base
    }

    /// Hands the finished body to `write` in pieces, in order: blocks, then the block table, then
    /// the trailer (a build passes each piece to its store file without gathering them).
    public mutating func finish(_ write: (UnsafeRawBufferPointer) throws -> Void) throws {
        let tail = try finishedTail()
        for buffer in taken { try buffer.withUnsafeBytes { try write($0) } }
        try compressed.withUnsafeBytes { try write($0) }
        try tail.bytes.withUnsafeBytes { try write($0) }
    }

    /// The finished body as bytes (tests and small stores; a build writes it with `finish(_:)`).
    public mutating func finish() throws -> [UInt8] {
        let tail = try finishedTail()
        var out = ByteWriter(capacity: compressedBytes + tail.count)
        for buffer in taken { out.writeBytes(buffer) }
        out.writeBytes(compressed)
        out.writeBytes(tail.bytes)
        return out.bytes
    }

    /// Closes the open block; the block table and trailer that follow the blocks.
    private mutating func finishedTail() throws -> ByteWriter {
        closeBlock()
        if let failure { throw IndexError.compression(failure) }
        var out = ByteWriter(capacity: table.count * 16 + Self.trailerSize)
        for entry in table {
            out.writeUInt64(UInt64(entry.offset))
            out.writeUInt32(UInt32(entry.length))
            out.writeUInt32(UInt32(entry.raw))
        }
        out.writeUInt64(UInt64(table.count))
        out.writeUInt64(UInt64(compressedBytes))
        out.writeUInt32(Self.codecZstd)
        out.writeUInt32(0)
        return out
    }
}
