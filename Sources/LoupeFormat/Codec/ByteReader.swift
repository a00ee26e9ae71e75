/// A bounds-checked little-endian reader over bytes that came from disk. Every read checks the
/// remaining length and throws `IndexError.corrupt` naming `file` instead of reading past the end.
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    public var offset: Int
    public let file: String
    /// Where `buffer` starts in the file's body, so that errors give body offsets.
    public let base: Int

    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0, file: String, base: Int = 0) {
        self.buffer = buffer
        self.offset = offset
        self.file = file
        self.base = base
    }

    /// A reader at the start of the fixed-size trailer that ends `body` (every file kind keeps its
    /// offsets there), or `corrupt` when the body is too short to hold one.
    package static func trailer(of body: UnsafeRawBufferPointer, size: Int, file: String, kind: String) throws -> ByteReader {
        guard body.count >= size else { throw IndexError.corrupt(file: file, reason: "too short for \(kind)") }
        return ByteReader(body, offset: body.count - size, file: file)
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset >= buffer.count }

    @inline(__always)
    func need(_ n: Int) throws {
        guard n >= 0, offset >= 0, n <= buffer.count - offset else {
            throw IndexError.corrupt(file: file, offset: base + offset, reason: "read of \(n) bytes runs past the end (\(buffer.count) bytes)")
        }
    }

    public mutating func seek(to position: Int) throws {
        guard position >= 0, position <= buffer.count else {
            throw IndexError.corrupt(file: file, offset: base + offset, reason: "offset \(position) is outside the data (\(buffer.count) bytes)")
        }
        offset = position
    }

    @inline(__always)
    public mutating func readUInt8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    public mutating func readUInt32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    public mutating func readUInt64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public mutating func readInt64() throws -> Int64 { Int64(bitPattern: try readUInt64()) }

    @inline(__always)
    public mutating func readVarUInt() throws -> UInt64 {
        guard offset >= 0, let base = buffer.baseAddress, let (value, next) = VarInt.decode(base, at: offset, end: buffer.count) else {
            throw IndexError.corrupt(file: file, offset: base + offset, reason: "varint runs past the end or over \(VarInt.maxLength) bytes")
        }
        offset = next
        return value
    }

    /// A varint that must fit in `limit` (an `Int` that later indexes or sizes something).
    @inline(__always)
    public mutating func readVarInt(max limit: Int = Int(Int32.max)) throws -> Int {
        let value = try readVarUInt()
        guard value <= UInt64(limit) else {
            throw IndexError.corrupt(file: file, offset: base + offset, reason: "value \(value) exceeds its bound \(limit)")
        }
        return Int(value)
    }

    /// Steps over `count` varints without computing them (each at most 10 bytes). Eight bytes at
    /// a time while many remain: a varint ends at each byte below 0x80, so a word's count of
    /// endings is the popcount of its clear high bits.
    @inline(__always)
    public mutating func skipVarInts(_ count: Int) throws {
        var left = count
        if let base = buffer.baseAddress {
            while left >= 8, offset >= 0, offset + 8 <= buffer.count {
                let word = UInt64(littleEndian: (base + offset).loadUnaligned(as: UInt64.self))
                let ends = (~word & 0x8080_8080_8080_8080).nonzeroBitCount
                guard ends < left else { break }
                left -= ends
                offset += 8
            }
        }
        for _ in 0..<left {
            var n = 0
            while true {
                guard offset < buffer.count, n < 10 else {
                    throw IndexError.corrupt(file: file, offset: base + offset, reason: "a varint runs past the end or over 10 bytes")
                }
                let byte = buffer[offset]
                offset += 1
                n += 1
                if byte < 0x80 { break }
            }
        }
    }

    public mutating func readBytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + n])
    }

    public mutating func readString(maxLength: Int = 1 << 20) throws -> String {
        let length = try readVarInt(max: maxLength)
        let raw = try readBytes(length)
        return String(decoding: raw, as: UTF8.self)
    }
}
