#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The frame every index file shares (after Lucene's CodecUtil): a 16-byte header — magic
/// `LOUP`, a 4-byte file kind, the format version (u32) and a reserved u32 — then the body,
/// then a 16-byte footer — magic `PUOL`, the total file length (u64) and the CRC32C of every
/// byte before the checksum (u32).
public enum IndexFile {
    public static let formatVersion: UInt32 = 9
    public static let headerSize = 16
    public static let footerSize = 16
    static let magic: [UInt8] = Array("LOUP".utf8)
    package static let footerMagic: [UInt8] = Array("PUOL".utf8)

    /// The kinds of file, as the 4 ASCII bytes in the header.
    public enum Kind: String, CaseIterable, Sendable {
        case manifest = "MANI"
        case terms = "TERM"
        case postings = "POST"
        case positions = "POSN"
        case documents = "DOCS"
        case store = "STOR"
        case deletions = "DELS"

        /// The five files every segment has (a deletions file only once some of its documents are deleted).
        public static let segmentKinds: [Kind] = [.terms, .postings, .positions, .documents, .store]

        /// The file name extension a segment file of this kind has.
        public var fileExtension: String {
            switch self {
            case .manifest: return ""
            case .terms: return "terms"
            case .postings: return "postings"
            case .positions: return "positions"
            case .documents: return "docs"
            case .store: return "store"
            case .deletions: return "del"
            }
        }
    }

    package static func header(kind: Kind) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.writeBytes(magic)
        w.writeBytes(Array(kind.rawValue.utf8))
        w.writeUInt32(formatVersion)
        w.writeUInt32(0)
        return w.bytes
    }

    /// Checks a whole file's frame: magic, kind, version, footer magic and recorded length, and
    /// with `checksum` the CRC32C of every byte before it.
    package static func verifyFrame(_ all: UnsafeRawBufferPointer, kind: IndexFile.Kind, name: String, checksum: Bool) throws {
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
