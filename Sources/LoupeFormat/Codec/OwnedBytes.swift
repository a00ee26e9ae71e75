/// Read-only bytes that keep alive the memory they point into: a mapped index file, or a copy of
/// an array. Every reader of index bytes (`TermDictionary`, `PostingsIterator`, `DocumentTable`,
/// `StoredTextReader`) holds the `OwnedBytes` it reads, so none can outlive its mapping — a
/// reader kept by a search that is still running when a newer index generation replaces the
/// files stays valid (the unmapped pages are released with the last view). After Tantivy's
/// `OwnedBytes`.
///
/// Invariants: `bytes` points into memory that `owner` keeps mapped or allocated, read-only, for
/// as long as `owner` lives; at least `OwnedBytes.slack` readable bytes follow `bytes` (a file's
/// 16-byte footer, or the padding of a copy), which the bit-unpacking reads rely on.
public struct OwnedBytes: @unchecked Sendable {
    /// Readable bytes guaranteed past the end (bit unpacking loads 8 bytes at a time).
    package static let slack = 8
    private let owner: AnyObject
    /// The bytes, valid while this value (or a copy, or a slice) exists.
    package let bytes: UnsafeRawBufferPointer

    /// Bytes in memory that `owner` keeps valid and unchanged, with `slack` readable bytes after.
    package init(_ bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        self.bytes = bytes
        self.owner = owner
    }

    /// A copy of `array`, padded (for tests and indexes held in memory).
    public init(_ array: [UInt8]) {
        let box = OwnedAllocation(copying: array, padding: Self.slack)
        self.init(UnsafeRawBufferPointer(start: box.base, count: array.count), owner: box)
    }

    public var count: Int { bytes.count }

    /// The bytes of `range` (which must lie within these), owned by the same owner.
    package func slice(_ range: Range<Int>) -> OwnedBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "slice outside the bytes")
        return OwnedBytes(UnsafeRawBufferPointer(rebasing: bytes[range]), owner: owner)
    }

    /// Calls `body` with the bytes, kept alive until it returns.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(owner) { try body(bytes) }
    }
}

/// Heap memory holding a copy of an array and zeroed padding after it, freed with the last
/// reference (the owner of `OwnedBytes(_:)`).
private final class OwnedAllocation {
    let base: UnsafeMutableRawPointer

    init(copying array: [UInt8], padding: Int) {
        base = .allocate(byteCount: array.count + padding, alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: array.count + padding)
        array.withUnsafeBytes { source in
            if let from = source.baseAddress { base.copyMemory(from: from, byteCount: source.count) }
        }
    }

    deinit { base.deallocate() }
}
