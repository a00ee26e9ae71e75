/// What a segment's deleted documents held, term by term: subtracted from the segment's
/// dictionary statistics, it leaves the statistics of its live documents — so that BM25's document
/// frequencies stay those of a fresh index of the same files.
public struct TermCorrection: Sendable, Equatable {
    public var docFreq: Int
    public var totalTermFreq: Int
    public var nameFreq: Int

    public init(docFreq: Int, totalTermFreq: Int, nameFreq: Int) {
        self.docFreq = docFreq
        self.totalTermFreq = totalTermFreq
        self.nameFreq = nameFreq
    }

    public static func + (a: TermCorrection, b: TermCorrection) -> TermCorrection {
        TermCorrection(docFreq: a.docFreq + b.docFreq, totalTermFreq: a.totalTermFreq + b.totalTermFreq, nameFreq: a.nameFreq + b.nameFreq)
    }
}

/// A segment's deletions file (`<segment>_<generation>.del`, §9 of docs/FORMAT.md): which of its
/// documents are deleted (a bitmap over local doc ids), how many tokens they held, and per term
/// what they held (`TermCorrection`, sorted by key, looked up in place by binary search).
///
/// Body: `u32 docCount, u32 deletedCount, u64 deletedTokens`, `ceil(docCount / 64)` u64 words of
/// bitmap (bit d of word d / 64 set: document d is deleted), `u32 correctionCount`, that many u32
/// offsets into the entry area that follows, and the entries: `varint keyLength, key, varint
/// docFreq, varint totalTermFreq, varint nameFreq`, keys strictly increasing.
public final class SegmentDeletions: @unchecked Sendable {
    public let docCount: Int
    public let deletedCount: Int
    public let deletedTokens: UInt64
    /// The bitmap (a copy: a few KiB, read by every query's filter).
    public let words: [UInt64]
    public let correctionCount: Int
    private let storage: OwnedBytes
    /// Each entry's first 8 key bytes, big-endian (zero-padded): in key order too, so a lookup
    /// binary-searches integers and decodes only the entries sharing its prefix (built at open,
    /// about 20 ns an entry).
    private let prefixes: [UInt64]
    private let offsets: UnsafeRawBufferPointer
    private let entries: UnsafeRawBufferPointer
    public let file: String

    public init(body storage: OwnedBytes, file: String, docCount expected: Int) throws {
        self.storage = storage
        self.file = file
        let body = storage.bytes
        var r = ByteReader(body, file: file)
        docCount = Int(try r.readUInt32())
        deletedCount = Int(try r.readUInt32())
        deletedTokens = try r.readUInt64()
        guard docCount == expected else {
            throw IndexError.corrupt(file: file, reason: "covers \(docCount) documents, its segment holds \(expected)")
        }
        let wordCount = (docCount + 63) / 64
        try r.need(wordCount * 8)
        var words: [UInt64] = []
        words.reserveCapacity(wordCount)
        var set = 0
        for _ in 0..<wordCount {
            let w = try r.readUInt64()
            set += w.nonzeroBitCount
            words.append(w)
        }
        if docCount % 64 != 0, let last = words.last, last >> UInt64(docCount % 64) != 0 {
            throw IndexError.corrupt(file: file, reason: "deletes documents past the segment's end")
        }
        guard set == deletedCount, deletedCount <= docCount else {
            throw IndexError.corrupt(file: file, reason: "the bitmap holds \(set) deletions, the header says \(deletedCount)")
        }
        self.words = words
        let count = Int(try r.readUInt32())
        guard count <= body.count / 4 else { throw IndexError.corrupt(file: file, reason: "\(count) term corrections") }
        correctionCount = count
        offsets = try r.readBytes(count * 4)
        entries = UnsafeRawBufferPointer(rebasing: body[r.offset...])
        var previous = -1
        var prefixes: [UInt64] = []
        prefixes.reserveCapacity(count)
        for i in 0..<count {
            let o = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            guard o > previous, o < entries.count else { throw IndexError.corrupt(file: file, reason: "term correction offsets out of order") }
            previous = o
            var r = ByteReader(entries, offset: o, file: file)
            let length = try r.readVarInt(max: 1 << 16)
            let prefix = Self.prefix(try r.readBytes(length))
            guard prefix >= (prefixes.last ?? 0) else { throw IndexError.corrupt(file: file, reason: "term corrections out of order") }
            prefixes.append(prefix)
        }
        self.prefixes = prefixes
    }

    /// The first 8 bytes of `key`, big-endian, zero-padded: ordered as the keys are.
    @inline(__always)
    static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var p: UInt64 = 0
        for i in 0..<8 { p = p << 8 | UInt64(i < key.count ? key[i] : 0) }
        return p
    }

    @inline(__always)
    public func isDeleted(_ doc: Int) -> Bool { words[doc >> 6] & (1 << UInt64(doc & 63)) != 0 }

    private func offset(_ i: Int) -> Int { Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }

    /// Entry `i`: its key and correction.
    private func entry(_ i: Int) throws -> (key: UnsafeRawBufferPointer, correction: TermCorrection) {
        var r = ByteReader(entries, offset: offset(i), file: file)
        let length = try r.readVarInt(max: 1 << 16)
        let key = try r.readBytes(length)
        let df = try r.readVarInt(max: docCount), ttf = try r.readVarInt(), names = try r.readVarInt()
        return (key, TermCorrection(docFreq: df, totalTermFreq: ttf, nameFreq: names))
    }

    /// What the deleted documents held of term `key` (nil: none of them holds it).
    public func correction(for key: UnsafeRawBufferPointer) throws -> TermCorrection? {
        let wanted = Self.prefix(key)
        // The first entry whose prefix is not below the key's, then those sharing it.
        var lo = 0, hi = correctionCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if prefixes[mid] < wanted { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        while i < correctionCount && prefixes[i] == wanted {
            let (k, c) = try entry(i)
            let order = compareBytes(key, k)
            if order == 0 { return c }
            if order < 0 { return nil }
            i += 1
        }
        return nil
    }

    public func correction(for key: [UInt8]) throws -> TermCorrection? {
        try key.withUnsafeBytes { try correction(for: $0) }
    }

    /// Every correction in key order.
    public func forEachCorrection(_ body: (UnsafeRawBufferPointer, TermCorrection) throws -> Void) throws {
        for i in 0..<correctionCount {
            let (k, c) = try entry(i)
            try body(k, c)
        }
    }

    /// A deletions file's body (see the type's comment); `corrections` sorted by key, no key twice.
    public static func encode(docCount: Int, words: [UInt64], deletedTokens: UInt64, corrections: [([UInt8], TermCorrection)]) -> [UInt8] {
        precondition(words.count == (docCount + 63) / 64, "one bit per document")
        var w = ByteWriter()
        w.writeUInt32(UInt32(docCount))
        w.writeUInt32(UInt32(words.reduce(0) { $0 + $1.nonzeroBitCount }))
        w.writeUInt64(deletedTokens)
        for word in words { w.writeUInt64(word) }
        w.writeUInt32(UInt32(corrections.count))
        var area = ByteWriter()
        var offsets = ByteWriter()
        for (key, c) in corrections {
            offsets.writeUInt32(UInt32(area.bytes.count))
            area.writeVarUInt(key.count)
            area.writeBytes(key)
            area.writeVarUInt(c.docFreq)
            area.writeVarUInt(c.totalTermFreq)
            area.writeVarUInt(c.nameFreq)
        }
        w.writeBytes(offsets.bytes)
        w.writeBytes(area.bytes)
        return w.bytes
    }
}
