import CSupport
import LoupeFormat
#if canImport(Glibc)
import Glibc
#endif

/// Writes one index file: header, body through a buffer, footer with the running CRC32C; `finish`
/// fsyncs and closes. The file is created exclusively: writers never overwrite a file in place.
///
/// Each span handed to the kernel is also handed to writeback at once (`sync_file_range`, a
/// hint that does not wait), so the disk writes overlap the work that follows. A writer that
/// holds several files can `complete` each when its last byte is written and `sync` them all at
/// the end: the fsyncs then find little left to write.
public final class IndexFileWriter {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var crc: UInt32 = 0
    private var written: UInt64 = 0
    private var completed = false
    private var closed = false
    private static let bufferSize = 1 << 20

    public init(path: String, kind: IndexFile.Kind) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IndexError.io(path: path, operation: "create", errno: errno) }
        buffer.reserveCapacity(Self.bufferSize)
        try write(IndexFile.header(kind: kind))
    }

    deinit {
        if !closed { close(fd) }
    }

    /// Bytes written so far, header included (so body offsets are `position - headerSize`).
    public var position: UInt64 { written + UInt64(buffer.count) }

    /// Offset of the next byte relative to the start of the body.
    public var bodyOffset: UInt64 { position - UInt64(IndexFile.headerSize) }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        // Large spans go to the file as they are, without a copy through the buffer.
        if bytes.count >= Self.bufferSize {
            try flush()
            try emit(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    public func write(_ writer: ByteWriter) throws { try write(writer.bytes) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try emit($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Checksums `bytes` and writes them all to the file.
    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        crc = CRC32C.checksum(bytes, continuing: crc)
        guard let base = bytes.baseAddress else { return }
        let start = written
        var done = 0
        while done < bytes.count {
            let n = FaultInjection.write(fd, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexError.io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
        written += UInt64(bytes.count)
        csupport_start_writeback(fd, Int64(start), Int64(bytes.count))
    }

    /// Appends the footer, flushes, fsyncs and closes. Returns the file's total length.
    @discardableResult
    public func finish() throws -> UInt64 {
        try complete()
        try sync()
        return written
    }

    /// Appends the footer and the checksum and hands everything to the kernel (writeback
    /// started); nothing may be written after. `sync` makes the file durable.
    public func complete() throws {
        precondition(!completed, "an index file is completed once")
        var footer = ByteWriter(capacity: IndexFile.footerSize)
        footer.writeBytes(IndexFile.footerMagic)
        footer.writeUInt64(position + UInt64(IndexFile.footerSize))
        try write(footer)
        try flush()
        var tail = ByteWriter(capacity: 4)
        tail.writeUInt32(crc)
        buffer = tail.bytes
        let savedCRC = crc
        try flush()
        crc = savedCRC
        completed = true
    }

    /// Fsyncs and closes a completed file.
    public func sync() throws {
        precondition(completed && !closed, "sync follows complete, once")
        guard FaultInjection.fsync(fd) == 0 else { throw IndexError.io(path: path, operation: "fsync", errno: errno) }
        closed = true
        guard close(fd) == 0 else { throw IndexError.io(path: path, operation: "close", errno: errno) }
    }
}
