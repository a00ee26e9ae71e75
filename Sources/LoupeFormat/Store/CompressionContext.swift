import CZstd

/// A zstd compression context and the output buffer a block is compressed into (reused from
/// block to block), freed with their last reference.
final class CompressionContext {
    let pointer: OpaquePointer?
    private(set) var outputCapacity = ZSTD_compressBound(StoredTextWriter.blockSize)
    private(set) var output: UnsafeMutableRawPointer

    init() {
        pointer = ZSTD_createCCtx()
        output = .allocate(byteCount: outputCapacity, alignment: 16)
    }

    /// Makes the output buffer at least `bytes` long (a document over the block size is a block).
    func reserve(_ bytes: Int) {
        guard bytes > outputCapacity else { return }
        output.deallocate()
        output = .allocate(byteCount: bytes, alignment: 16)
        outputCapacity = bytes
    }

    deinit {
        ZSTD_freeCCtx(pointer)
        output.deallocate()
    }
}
