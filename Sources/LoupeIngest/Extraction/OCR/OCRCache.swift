import Glibc
import LoupeFormat

/// Recognised text kept by content (`<index>/ocr-cache/<content hash>-<size>-<settings hash>`), so
/// that a re-index, an update or a merge never recognises an unchanged scan again. An entry is the
/// helper's output format under its own first line, then the CRC32C of those bytes (4 bytes,
/// little-endian); it is written to a temporary name and renamed, so a crash leaves no half
/// entry, and one whose checksum fails is ignored (the scan is recognised again). Entries of files
/// since removed stay until the directory is deleted; each is the size of the text.
struct OCRCache {
    static let magic = "loupe-ocr-cache 1"
    let directory: String?
    let key: String

    private var path: String? { directory.map { $0 + "/" + key } }

    func load() -> OCRResult? {
        guard let path, let bytes = try? CorpusWalker.read(path, sizeLimit: 256 << 20).bytes, bytes.count > 4 else { return nil }
        let body = Array(bytes[..<(bytes.count - 4)])
        let stored = bytes[(bytes.count - 4)...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard CRC32C.checksum(body) == stored else { return nil }
        return OCRReader.parse(body, magic: Self.magic)
    }

    /// Stores `result`; a failure (a read-only or full disk) only costs the next run a recognition.
    func store(_ result: OCRResult) {
        guard let directory, let path else { return }
        mkdir(directory, 0o755)
        var bytes = OCRReader.encode(result, magic: Self.magic)
        let crc = CRC32C.checksum(bytes)
        bytes += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
        let temporary = path + ".tmp\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let synced = (try? HelperProcess.writeAll(fd, bytes)) != nil && fsync(fd) == 0
        close(fd)
        if synced && rename(temporary, path) == 0 { return }
        unlink(temporary)
    }
}
