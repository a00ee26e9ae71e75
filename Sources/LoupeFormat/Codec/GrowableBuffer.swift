/// A growable buffer of plain values in memory it manages itself, for the combine's per-term
/// loops: an append is a capacity check and a store. An `Array` kept in a class or handed from
/// function to function pays a uniqueness check per append and a retain and release per hand-over,
/// which the combine's profile showed as a tenth of its time.
///
/// Reads go through `buffer` (or `bytes`), valid until the next change.
///
/// Loupe's own layers only (`@_spi(Internals)`): public so that its small methods inline into
/// the builder across targets, which `package` methods do not.
@_spi(Internals) public final class GrowableBuffer<Element: BitwiseCopyable> {
    public var base: UnsafeMutablePointer<Element>
    public var count = 0
    public var capacity: Int

    @inlinable
    public init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The values, valid until the next change.
    @inlinable @inline(__always)
    public var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inlinable @inline(__always)
    public func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: value)
        count += 1
    }

    @inlinable @inline(__always)
    public func append(contentsOf values: UnsafeBufferPointer<Element>) {
        guard let source = values.baseAddress, !values.isEmpty else { return }
        if count + values.count > capacity { grow(to: count + values.count) }
        (base + count).initialize(from: source, count: values.count)
        count += values.count
    }

    /// Empties the buffer, keeping its memory.
    @inlinable @inline(__always)
    public func removeAll() { count = 0 }

    /// Appends `n` values of `value` and returns the index of the first.
    @inlinable
    public func append(repeating value: Element, count n: Int) -> Int {
        let start = count
        if count + n > capacity { grow(to: count + n) }
        (base + count).initialize(repeating: value, count: n)
        count += n
        return start
    }

    @usableFromInline @inline(never)
    func grow(to needed: Int) {
        var bigger = capacity * 2
        while bigger < needed { bigger *= 2 }
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }
}

@_spi(Internals)
extension GrowableBuffer where Element == UInt8 {
    /// The bytes, valid until the next change.
    @inlinable @inline(__always)
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inlinable @inline(__always)
    public func append(contentsOf bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// A `VarInt` (LEB128, at most 5 bytes for 32 bits).
    @inlinable @inline(__always)
    public func appendVarUInt(_ value: UInt32) {
        if count + 5 > capacity { grow(to: count + 5) }
        VarInt.encode(UInt64(value)) { byte in
            base[count] = byte
            count += 1
        }
    }

    /// Makes room for `n` more bytes and returns where they start, for the caller to fill (the
    /// count is not changed: `advance` does that).
    @inlinable @inline(__always)
    public func reserveTail(_ n: Int) -> UnsafeMutableRawPointer {
        if count + n > capacity { grow(to: count + n) }
        return UnsafeMutableRawPointer(base + count)
    }

    /// Counts `n` bytes written after the end (through `reserveTail`).
    @inlinable @inline(__always)
    public func advance(_ n: Int) {
        precondition(count + n <= capacity, "advance past the reserved bytes")
        count += n
    }

    /// Overwrites 4 bytes at `offset` with `value`, little-endian.
    @inlinable @inline(__always)
    public func storeUInt32(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= count, "store outside the buffer")
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value.littleEndian, as: UInt32.self)
    }
}
