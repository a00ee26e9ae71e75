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

    /// Encodes a term's postings. `positions` holds every doc's positions back to back.
    /// Returns the term's largest tf and shortest document length.
    public static func encode(docs: [UInt32], freqs: [UInt32], positions: [UInt32], docLengths: [UInt32], averageDocLength: Double,
                              postings: inout [UInt8], positionStream: inout [UInt8]) -> (maxTf: UInt32, minDocLength: UInt32) {
        var positionIndex = 0
        return encode(docs: docs, freqs: freqs, docLengths: docLengths, averageDocLength: averageDocLength,
                      postings: &postings, positionStream: &positionStream) { i, out in
            writePositions(positions, from: &positionIndex, count: Int(freqs[i]), into: &out)
        }
    }

    /// Encodes a term's postings; `appendPositions(i, &stream)` appends document `i`'s encoded
    /// positions (the merge copies them as they are, the builder encodes them). `averageDocLength`
    /// (the segment's) steers how impacts are reduced.
    public static func encode(docs: [UInt32], freqs: [UInt32], docLengths: [UInt32], averageDocLength: Double,
                              postings: inout [UInt8], positionStream: inout [UInt8],
                              appendPositions: (Int, inout [UInt8]) -> Void) -> (maxTf: UInt32, minDocLength: UInt32) {
        let df = docs.count
        let fullBlocks = df / BitPacking.blockSize
        let termStart = postings.count
        let positionsStart = positionStream.count
        let skipStart = postings.count
        postings.append(contentsOf: repeatElement(0, count: fullBlocks * skipEntrySize + (fullBlocks > 0 ? skipTrailerSize : 0)))
        var blockImpacts = Impacts.Builder(), termImpacts = Impacts.Builder()
        var maxTf: UInt32 = 0
        var minDl: UInt32 = .max
        var previous: UInt32 = 0
        var deltas = [UInt32](repeating: 0, count: BitPacking.blockSize)
        var tfMinusOne = [UInt32](repeating: 0, count: BitPacking.blockSize)
        for block in 0..<fullBlocks {
            let base = block * BitPacking.blockSize
            let blockOffset = UInt32(postings.count - termStart)
            let positionsOffset = UInt32(positionStream.count - positionsStart)
            for i in 0..<BitPacking.blockSize {
                let doc = docs[base + i]
                deltas[i] = doc &- previous
                previous = doc
                let tf = freqs[base + i]
                tfMinusOne[i] = tf &- 1
                blockImpacts.add(tf: tf, length: docLengths[Int(doc)])
                appendPositions(base + i, &positionStream)
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
        let tailOffset = UInt32(postings.count - termStart), tailPositionsOffset = UInt32(positionStream.count - positionsStart)
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
            appendPositions(i, &positionStream)
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

    @inline(__always)
    static func writePositions(_ positions: [UInt32], from index: inout Int, count: Int, into out: inout [UInt8]) {
        var last: UInt32 = 0
        for k in 0..<count {
            let p = positions[index + k]
            appendVarUInt(&out, p &- last)
            last = p
        }
        index += count
    }
}
