import CZstd

/// Accumulates document texts into blocks of about `blockSize` bytes and compresses each full
/// block with zstd (see docs/FORMAT.md, "Store"). A document is never split across blocks.
public struct StoredTextWriter {
    public static let blockSize = 64 * 1024
    public static let compressionLevel: Int32 = 1
    public static let codecZstd: UInt32 = 1

    private var current: [UInt8] = []
    private var compressed: [UInt8] = []
    /// Per finished block: offset in `compressed`, compressed length, raw length.
    private var table: [(offset: Int, length: Int, raw: Int)] = []
    private var failure: String?
    /// One compression context for all the blocks (zstd's one-shot call would set one up per block).
    private let context = CompressionContext()

    public init() {
        current.reserveCapacity(Self.blockSize)
    }

    /// Bytes held (compressed blocks plus the open block), for the builder's memory budget.
    public var memoryUsage: Int { compressed.count + current.capacity + table.count * 24 }

    /// Appends a document's text; returns its block number and offset inside the block.
    public mutating func add(_ text: UnsafeBufferPointer<UInt8>) -> (block: UInt32, offset: UInt32) {
        if !current.isEmpty && current.count + text.count > Self.blockSize { closeBlock() }
        let location = (UInt32(table.count), UInt32(current.count))
        current.append(contentsOf: text)
        return location
    }

    private mutating func closeBlock() {
        guard !current.isEmpty else { return }
        let bound = ZSTD_compressBound(current.count)
        let start = compressed.count
        compressed.append(contentsOf: repeatElement(0, count: bound))
        let written = current.withUnsafeBytes { src in
            compressed.withUnsafeMutableBytes { dst in
                let out = UnsafeMutableRawBufferPointer(rebasing: dst[start...])
                return ZSTD_compressCCtx(context.pointer, out.baseAddress, out.count, src.baseAddress, src.count, Self.compressionLevel)
            }
        }
        if ZSTD_isError(written) != 0 {
            // zstd cannot fail on valid buffers; should it ever, `finish` reports it.
            compressed.removeLast(bound)
            failure = String(cString: ZSTD_getErrorName(written))
        } else {
            compressed.removeLast(bound - written)
            table.append((start, written, current.count))
        }
        current.removeAll(keepingCapacity: true)
    }

    /// Appends an already compressed block as it is (segment merges copy blocks without
    /// recompressing them). Returns the new block's number.
    public mutating func appendCompressedBlock(_ bytes: UnsafeRawBufferPointer, rawLength: Int) -> UInt32 {
        closeBlock()
        let number = UInt32(table.count)
        table.append((compressed.count, bytes.count, rawLength))
        compressed.append(contentsOf: bytes)
        return number
    }

    /// Appends every block of `other` (its open block closed first) without recompressing;
    /// returns the number the first of them gets here.
    public mutating func appendBlocks(of other: inout StoredTextWriter) -> UInt32 {
        closeBlock()
        other.closeBlock()
        if failure == nil { failure = other.failure }
        let base = UInt32(table.count)
        let offsetBase = compressed.count
        compressed.append(contentsOf: other.compressed)
        for entry in other.table { table.append((offsetBase + entry.offset, entry.length, entry.raw)) }
        return base
    }

    /// The finished body: blocks, then the block table, then the trailer.
    public mutating func finish() throws -> [UInt8] {
        closeBlock()
        if let failure { throw IndexError.invalidInput("zstd compression failed: \(failure)") }
        var out = ByteWriter(capacity: compressed.count + table.count * 16 + 24)
        out.writeBytes(compressed)
        let tableOffset = out.count
        for entry in table {
            out.writeUInt64(UInt64(entry.offset))
            out.writeUInt32(UInt32(entry.length))
            out.writeUInt32(UInt32(entry.raw))
        }
        out.writeUInt64(UInt64(table.count))
        out.writeUInt64(UInt64(tableOffset))
        out.writeUInt32(Self.codecZstd)
        out.writeUInt32(0)
        return out.bytes
    }
}

/// A zstd compression context, freed with its last reference.
final class CompressionContext {
    let pointer: OpaquePointer?

    init() { pointer = ZSTD_createCCtx() }

    deinit { ZSTD_freeCCtx(pointer) }
}
