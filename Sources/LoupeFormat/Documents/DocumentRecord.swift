/// What the index keeps about one document besides its postings.
public struct DocumentRecord: Sendable, Equatable {
    /// Path relative to the indexed directory.
    public var path: String
    public var title: String
    public var language: UInt8
    /// `ContentHash` of the file's bytes (for incremental re-indexing).
    public var contentHash: UInt64
    /// Modification time of the file, seconds since the epoch.
    public var modified: Int64
    /// Size of the file in bytes.
    public var fileSize: UInt64
    /// Length of the stored (extracted) text in bytes.
    public var textLength: UInt32
    /// Where the text is in the store: block number and byte offset in the uncompressed block.
    public var storeBlock: UInt32
    public var storeOffset: UInt32
    /// The encoding the file was read in (`UTF-8`, `windows-1252`, `UTF-16LE`…: ICU's names).
    public var charset: String
    /// Where a long text's words are (texts over a store block only; since version 9).
    public var checkpoints: TextCheckpoints?

    public init(path: String, title: String, language: UInt8, contentHash: UInt64, modified: Int64, fileSize: UInt64,
                textLength: UInt32, storeBlock: UInt32, storeOffset: UInt32, charset: String = "UTF-8",
                checkpoints: TextCheckpoints? = nil) {
        self.path = path
        self.title = title
        self.language = language
        self.contentHash = contentHash
        self.modified = modified
        self.fileSize = fileSize
        self.textLength = textLength
        self.storeBlock = storeBlock
        self.storeOffset = storeOffset
        self.charset = charset
        self.checkpoints = checkpoints
    }

    func write(to w: inout ByteWriter) {
        w.writeString(path)
        w.writeString(title)
        w.writeUInt8(language)
        w.writeUInt64(contentHash)
        w.writeInt64(modified)
        w.writeVarUInt(fileSize)
        w.writeVarUInt(UInt64(textLength))
        w.writeVarUInt(UInt64(storeBlock))
        w.writeVarUInt(UInt64(storeOffset))
        w.writeString(charset)
        if let checkpoints { checkpoints.write(to: &w) } else { w.writeVarUInt(0) }
    }

    static func read(from r: inout ByteReader) throws -> DocumentRecord {
        let path = try r.readString(maxLength: 1 << 16)
        let title = try r.readString(maxLength: 1 << 16)
        let language = try r.readUInt8()
        let hash = try r.readUInt64()
        let modified = try r.readInt64()
        let size = try r.readVarUInt()
        let textLength = try r.readVarInt(max: Int(UInt32.max))
        let block = try r.readVarInt(max: Int(UInt32.max))
        let offset = try r.readVarInt(max: Int(UInt32.max))
        let charset = try r.readString(maxLength: 64)
        let checkpoints = try TextCheckpoints.read(from: &r, textLength: textLength)
        return DocumentRecord(path: path, title: title, language: language, contentHash: hash, modified: modified,
                              fileSize: size, textLength: UInt32(textLength), storeBlock: UInt32(block), storeOffset: UInt32(offset),
                              charset: charset, checkpoints: checkpoints)
    }

}
