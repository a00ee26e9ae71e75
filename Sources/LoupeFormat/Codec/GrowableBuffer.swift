/// A growable buffer of plain values in memory it manages itself, for the combine's per-term
/// loops: an append is a capacity check and a store. An `Array` kept in a class or handed from
/// function to function pays a uniqueness check per append and a retain and release per hand-over,
/// which the combine's profile showed as a tenth of its time.
///
/// Reads go through `buffer` (or `bytes`), valid until the next change.
package final class GrowableBuffer<Element: BitwiseCopyable> {
    package private(set) var base: UnsafeMutablePointer<Element>
    package private(set) var count = 0
    package private(set) var capacity: Int

    package init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The values, valid until the next change.
    @inline(__always)
    package var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    package func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: value)
        count += 1
    }

    @inline(__always)
    package func append(contentsOf values: UnsafeBufferPointer<Element>) {
        guard let source = values.baseAddress, !values.isEmpty else { return }
        if count + values.count > capacity { grow(to: count + values.count) }
        (base + count).initialize(from: source, count: values.count)
        count += values.count
    }

    /// Empties the buffer, keeping its memory.
    @inline(__always)
    package func removeAll() { count = 0 }

    /// Appends `n` values of `value` and returns the index of the first.
    package func append(repeating value: Element, count n: Int) -> Int {
        let start = count
        if count + n > capacity { grow(to: count + n) }
        (base + count).initialize(repeating: value, count: n)
        count += n
        return start
    }

    @inline(never)
    package func grow(to needed: Int) {
        var bigger = capacity * 2
        while bigger < needed { bigger *= 2 }
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = bigger
    }
}

extension GrowableBuffer where Element == UInt8 {
    /// The bytes, valid until the next change.
    @inline(__always)
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    package func append(contentsOf bytes: UnsafeRawBufferPointer) {
        append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// A `VarInt` (LEB128, at most 5 bytes for 32 bits).
    @inline(__always)
    package func appendVarUInt(_ value: UInt32) {
        if count + 5 > capacity { grow(to: count + 5) }
        VarInt.encode(value) { byte in
            base[count] = byte
            count += 1
        }
    }

    /// Makes room for `n` more bytes and returns where they start, for the caller to fill (the
    /// count is not changed: `advance` does that).
    @inline(__always)
    package func reserveTail(_ n: Int) -> UnsafeMutableRawPointer {
        if count + n > capacity { grow(to: count + n) }
        return UnsafeMutableRawPointer(base + count)
    }

    /// Counts `n` bytes written after the end (through `reserveTail`).
    @inline(__always)
    package func advance(_ n: Int) {
        precondition(count + n <= capacity, "advance past the reserved bytes")
        count += n
    }

    /// Overwrites 4 bytes at `offset` with `value`, little-endian.
    @inline(__always)
    package func storeUInt32(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= count, "store outside the buffer")
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value.littleEndian, as: UInt32.self)
    }
}
