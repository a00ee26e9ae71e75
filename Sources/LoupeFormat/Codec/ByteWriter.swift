/// An append-only little-endian byte buffer with LEB128 variable-length integers.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    @inline(__always)
    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    public mutating func writeUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func writeInt64(_ value: Int64) { writeUInt64(UInt64(bitPattern: value)) }

    /// A `VarInt` (LEB128).
    @inline(__always)
    public mutating func writeVarUInt(_ value: UInt64) {
        VarInt.encode(value) { bytes.append($0) }
    }

    @inline(__always)
    public mutating func writeVarUInt(_ value: Int) { writeVarUInt(UInt64(value)) }

    public mutating func writeBytes<C: Collection>(_ data: C) where C.Element == UInt8 { bytes.append(contentsOf: data) }

    /// A varint length followed by the UTF-8 bytes.
    public mutating func writeString(_ string: String) {
        let utf8 = Array(string.utf8)
        writeVarUInt(utf8.count)
        bytes.append(contentsOf: utf8)
    }

}
