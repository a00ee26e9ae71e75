/// Writes one term's postings in the block format (see docs/FORMAT.md, "Postings"):
///
///     [skip table: one 36-byte entry per full block]               only when docFreq ≥ 128,
///     [tail offset u32, tail positions offset u32, term impacts]    then these 32 bytes
///     [full blocks: docBits u8, tfBits u8, 128 doc deltas packed, 128 (tf − 1) packed]
///     [tail: per doc varint(delta << 1 | tf == 1), then varint(tf) when tf ≠ 1]
///
/// Skip entry: last doc id (u32), byte offset of the block from the term's start (u32), byte offset
/// of the block's first positions from the term's positions start (u32), the block's `Impacts`
/// (24 bytes). The term impacts cover every posting of the term, tail included. Doc deltas are
/// from the previous doc of the term (the first from 0). Positions go to their own stream: per
/// doc, `tf` varint deltas (the first from 0).
public enum PostingsEncoder {
    public static let skipEntrySize = 12 + Impacts.byteSize
    /// After the skip table: tail offsets and term impacts.
    public static let skipTrailerSize = 8 + Impacts.byteSize

    /// Encodes a term's postings. `positions` holds every document's encoded positions back to
    /// back, in doc order, as the positions file stores them: the caller writes them as they are,
    /// and skip entries locate each block's first by counting varints.
    /// `averageDocLength` (the segment's) steers how impacts are reduced. Returns the term's
    /// largest tf and shortest document length.
    public static func encode(docs: [UInt32], freqs: [UInt32], docLengths: [UInt32], averageDocLength: Double,
                              positions: UnsafeRawBufferPointer, postings: inout [UInt8])
        -> (maxTf: UInt32, minDocLength: UInt32) {
        let df = docs.count
        let fullBlocks = df / BitPacking.blockSize
        let termStart = postings.count
        var positionCursor = VarIntCursor(positions)
        let skipStart = postings.count
        postings.append(contentsOf: repeatElement(0, count: fullBlocks * skipEntrySize + (fullBlocks > 0 ? skipTrailerSize : 0)))
        var blockImpacts = Impacts.Builder(), termImpacts = Impacts.Builder()
        var maxTf: UInt32 = 0
        var minDl: UInt32 = .max
        var previous: UInt32 = 0
        var deltas = [UInt32](repeating: 0, count: fullBlocks > 0 ? BitPacking.blockSize : 0)
        var tfMinusOne = [UInt32](repeating: 0, count: fullBlocks > 0 ? BitPacking.blockSize : 0)
        for block in 0..<fullBlocks {
            let base = block * BitPacking.blockSize
            let blockOffset = UInt32(postings.count - termStart)
            let positionsOffset = UInt32(positionCursor.offset)
            for i in 0..<BitPacking.blockSize {
                let doc = docs[base + i]
                deltas[i] = doc &- previous
                previous = doc
                let tf = freqs[base + i]
                tfMinusOne[i] = tf &- 1
                blockImpacts.add(tf: tf, length: docLengths[Int(doc)])
                positionCursor.skip(Int(tf))
            }
            let docBits = deltas.withUnsafeBufferPointer { BitPacking.bitWidth($0) }
            let tfBits = tfMinusOne.withUnsafeBufferPointer { BitPacking.bitWidth($0) }
            postings.append(UInt8(docBits))
            postings.append(UInt8(tfBits))
            deltas.withUnsafeBufferPointer { BitPacking.pack($0, width: docBits, into: &postings) }
            tfMinusOne.withUnsafeBufferPointer { BitPacking.pack($0, width: tfBits, into: &postings) }
            var entry = ByteWriter(capacity: skipEntrySize)
            entry.writeUInt32(previous)
            entry.writeUInt32(blockOffset)
            entry.writeUInt32(positionsOffset)
            let impacts = blockImpacts.build(averageLength: averageDocLength)
            impacts.write(into: &entry)
            termImpacts.add(impacts)
            blockImpacts.reset()
            let at = skipStart + block * skipEntrySize
            postings.replaceSubrange(at..<(at + skipEntrySize), with: entry.bytes)
            // The impacts' loosest pair is the block's largest tf and shortest document.
            maxTf = max(maxTf, impacts.loosest.tf)
            minDl = min(minDl, impacts.loosest.length)
        }
        let tailOffset = UInt32(postings.count - termStart), tailPositionsOffset = UInt32(positionCursor.offset)
        for i in (fullBlocks * BitPacking.blockSize)..<df {
            let doc = docs[i]
            let tf = freqs[i]
            let delta = doc &- previous
            previous = doc
            if tf == 1 {
                appendVarUInt(&postings, delta << 1 | 1)
            } else {
                appendVarUInt(&postings, delta << 1)
                appendVarUInt(&postings, tf)
            }
            maxTf = max(maxTf, tf)
            minDl = min(minDl, docLengths[Int(doc)])
            if fullBlocks > 0 { termImpacts.add(tf: tf, length: docLengths[Int(doc)]) }
        }
        if fullBlocks > 0 {
            var trailer = ByteWriter(capacity: skipTrailerSize)
            trailer.writeUInt32(tailOffset)
            trailer.writeUInt32(tailPositionsOffset)
            termImpacts.build(averageLength: averageDocLength).write(into: &trailer)
            let at = skipStart + fullBlocks * skipEntrySize
            postings.replaceSubrange(at..<(at + skipTrailerSize), with: trailer.bytes)
        }
        return (maxTf, minDl == .max ? 0 : minDl)
    }
}

/// Walks encoded varints without decoding them: a varint ends at its first byte below 0x80.
struct VarIntCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Moves past `count` varints (or to the end, if fewer remain).
    @inline(__always)
    mutating func skip(_ count: Int) {
        var left = count
        while left > 0 && offset < bytes.count {
            if bytes[offset] < 0x80 { left -= 1 }
            offset += 1
        }
    }

    /// How many varints end in `bytes` (each byte below 0x80 ends one).
    static func count(_ bytes: UnsafeRawBufferPointer) -> Int {
        var n = 0
        for b in bytes where b < 0x80 { n += 1 }
        return n
    }
}
