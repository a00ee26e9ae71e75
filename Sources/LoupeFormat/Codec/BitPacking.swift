/// Fixed-width bit packing of blocks of `BitPacking.blockSize` unsigned integers, the core of the
/// postings format. Value `i` occupies bits `[i·w, (i+1)·w)` of a little-endian bit stream, so a
/// block of width `w` takes exactly `w · 16` bytes.
public enum BitPacking {
    public static let blockSize = 128

    /// Bits needed for the largest of `values` (0 when all are zero).
    @inline(__always)
    public static func bitWidth(_ values: UnsafeBufferPointer<UInt32>) -> Int {
        var all: UInt32 = 0
        for v in values { all |= v }
        return all == 0 ? 0 : 32 - all.leadingZeroBitCount
    }

    /// Appends the `blockSize` values packed with `width` bits each.
    public static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, into out: inout [UInt8]) {
        precondition(values.count == blockSize)
        guard width > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: width * 16 + 8))
        out.withUnsafeMutableBytes { raw in
            guard let origin = raw.baseAddress else { return }  // never: width > 0 appended bytes
            pack(values, width: width, to: origin + start)
        }
        out.removeLast(8)
    }

    /// Packs the `blockSize` values with `width` bits each at `base`, which holds `width · 16 + 8`
    /// zero bytes (the last 8 are scratch: values are or-ed in 8 bytes at a time).
    @inline(__always)
    static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, to base: UnsafeMutableRawPointer) {
        var bit = 0
        for v in values {
            let byteIndex = bit >> 3
            let shift = UInt64(bit & 7)
            var word = base.loadUnaligned(fromByteOffset: byteIndex, as: UInt64.self)
            word |= UInt64(v) << shift
            base.storeBytes(of: word, toByteOffset: byteIndex, as: UInt64.self)
            bit += width
        }
    }

    /// The first of the values packed at `source` (the low `width` bits of its first bytes), read
    /// without unpacking the others. The same guarantee as `unpack` on the bytes after it.
    @inline(__always)
    public static func first(_ source: UnsafeRawPointer, width: Int) -> UInt32 {
        guard width > 0 else { return 0 }
        return UInt32(truncatingIfNeeded: source.loadUnaligned(as: UInt64.self) & ((1 << UInt64(width)) - 1))
    }

    /// Reads `blockSize` values of `width` bits from `source`. The caller guarantees that 8 bytes past
    /// the packed data are readable (every index file ends with a 16-byte footer).
    @inline(__always)
    public static func unpack(_ source: UnsafeRawPointer, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        guard width > 0 else {
            out.update(repeating: 0, count: blockSize)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var bit = 0
        for i in 0..<blockSize {
            let word = source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += width
        }
    }
}
