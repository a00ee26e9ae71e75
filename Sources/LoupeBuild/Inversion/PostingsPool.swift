import CSupport
import LoupeAnalysis
@_spi(Internals) import LoupeFormat
import LoupeIngest
import LoupeRead
import LoupeStorage

/// Growable per-term byte streams in one pool of large chunks (after Lucene's ByteBlockPool):
/// a term's bytes live in a chain of slices of growing size (16, 32, … 1024 bytes), the last 4
/// bytes of a full slice holding the address of the next. Appending a byte is a compare and a
/// store — no per-term allocation, no reference counting — which is what the inverter's inner
/// loop needs. Addresses are 32-bit (chunk index · chunk size + offset), so a pool holds up to
/// 4 GiB, far above any memory budget.
final class PostingsPool {
    static let chunkShift = 20
    static let chunkSize = 1 << chunkShift
    static let sliceSizes: [UInt32] = [16, 32, 64, 128, 256, 512, 1024]

    private var chunks: [UnsafeMutablePointer<UInt8>] = []
    private var used = PostingsPool.chunkSize  // bytes used in the last chunk (full: none yet)

    /// Per-stream state, kept by the caller in its own storage.
    struct Stream {
        /// Address of the first byte.
        var head: UInt32 = 0
        /// Address of the next byte to write.
        var tail: UInt32 = 0
        /// Address one past the slice's writable bytes (the 4-byte link follows).
        var end: UInt32 = 0
        var level: UInt8 = 0
        /// Bytes written (links excluded).
        var length: UInt32 = 0
    }

    deinit {
        for c in chunks { c.deallocate() }
    }

    /// Bytes allocated.
    var memoryUsage: Int { chunks.count * Self.chunkSize }

    private func allocate(_ size: Int) -> UInt32 {
        if used + size > Self.chunkSize {
            let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.chunkSize)
            chunks.append(chunk)
            used = 0
        }
        let address = UInt32((chunks.count - 1) << Self.chunkShift + used)
        used += size
        return address
    }

    @inline(__always)
    private func pointer(_ address: UInt32) -> UnsafeMutablePointer<UInt8> {
        chunks[Int(address >> UInt32(Self.chunkShift))] + Int(address & UInt32(Self.chunkSize - 1))
    }

    /// A new, empty stream.
    func makeStream() -> Stream {
        let size = Self.sliceSizes[0]
        let start = allocate(Int(size))
        return Stream(head: start, tail: start, end: start + size - 4, level: 0, length: 0)
    }

    /// Starts fetching the cache line the stream's next byte goes to.
    @inline(__always)
    func prefetch(_ stream: Stream) {
        csupport_prefetch(pointer(stream.tail))
    }

    /// Starts fetching the cache line of the stream's first byte.
    @inline(__always)
    func prefetchHead(_ stream: Stream) {
        csupport_prefetch(pointer(stream.head))
    }

    @inline(__always)
    func append(_ stream: inout Stream, _ byte: UInt8) {
        if stream.tail == stream.end { grow(&stream) }
        pointer(stream.tail).pointee = byte
        stream.tail += 1
        stream.length += 1
    }

    @inline(__always)
    func appendVarUInt(_ stream: inout Stream, _ value: UInt32) {
        VarInt.encode(UInt64(value)) { append(&stream, $0) }
    }

    private func grow(_ stream: inout Stream) {
        let level = min(Int(stream.level) + 1, Self.sliceSizes.count - 1)
        let size = Self.sliceSizes[level]
        let next = allocate(Int(size))
        // The link goes in the 4 bytes reserved after the full slice.
        UnsafeMutableRawPointer(pointer(stream.end)).storeBytes(of: next.littleEndian, as: UInt32.self)
        stream.tail = next
        stream.end = next + size - 4
        stream.level = UInt8(level)
    }

    /// Calls `body` with the stream's bytes, slice by slice, in order.
    func read(_ stream: Stream, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var address = stream.head
        var remaining = Int(stream.length)
        var level = 0
        while remaining > 0 {
            let capacity = Int(Self.sliceSizes[level]) - 4
            let n = min(capacity, remaining)
            body(UnsafeBufferPointer(start: pointer(address), count: n))
            remaining -= n
            guard remaining > 0 else { break }
            address = UInt32(littleEndian: UnsafeRawPointer(pointer(address + UInt32(capacity))).loadUnaligned(as: UInt32.self))
            level = min(level + 1, Self.sliceSizes.count - 1)
        }
    }
}
