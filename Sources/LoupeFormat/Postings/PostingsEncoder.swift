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

    /// Encodes a term's postings at the end of `postings`. `positions` holds every document's
    /// encoded positions back to back, in doc order, as the positions file stores them: the caller
    /// writes them as they are, and skip entries locate each block's first by counting varints.
    /// `averageDocLength` (the segment's) steers how impacts are reduced. Returns the term's
    /// largest tf and shortest document length.
    package static func encode(docs: UnsafeBufferPointer<UInt32>, freqs: UnsafeBufferPointer<UInt32>, docLengths: UnsafeBufferPointer<UInt32>,
                       averageDocLength: Double, positions: UnsafeRawBufferPointer, postings: GrowableBuffer<UInt8>)
        -> (maxTf: UInt32, minDocLength: UInt32) {
        precondition(docs.count == freqs.count, "one frequency per document")
        let df = docs.count
        let blockSize = BitPacking.blockSize
        let fullBlocks = df / blockSize
        let termStart = postings.count
        var positionCursor = VarIntCursor(positions)
        // The skip table and trailer, filled in as the blocks are written.
        let skipStart = postings.append(repeating: 0, count: fullBlocks * skipEntrySize + (fullBlocks > 0 ? skipTrailerSize : 0))
        var blockImpacts = Impacts.Builder(), termImpacts = Impacts.Builder()
        var maxTf: UInt32 = 0
        var minDl: UInt32 = .max
        var previous: UInt32 = 0
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * blockSize) { scratch in
            let deltas = UnsafeMutableBufferPointer(rebasing: scratch[0..<blockSize])
            let tfMinusOne = UnsafeMutableBufferPointer(rebasing: scratch[blockSize...])
            for block in 0..<fullBlocks {
                let base = block * blockSize
                let blockOffset = UInt32(postings.count - termStart)
                let positionsOffset = UInt32(positionCursor.offset)
                for i in 0..<blockSize {
                    let doc = docs[base + i]
                    deltas[i] = doc &- previous
                    previous = doc
                    let tf = freqs[base + i]
                    tfMinusOne[i] = tf &- 1
                    blockImpacts.add(tf: tf, length: docLengths[Int(doc)])
                    positionCursor.skip(Int(tf))
                }
                let docBits = BitPacking.bitWidth(UnsafeBufferPointer(deltas))
                let tfBits = BitPacking.bitWidth(UnsafeBufferPointer(tfMinusOne))
                // Two width bytes, then both packed runs (each needs 8 zero bytes of slack).
                let packedBytes = 2 + 16 * (docBits + tfBits)
                let out = postings.reserveTail(packedBytes + 8)
                out.initializeMemory(as: UInt8.self, repeating: 0, count: packedBytes + 8)
                out.storeBytes(of: UInt8(docBits), as: UInt8.self)
                out.storeBytes(of: UInt8(tfBits), toByteOffset: 1, as: UInt8.self)
                if docBits > 0 { BitPacking.pack(UnsafeBufferPointer(deltas), width: docBits, to: out + 2) }
                if tfBits > 0 { BitPacking.pack(UnsafeBufferPointer(tfMinusOne), width: tfBits, to: out + 2 + 16 * docBits) }
                postings.advance(packedBytes)
                let impacts = blockImpacts.build(averageLength: averageDocLength)
                let entry = skipStart + block * skipEntrySize
                postings.storeUInt32(previous, at: entry)
                postings.storeUInt32(blockOffset, at: entry + 4)
                postings.storeUInt32(positionsOffset, at: entry + 8)
                impacts.store(to: UnsafeMutableRawPointer(postings.base + entry + 12))
                termImpacts.add(impacts)
                blockImpacts.reset()
                // The impacts' loosest pair is the block's largest tf and shortest document.
                maxTf = max(maxTf, impacts.loosest.tf)
                minDl = min(minDl, impacts.loosest.length)
            }
        }
        let tailOffset = UInt32(postings.count - termStart), tailPositionsOffset = UInt32(positionCursor.offset)
        for i in (fullBlocks * blockSize)..<df {
            let doc = docs[i]
            let tf = freqs[i]
            let delta = doc &- previous
            previous = doc
            if tf == 1 {
                postings.appendVarUInt(delta << 1 | 1)
            } else {
                postings.appendVarUInt(delta << 1)
                postings.appendVarUInt(tf)
            }
            maxTf = max(maxTf, tf)
            let length = docLengths[Int(doc)]
            minDl = min(minDl, length)
            if fullBlocks > 0 { termImpacts.add(tf: tf, length: length) }
        }
        if fullBlocks > 0 {
            let trailer = skipStart + fullBlocks * skipEntrySize
            postings.storeUInt32(tailOffset, at: trailer)
            postings.storeUInt32(tailPositionsOffset, at: trailer + 4)
            termImpacts.build(averageLength: averageDocLength).store(to: UnsafeMutableRawPointer(postings.base + trailer + 8))
        }
        return (maxTf, minDl == .max ? 0 : minDl)
    }
}
