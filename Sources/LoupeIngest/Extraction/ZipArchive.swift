import CZlib

/// Reads the members of a ZIP file in memory (the container of DOCX, ODT and EPUB): the central
/// directory at the end lists them; a member is stored or deflated (raw deflate through zlib).
/// Bounded: a member is inflated to at most `maxMemberSize` bytes, the archive's members to
/// `maxTotalSize` together (a "zip bomb" is cut off with an error, not followed); encrypted
/// members, ZIP64 and other compression methods are refused with a reason.
struct ZipArchive {
    struct Member {
        var name: String
        var method: UInt16
        var flags: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    static let maxMemberSize = 256 << 20
    static let maxTotalSize = 512 << 20

    let bytes: [UInt8]
    let members: [Member]
    private var inflated = 0

    /// Why an archive or a member cannot be read (the reason a file is skipped).
    struct Failure: Error {
        var reason: String
    }

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        // The end of central directory record: its signature within the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw Failure(reason: "not a ZIP archive (too short)") }
        var end = -1
        var i = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while i >= lowest {
            if bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x05 && bytes[i + 3] == 0x06 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw Failure(reason: "not a ZIP archive (no central directory)") }
        let count = Int(Self.u16(bytes, end + 10))
        let directorySize = Int(Self.u32(bytes, end + 12)), directoryOffset = Int(Self.u32(bytes, end + 16))
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else { throw Failure(reason: "ZIP64 archives are not supported") }
        guard directoryOffset + directorySize <= end else { throw Failure(reason: "damaged ZIP archive (central directory out of range)") }
        var members: [Member] = []
        var at = directoryOffset
        for _ in 0..<count {
            guard at + 46 <= end, Self.u32(bytes, at) == 0x0201_4B50 else { throw Failure(reason: "damaged ZIP archive (bad central directory entry)") }
            let nameLength = Int(Self.u16(bytes, at + 28)), extra = Int(Self.u16(bytes, at + 30)), comment = Int(Self.u16(bytes, at + 32))
            guard at + 46 + nameLength <= end else { throw Failure(reason: "damaged ZIP archive (name out of range)") }
            members.append(Member(name: String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                                  method: Self.u16(bytes, at + 10), flags: Self.u16(bytes, at + 8),
                                  compressedSize: Int(Self.u32(bytes, at + 20)), size: Int(Self.u32(bytes, at + 24)),
                                  localHeaderOffset: Int(Self.u32(bytes, at + 42))))
            at += 46 + nameLength + extra + comment
        }
        self.members = members
    }

    func member(named name: String) -> Member? { members.first { $0.name == name } }

    /// The uncompressed bytes of the member `name`, or nil when there is none.
    mutating func read(_ name: String) throws -> [UInt8]? {
        guard let m = member(named: name) else { return nil }
        return try read(m)
    }

    mutating func read(_ m: Member) throws -> [UInt8] {
        guard m.flags & 1 == 0 else { throw Failure(reason: "encrypted (\(m.name))") }
        guard m.size <= Self.maxMemberSize, inflated + m.size <= Self.maxTotalSize else {
            throw Failure(reason: "\(m.name) would inflate to \(m.size >> 20) MiB, over the limit")
        }
        let h = m.localHeaderOffset
        guard h + 30 <= bytes.count, Self.u32(bytes, h) == 0x0403_4B50 else { throw Failure(reason: "damaged ZIP archive (bad local header of \(m.name))") }
        let start = h + 30 + Int(Self.u16(bytes, h + 26)) + Int(Self.u16(bytes, h + 28))
        guard start <= bytes.count, m.compressedSize <= bytes.count - start else {
            throw Failure(reason: "damaged ZIP archive (\(m.name) runs past the end)")
        }
        let data = bytes[start..<(start + m.compressedSize)]
        inflated += m.size
        switch m.method {
        case 0:
            guard m.compressedSize == m.size else { throw Failure(reason: "damaged ZIP archive (\(m.name) has two sizes)") }
            return Array(data)
        case 8:
            return try Self.inflate(data, size: m.size, name: m.name)
        default:
            throw Failure(reason: "\(m.name) uses compression method \(m.method), which is not supported")
        }
    }

    /// Raw deflate of `data` into exactly `size` bytes (more is an error: the directory lied).
    private static func inflate(_ data: ArraySlice<UInt8>, size: Int, name: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let status: Int32 = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw Failure(reason: "damaged ZIP archive (\(name) does not inflate to its size)")
        }
        return out
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
}
