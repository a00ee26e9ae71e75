import LoupeFormat
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
    /// The bytes between header and footer (which follows them in memory), kept mapped by `body`.
    private let bodyBytes: UnsafeRawBufferPointer
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
            if errno == ENOENT { throw IndexError.missingFile(file: name) }
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
            try IndexFile.verifyFrame(all, kind: kind, name: name, checksum: verifyChecksum)
        } catch {
            munmap(map, size)
            throw error
        }
        mapping = map
        length = size
        bodyBytes = UnsafeRawBufferPointer(rebasing: all[IndexFile.headerSize..<(size - IndexFile.footerSize)])
        madvise(map, size, MADV_WILLNEED)
    }

    deinit { munmap(mapping, length) }

    /// The body, keeping this mapping alive for as long as it (or any view made from it) is held.
    public var body: OwnedBytes { OwnedBytes(bodyBytes, owner: self) }

    /// Recomputes the CRC32C of the whole file and compares it with the footer.
    public func verifyChecksum() throws {
        let all = UnsafeRawBufferPointer(start: mapping, count: length)
        try IndexFile.verifyFrame(all, kind: kind, name: path.split(separator: "/").last.map(String.init) ?? path, checksum: true)
    }
}
