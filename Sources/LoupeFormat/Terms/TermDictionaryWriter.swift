/// Builds a segment's term dictionary (see docs/FORMAT.md, "Terms"): terms in byte order,
/// front-coded in blocks of `blockSize`, a block index holding each block's first term, a Bloom
/// filter, the accent variants (`AccentVariant`), and a fixed-size trailer.
public struct TermDictionaryWriter {
    public static let blockSize = 16
    public static let indexEntrySize = 28
    public static let trailerSize = 72

    private var blocks = ByteWriter()
    private var keys = ByteWriter()
    private var index = ByteWriter()
    private var previous: [UInt8] = []
    private var inBlock = 0
    private var blockPostingsBase = 0
    private var blockPositionsBase = 0
    private var expectedPostings = 0
    private var expectedPositions = 0
    public private(set) var termCount = 0
    private var hashes: [UInt64] = []
    private var blockCount = 0
    private var variants: [AccentVariant] = []

    public init() {}

    /// Adds the next term (terms must come in strictly increasing byte order, with postings written
    /// back to back in the same order).
    public mutating func add(_ term: [UInt8], _ info: TermInfo) {
        term.withUnsafeBufferPointer { add($0, info) }
    }

    /// `add` for a key read in place (the combine passes keys without copying them).
    public mutating func add(_ term: UnsafeBufferPointer<UInt8>, _ info: TermInfo) {
        precondition(termCount == 0 || previous.withUnsafeBytes { compareBytes($0, UnsafeRawBufferPointer(term)) < 0 }, "terms out of order")
        precondition(info.postingsOffset == expectedPostings && info.positionsOffset == expectedPositions, "postings not contiguous")
        if inBlock == Self.blockSize || termCount == 0 {
            inBlock = 0
            blockCount += 1
            index.writeUInt64(UInt64(blocks.count))
            index.writeUInt64(UInt64(info.postingsOffset))
            index.writeUInt64(UInt64(info.positionsOffset))
            index.writeUInt32(UInt32(keys.count))
            keys.writeVarUInt(term.count)
            keys.writeBytes(term)
            previous.removeAll(keepingCapacity: true)
        }
        var shared = 0
        while shared < previous.count && shared < term.count && previous[shared] == term[shared] { shared += 1 }
        blocks.writeVarUInt(shared)
        blocks.writeVarUInt(term.count - shared)
        blocks.writeBytes(UnsafeBufferPointer(rebasing: term[shared...]))
        blocks.writeVarUInt(info.docFreq)
        blocks.writeVarUInt(info.totalTermFreq - info.docFreq)
        blocks.writeVarUInt(info.nameFreq)
        blocks.writeVarUInt(info.maxTermFreq)
        blocks.writeVarUInt(info.minDocLength)
        blocks.writeVarUInt(info.postingsLength)
        blocks.writeVarUInt(info.positionsLength)
        expectedPostings += info.postingsLength
        expectedPositions += info.positionsLength
        previous.removeAll(keepingCapacity: true)
        previous.append(contentsOf: term)
        hashes.append(TermBloomFilter.hash(UnsafeRawBufferPointer(term)))
        inBlock += 1
        termCount += 1
    }

    /// Sets the accent variants written with the dictionary (any order; duplicates are dropped).
    public mutating func setVariants<S: Sequence>(_ pairs: S) where S.Element == AccentVariant {
        variants = Array(Set(pairs)).sorted()
    }

    /// The finished body.
    public func finish() -> [UInt8] {
        let bloom = TermBloomFilter.build(hashes)
        var out = ByteWriter(capacity: blocks.count + keys.count + index.count + bloom.count * 8 + Self.trailerSize)
        out.writeBytes(blocks.bytes)
        let keysOffset = out.count
        out.writeBytes(keys.bytes)
        let indexOffset = out.count
        out.writeBytes(index.bytes)
        let bloomOffset = out.count
        for word in bloom { out.writeUInt64(word) }
        let variantsOffset = out.count
        var starts: [Int] = []
        for v in variants {
            starts.append(out.count - variantsOffset)
            out.writeVarUInt(v.from.count)
            out.writeBytes(v.from)
            out.writeVarUInt(v.to.count)
            out.writeBytes(v.to)
        }
        for start in starts { out.writeUInt32(UInt32(start)) }
        // The same entries ordered by target key (`to` and the language byte), then `from`.
        let byTarget = variants.indices.sorted { a, b in
            let ka = variants[a].to + [variants[a].from.last ?? 0], kb = variants[b].to + [variants[b].from.last ?? 0]
            if ka != kb { return ka.lexicographicallyPrecedes(kb) }
            return variants[a].from.lexicographicallyPrecedes(variants[b].from)
        }
        for i in byTarget { out.writeUInt32(UInt32(starts[i])) }
        out.writeUInt64(UInt64(termCount))
        out.writeUInt64(UInt64(blockCount))
        out.writeUInt64(UInt64(keysOffset))
        out.writeUInt64(UInt64(keys.count))
        out.writeUInt64(UInt64(indexOffset))
        out.writeUInt64(UInt64(bloomOffset))
        out.writeUInt64(UInt64(bloom.count))
        out.writeUInt64(UInt64(variantsOffset))
        out.writeUInt64(UInt64(variants.count))
        return out.bytes
    }
}
