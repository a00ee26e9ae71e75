#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of one index file whose frame (header, footer, length, CRC32C) has been
/// verified. `body` covers the bytes between header and footer; the footer's 16 bytes follow it in
/// memory, which the bit-unpacking reads rely on.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let kind: IndexFile.Kind
    public let body: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer
    private let length: Int

    /// Maps and verifies `path`. With `verifyChecksum` false only the frame is checked (the CRC is
    /// then left to `loupe check`).
    public init(path: String, kind: IndexFile.Kind, verifyChecksum: Bool = true) throws {
        self.path = path
        self.kind = kind
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw IndexError.corrupt(file: name, reason: "the file is missing") }
            throw IndexError.io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw IndexError.io(path: path, operation: "stat", errno: errno) }
        let size = Int(info.st_size)
        guard size >= IndexFile.headerSize + IndexFile.footerSize else {
            throw IndexError.corrupt(file: name, reason: "\(size) bytes is too short for an index file")
        }
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            throw IndexError.io(path: path, operation: "mmap", errno: errno)
        }
        let all = UnsafeRawBufferPointer(start: map, count: size)
        // Verify before the last stored property is set: a class initializer that throws after
        // full initialization runs deinit, which would unmap a second time (and, with another
        // thread mapping meanwhile, unmap someone else's pages).
        do {
            try Self.verify(all, kind: kind, name: name, checksum: verifyChecksum)
        } catch {
            munmap(map, size)
            throw error
        }
        mapping = map
        length = size
        body = UnsafeRawBufferPointer(rebasing: all[IndexFile.headerSize..<(size - IndexFile.footerSize)])
        madvise(map, size, MADV_WILLNEED)
    }

    deinit { munmap(mapping, length) }

    /// Recomputes the CRC32C of the whole file and compares it with the footer.
    public func verifyChecksum() throws {
        let all = UnsafeRawBufferPointer(start: mapping, count: length)
        try Self.verify(all, kind: kind, name: path.split(separator: "/").last.map(String.init) ?? path, checksum: true)
    }

    static func verify(_ all: UnsafeRawBufferPointer, kind: IndexFile.Kind, name: String, checksum: Bool) throws {
        var header = ByteReader(all, file: name)
        let magic = try header.readBytes(4)
        guard magic.elementsEqual(IndexFile.magic) else { throw IndexError.corrupt(file: name, reason: "not a Loupe index file (bad magic)") }
        let kindBytes = try header.readBytes(4)
        guard kindBytes.elementsEqual(Array(kind.rawValue.utf8)) else {
            throw IndexError.corrupt(file: name, reason: "expected a \(kind.rawValue) file, found \(String(decoding: kindBytes, as: UTF8.self))")
        }
        let version = try header.readUInt32()
        guard version == IndexFile.formatVersion else {
            throw IndexError.unsupportedVersion(file: name, found: version, supported: IndexFile.formatVersion)
        }
        var footer = ByteReader(all, offset: all.count - IndexFile.footerSize, file: name)
        guard try footer.readBytes(4).elementsEqual(IndexFile.footerMagic) else {
            throw IndexError.corrupt(file: name, reason: "bad footer magic (truncated or overwritten file)")
        }
        let recordedLength = try footer.readUInt64()
        guard recordedLength == UInt64(all.count) else {
            throw IndexError.corrupt(file: name, reason: "file is \(all.count) bytes but its footer records \(recordedLength)")
        }
        let recordedCRC = try footer.readUInt32()
        if checksum {
            let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[0..<(all.count - 4)]))
            guard actual == recordedCRC else {
                throw IndexError.corrupt(file: name, reason: "checksum mismatch (stored \(String(recordedCRC, radix: 16)), computed \(String(actual, radix: 16)))")
            }
        }
    }
}
