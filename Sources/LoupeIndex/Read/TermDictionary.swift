/// Reads a segment's term dictionary from its mapped body: exact lookup by binary search over the
/// block index then a scan of one block, and ordered iteration from any term (for prefix ranges).
public final class TermDictionary: @unchecked Sendable {
    public let termCount: Int
    private let body: UnsafeRawBufferPointer
    private let file: String
    private let blockCount: Int
    private let keysOffset: Int
    private let keysLength: Int
    private let indexOffset: Int
    private let blocksEnd: Int

    init(body: UnsafeRawBufferPointer, file: String) throws {
        self.body = body
        self.file = file
        guard body.count >= TermDictionaryWriter.trailerSize else { throw IndexError.corrupt(file: file, reason: "too short for a term dictionary") }
        var r = ByteReader(body, offset: body.count - TermDictionaryWriter.trailerSize, file: file)
        let terms = try r.readUInt64(), blocks = try r.readUInt64(), keysAt = try r.readUInt64(), keysLen = try r.readUInt64(), indexAt = try r.readUInt64()
        let limit = UInt64(body.count)
        guard terms <= limit, blocks <= limit, keysAt <= limit, keysLen <= limit - keysAt, indexAt == keysAt + keysLen,
              blocks * UInt64(TermDictionaryWriter.indexEntrySize) == limit - UInt64(TermDictionaryWriter.trailerSize) - indexAt,
              (terms == 0) == (blocks == 0), blocks <= terms
        else { throw IndexError.corrupt(file: file, reason: "inconsistent dictionary trailer") }
        termCount = Int(terms)
        blockCount = Int(blocks)
        keysOffset = Int(keysAt)
        keysLength = Int(keysLen)
        indexOffset = Int(indexAt)
        blocksEnd = Int(keysAt)
    }

    private struct BlockStart {
        var offset: Int
        var postingsBase: Int
        var positionsBase: Int
        var keyOffset: Int
    }

    private func blockStart(_ b: Int) throws -> BlockStart {
        var r = ByteReader(body, offset: indexOffset + b * TermDictionaryWriter.indexEntrySize, file: file)
        let offset = try r.readUInt64(), postings = try r.readUInt64(), positions = try r.readUInt64(), key = try r.readUInt32()
        guard offset < UInt64(blocksEnd), postings < 1 << 48, positions < 1 << 48, Int(key) < keysLength else {
            throw IndexError.corrupt(file: file, reason: "block index entry \(b) out of range")
        }
        return BlockStart(offset: Int(offset), postingsBase: Int(postings), positionsBase: Int(positions), keyOffset: Int(key))
    }

    private func firstKey(_ b: Int) throws -> UnsafeRawBufferPointer {
        let start = try blockStart(b)
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: body[keysOffset..<(keysOffset + keysLength)]), offset: start.keyOffset, file: file)
        let length = try r.readVarInt(max: 1 << 16)
        return try r.readBytes(length)
    }

    /// The last block whose first term is ≤ `key` (nil when `key` sorts before every term).
    private func block(for key: UnsafeRawBufferPointer) throws -> Int? {
        var lo = 0, hi = blockCount - 1
        var found: Int? = nil
        while lo <= hi {
            let mid = (lo + hi) / 2
            let first = try firstKey(mid)
            if !key.lexicographicallyPrecedes(first) {
                found = mid
                lo = mid + 1
            } else {
                hi = mid - 1
            }
        }
        return found
    }

    /// The entry for `term`, or nil when the segment does not contain it.
    public func lookup(_ term: [UInt8]) throws -> TermInfo? {
        try term.withUnsafeBytes { key in
            guard let b = try block(for: key) else { return nil }
            var result: TermInfo?
            try scan(from: b) { candidate, info in
                if candidate.elementsEqual(key) { result = info; return false }
                return candidate.lexicographicallyPrecedes(key)
            }
            return result
        }
    }

    /// Calls `body(term, info)` for each term ≥ `start` in order, until it returns false.
    public func forEach(from start: [UInt8] = [], _ visit: ([UInt8], TermInfo) throws -> Bool) throws {
        guard blockCount > 0 else { return }
        let b = try start.withUnsafeBytes { try block(for: $0) } ?? 0
        try scan(from: b) { term, info in
            if term.lexicographicallyPrecedes(start) { return true }
            return try visit(term, info)
        }
    }

    /// Decodes blocks from `first` on, calling `visit` per term until it returns false.
    private func scan(from first: Int, _ visit: ([UInt8], TermInfo) throws -> Bool) throws {
        var term: [UInt8] = []
        for b in first..<blockCount {
            let start = try blockStart(b)
            let end = b + 1 < blockCount ? try blockStart(b + 1).offset : blocksEnd
            guard start.offset <= end else { throw IndexError.corrupt(file: file, reason: "dictionary blocks out of order") }
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: body[0..<end]), offset: start.offset, file: file)
            var postings = start.postingsBase, positions = start.positionsBase
            term.removeAll(keepingCapacity: true)
            while !r.isAtEnd {
                let shared = try r.readVarInt(max: term.count)
                let suffixLength = try r.readVarInt(max: 1 << 16)
                let suffix = try r.readBytes(suffixLength)
                term.removeLast(term.count - shared)
                term.append(contentsOf: suffix)
                let df = try r.readVarInt()
                let extra = try r.readVarInt(max: Int.max / 2)
                let names = try r.readVarInt(max: Int.max / 2)
                let maxTf = try r.readVarInt()
                let minDl = try r.readVarInt()
                let postingsLength = try r.readVarInt(max: 1 << 48)
                let positionsLength = try r.readVarInt(max: 1 << 48)
                let info = TermInfo(docFreq: df, totalTermFreq: df + extra, nameFreq: names, maxTermFreq: maxTf, minDocLength: minDl,
                                    postingsOffset: postings, postingsLength: postingsLength,
                                    positionsOffset: positions, positionsLength: positionsLength)
                postings += postingsLength
                positions += positionsLength
                if try !visit(term, info) { return }
            }
        }
    }
}
