/// LEB128, the one variable-length integer code of every index file and of the builder's
/// in-memory streams: 7 bits a byte, low bits first, the high bit set on every byte but the last.
/// Writers and readers call these (through `ByteWriter`, `GrowableBuffer`, `ByteReader`, the
/// builder's pool) rather than spell the loop out again.
@_spi(Internals) public enum VarInt {
    /// The longest encoding of a 64-bit value.
    public static let maxLength = 10

    /// Calls `emit` with the bytes of `value`, in order. (Not generic: an unspecialized generic
    /// call per varint cost the builder 3% of its time.)
    @inlinable @inline(__always)
    public static func encode(_ value: UInt64, _ emit: (UInt8) -> Void) {
        var v = value
        while v >= 0x80 {
            emit(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        emit(UInt8(truncatingIfNeeded: v))
    }

    /// Decodes the varint at `offset` of `bytes`, reading nothing at or past `end`: its value and
    /// the offset after it, or nil when it runs past `end` or over `maxLength` bytes.
    @inlinable @inline(__always)
    public static func decode(_ bytes: UnsafeRawPointer, at offset: Int, end: Int) -> (value: UInt64, next: Int)? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var p = offset
        while p < end && shift < 64 {
            let byte = bytes.load(fromByteOffset: p, as: UInt8.self)
            p += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return (result, p) }
            shift += 7
        }
        return nil
    }

    /// Decodes varints a byte at a time, for streams whose bytes arrive in pieces (a varint may
    /// straddle two).
    public struct StreamDecoder {
        @usableFromInline var value: UInt32 = 0
        @usableFromInline var shift: UInt32 = 0

        @inlinable public init() {}

        /// Takes the next byte; returns the value it completes, or nil in the middle of one.
        @inlinable @inline(__always)
        public mutating func take(_ byte: UInt8) -> UInt32? {
            value |= UInt32(byte & 0x7F) << shift
            if byte >= 0x80 {
                shift += 7
                return nil
            }
            defer { value = 0; shift = 0 }
            return value
        }
    }
}

/// Walks encoded varints without decoding them: a varint ends at its first byte below 0x80.
@_spi(Internals) public struct VarIntCursor {
    public let bytes: UnsafeRawBufferPointer
    public var offset = 0

    @inlinable public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Moves past `count` varints (or to the end, if fewer remain).
    @inlinable @inline(__always)
    public mutating func skip(_ count: Int) {
        var left = count
        while left > 0 && offset < bytes.count {
            if bytes[offset] < 0x80 { left -= 1 }
            offset += 1
        }
    }

    /// How many varints end in `bytes` (each byte below 0x80 ends one).
    public static func count(_ bytes: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for b in bytes where b < 0x80 { n += 1 }
        return n
    }
}
