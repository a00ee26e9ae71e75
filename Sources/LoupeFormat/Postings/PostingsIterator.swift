/// Iterates one term's postings in one segment, block by block, with skipping.
///
/// Every offset and length read from the file is checked against the term's byte range before it
/// is used, and every decoded block is checked (doc ids increasing, below the segment's document
/// count, last id equal to its skip entry), so a corrupt file produces `IndexError.corrupt`, never
/// a crash. Allocation happens once, at creation.
public final class PostingsIterator {
    /// The doc id past the end.
    public static let exhausted = UInt32.max

    /// The current document (`exhausted` past the end).
    @inlinable public var doc: UInt32 { current }
    @usableFromInline var current: UInt32 = 0
    public let docFreq: Int
    /// The term's postings and positions bytes, in place in the mapped files that `owners` keep alive.
    private let data: UnsafeRawBufferPointer
    private let positionData: UnsafeRawBufferPointer
    private let owners: (postings: OwnedBytes, positions: OwnedBytes)
    private let docCount: UInt32
    private let file: String
    private let fullBlocks: Int
    private let tailOffset: Int
    private let tailPositionsOffset: Int
    /// Bounds over all the term's postings (nil when the term has no full block: then its
    /// dictionary entry's largest tf and shortest document bound it).
    public let termImpacts: Impacts?
    @usableFromInline var block = -1
    /// The number of the decoded block (the tail's is the number of full blocks); −1 before the
    /// first. Lets callers cache what they compute per block.
    public var blockNumber: Int { primed ? 0 : block }
    /// On the first document with block 0 not decoded yet (`prime`): only its first document and
    /// frequency are, at `docs[0]` and `freqs[0]`.
    @usableFromInline var primed = false
    @usableFromInline var index = 0
    @usableFromInline package var count = 0
    @usableFromInline let docs: UnsafeMutablePointer<UInt32>
    @usableFromInline let freqs: UnsafeMutablePointer<UInt32>
    private var positionsBlockStart = 0
    // Positions cursor inside the current block: where doc `positionsIndex`'s positions start.
    private var positionsCursor = 0
    private var positionsIndex = 0

    package init(postings postingsFile: OwnedBytes, positions positionsFile: OwnedBytes, info: TermInfo, docCount: Int, file: String) throws {
        owners = (postingsFile, positionsFile)
        let postings = postingsFile.bytes, positions = positionsFile.bytes
        guard info.postingsOffset >= 0, info.postingsLength >= 0, info.postingsOffset + info.postingsLength <= postings.count else {
            throw IndexError.corrupt(file: file, reason: "postings range \(info.postingsOffset)+\(info.postingsLength) outside the file")
        }
        guard info.positionsOffset >= 0, info.positionsLength >= 0, info.positionsOffset + info.positionsLength <= positions.count else {
            throw IndexError.corrupt(file: file, reason: "positions range \(info.positionsOffset)+\(info.positionsLength) outside the file")
        }
        guard info.docFreq > 0, info.docFreq <= docCount else {
            throw IndexError.corrupt(file: file, reason: "document frequency \(info.docFreq) impossible in a segment of \(docCount) documents")
        }
        data = UnsafeRawBufferPointer(rebasing: postings[info.postingsOffset..<(info.postingsOffset + info.postingsLength)])
        positionData = UnsafeRawBufferPointer(rebasing: positions[info.positionsOffset..<(info.positionsOffset + info.positionsLength)])
        self.docCount = UInt32(docCount)
        self.file = file
        docFreq = info.docFreq
        fullBlocks = info.docFreq / BitPacking.blockSize
        if fullBlocks > 0 {
            var r = ByteReader(data, offset: fullBlocks * PostingsEncoder.skipEntrySize, file: file)
            tailOffset = Int(try r.readUInt32())
            tailPositionsOffset = Int(try r.readUInt32())
            guard tailOffset <= data.count, tailPositionsOffset <= positionData.count,
                  r.offset + Impacts.byteSize <= data.count, r.offset + Impacts.byteSize <= tailOffset else {
                throw IndexError.corrupt(file: file, reason: "tail offset outside the term's postings")
            }
            termImpacts = Impacts.load(data, at: r.offset)
        } else {
            tailOffset = 0
            tailPositionsOffset = 0
            termImpacts = nil
        }
        // One allocation for both decoded arrays.
        docs = .allocate(capacity: 2 * BitPacking.blockSize)
        freqs = docs + BitPacking.blockSize
    }

    deinit {
        docs.deallocate()
    }

    /// Frequency of the term in the current document.
    @inlinable
    public var freq: UInt32 { freqs[index] }

    /// Moves to the next document; returns its id or `exhausted`.
    @inlinable
    public func next() throws -> UInt32 {
        index += 1
        if index >= count { return try nextBlock() }
        current = docs[index]
        return doc
    }

    /// `next` past the decoded documents: the next block's first document (or, primed, block 0's
    /// second).
    @usableFromInline
    func nextBlock() throws -> UInt32 {
        if primed {
            guard try loadBlock(0) else { current = Self.exhausted; return current }
            index = 1
        } else {
            guard try loadBlock(block + 1) else { current = Self.exhausted; return current }
        }
        current = docs[index]
        return current
    }

    /// Moves to the first document, like a first `next`, but a term with full blocks decodes
    /// only block 0's first document and frequency: a cursor that skips ahead (the second word
    /// of a conjunction) never decodes a block it does not land in.
    public func prime() throws -> UInt32 {
        guard block < 0, !primed, fullBlocks > 0 else { return try next() }
        let runs = try packedRuns(0)
        let firstDoc = BitPacking.first(runs.docs, width: runs.docBits), firstFreq = BitPacking.first(runs.freqs, width: runs.tfBits) &+ 1
        guard firstDoc < docCount, firstDoc <= skipLastDoc(0), firstFreq > 0 else {
            throw corrupt("block 0 starts with doc \(firstDoc) (tf \(firstFreq)), invalid for a segment of \(docCount) documents")
        }
        docs[0] = firstDoc
        freqs[0] = firstFreq
        index = 0
        count = 1
        positionsBlockStart = try positionsStart(0)
        positionsIndex = 0
        positionsCursor = positionsBlockStart
        primed = true
        current = firstDoc
        return current
    }

    /// Calls `body` with the remaining postings, from the current document on, a block at a time:
    /// doc ids and frequencies side by side (decoded and checked as `next` would). A full block
    /// that `shouldSkip` rejects, given its impacts and last doc id, is passed over without being
    /// decoded (it is asked before each block, in order; the tail, which has no skip data, is
    /// always read). Leaves the iterator exhausted. For scoring every posting without a call per
    /// document.
    package func forEachRemainingBlock(skipping shouldSkip: (_ impacts: Impacts, _ lastDoc: UInt32) -> Bool = { _, _ in false },
                                      _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) throws -> Void) throws {
        guard current != Self.exhausted else { return }
        if primed { _ = try loadBlock(0) }
        var b = block
        var decoded = true  // block `b` is the one decoded, read from `index` on
        while b <= fullBlocks {
            if b < fullBlocks, let impacts = blockImpacts(b), shouldSkip(impacts, skipLastDoc(b)) {
                // Passed over.
            } else {
                if !decoded {
                    guard try loadBlock(b) else { break }
                }
                if index < count {
                    try body(UnsafeBufferPointer(start: docs + index, count: count - index), UnsafeBufferPointer(start: freqs + index, count: count - index))
                }
            }
            b += 1
            decoded = false
        }
        block = fullBlocks + 1
        count = 0
        index = 0
        current = Self.exhausted
    }

    /// Moves to the first document ≥ `target`; returns its id or `exhausted`.
    public func advance(to target: UInt32) throws -> UInt32 {
        if block >= 0 && doc >= target && index < count { return doc }
        if primed && doc >= target { return doc }
        if block < 0 || count == 0 || docs[count - 1] < target {
            // Find the first block whose last doc is ≥ target using the skip table.
            var b = max(block + 1, 0)
            while b < fullBlocks && skipLastDoc(b) < target { b += 1 }
            guard try loadBlock(b) else { current = Self.exhausted; return doc }
            if docs[count - 1] < target {
                guard try loadBlock(b + 1) else { current = Self.exhausted; return doc }
            }
        }
        while index < count && docs[index] < target { index += 1 }
        if index >= count {
            guard try loadBlock(block + 1) else { current = Self.exhausted; return current }
        }
        current = docs[index]
        return doc
    }

    /// The positions of the term in the current document, ascending.
    public func positions() throws -> [UInt32] {
        try [UInt32](unsafeUninitializedCapacity: max(1, Int(freq))) { out, initialized in
            guard let start = out.baseAddress else { return }
            initialized = try decodePositions(into: start)
        }
    }

    /// Writes the positions of the term in the current document, ascending, at `out` (room for
    /// `freq` of them); returns their number, `freq`.
    public func decodePositions(into out: UnsafeMutablePointer<UInt32>) throws -> Int {
        var r = ByteReader(positionData, offset: positionsBlockStart, file: file)
        if positionsIndex <= index {
            r.offset = positionsCursor
        } else {
            positionsIndex = 0
        }
        if positionsIndex < index {
            var skipped = 0
            for i in positionsIndex..<index { skipped += Int(freqs[i]) }
            try r.skipVarInts(skipped)
            positionsIndex = index
        }
        positionsCursor = r.offset
        let n = Int(freqs[index])
        var last: UInt64 = 0
        // Most gaps take one byte: read in place, the general decoder for the others.
        guard let bytes = positionData.baseAddress else {
            if n == 0 { return 0 }
            throw IndexError.corrupt(file: file, reason: "positions missing")
        }
        var p = r.offset
        let end = positionData.count
        for k in 0..<n {
            guard p < end else { throw IndexError.corrupt(file: file, reason: "positions run past the term's end") }
            let byte = bytes.load(fromByteOffset: p, as: UInt8.self)
            if byte < 0x80 {
                last &+= UInt64(byte)
                p += 1
            } else {
                guard let (gap, next) = VarInt.decode(bytes, at: p, end: end) else {
                    throw IndexError.corrupt(file: file, reason: "a position runs past the term's end or over \(VarInt.maxLength) bytes")
                }
                last &+= gap
                p = next
            }
            out[k] = UInt32(truncatingIfNeeded: last)
        }
        // Positions ascend, so the last one is the largest.
        if last > UInt64(UInt32.max) { throw IndexError.corrupt(file: file, reason: "position overflow") }
        return n
    }

    @inline(__always)
    private func skipEntry(_ b: Int, _ field: Int) -> UInt32 {
        data.loadUnaligned(fromByteOffset: b * PostingsEncoder.skipEntrySize + field * 4, as: UInt32.self).littleEndian
    }

    @inline(__always)
    private func skipLastDoc(_ b: Int) -> UInt32 { skipEntry(b, 0) }

    /// Decodes block `b` (the tail when `b == fullBlocks`); false when there is no such block.
    @usableFromInline
    func loadBlock(_ b: Int) throws -> Bool {
        primed = false
        let tailCount = docFreq - fullBlocks * BitPacking.blockSize
        guard b < fullBlocks || (b == fullBlocks && tailCount > 0) else {
            block = fullBlocks + 1
            count = 0
            index = 0
            return false
        }
        let base: UInt32 = b == 0 ? 0 : skipLastDoc(b - 1)
        if b < fullBlocks {
            let runs = try packedRuns(b)
            BitPacking.unpack(runs.docs, width: runs.docBits, into: docs)
            BitPacking.unpack(runs.freqs, width: runs.tfBits, into: freqs)
            // Every delta but the list's very first must be positive, and no tf − 1 may wrap to 0
            // (checked as minimums, in loops of their own that the compiler vectorizes; the prefix
            // sum, in 64 bits, cannot wrap).
            var leastDelta = b > 0 ? docs[0] : UInt32.max, leastFreq = UInt32.max
            for i in 1..<BitPacking.blockSize { leastDelta = min(leastDelta, docs[i]) }
            for i in 0..<BitPacking.blockSize {
                freqs[i] &+= 1
                leastFreq = min(leastFreq, freqs[i])
            }
            guard leastDelta > 0, leastFreq > 0 else { throw corrupt("block \(b) repeats a doc id or has a zero frequency") }
            var d = UInt64(base)
            for i in 0..<BitPacking.blockSize {
                d += UInt64(docs[i])
                docs[i] = UInt32(truncatingIfNeeded: d)
            }
            guard d < UInt64(docCount), UInt32(d) == skipLastDoc(b) else {
                throw corrupt("block \(b) decodes to doc \(d), its skip entry says \(skipLastDoc(b))")
            }
            count = BitPacking.blockSize
            positionsBlockStart = try positionsStart(b)
        } else {
            var r = ByteReader(data, offset: tailOffset, file: file)
            var d = UInt64(base)
            for i in 0..<tailCount {
                let code = try r.readVarUInt()
                d += code >> 1
                let tf = code & 1 == 1 ? 1 : try r.readVarUInt()
                guard d < UInt64(docCount), tf > 0, tf <= UInt64(UInt32.max), i == 0 && b == 0 || code >> 1 > 0 else {
                    throw corrupt("tail doc \(d) (tf \(tf)) invalid for a segment of \(docCount) documents")
                }
                docs[i] = UInt32(d)
                freqs[i] = UInt32(tf)
            }
            count = tailCount
            positionsBlockStart = tailPositionsOffset
        }
        block = b
        index = 0
        positionsIndex = 0
        positionsCursor = positionsBlockStart
        return true
    }

    private func corrupt(_ reason: String) -> IndexError { IndexError.corrupt(file: file, reason: reason) }

    /// Full block `b`'s packed doc deltas and tf − 1 runs, and their bit widths, checked to lie
    /// inside the term's postings.
    private func packedRuns(_ b: Int) throws -> (docs: UnsafeRawPointer, docBits: Int, freqs: UnsafeRawPointer, tfBits: Int) {
        let offset = Int(skipEntry(b, 1))
        guard offset + 2 <= data.count else { throw corrupt("block \(b) offset \(offset) outside the postings") }
        let docBits = Int(data[offset]), tfBits = Int(data[offset + 1])
        guard docBits <= 32, tfBits <= 32 else { throw corrupt("block \(b) bit widths \(docBits)/\(tfBits)") }
        guard offset + 2 + (docBits + tfBits) * 16 <= data.count else { throw corrupt("block \(b) runs past the term's postings") }
        guard let start = data.baseAddress else { throw corrupt("block \(b) in empty postings") }
        return (start + offset + 2, docBits, start + offset + 2 + docBits * 16, tfBits)
    }

    /// Where full block `b`'s first document's positions start, checked to lie in the file.
    private func positionsStart(_ b: Int) throws -> Int {
        let start = Int(skipEntry(b, 2))
        guard start <= positionData.count else { throw corrupt("block \(b) positions offset outside the file") }
        return start
    }

    /// The impacts of full block `b` (nil past the full blocks).
    @inline(__always)
    public func blockImpacts(_ b: Int) -> Impacts? {
        guard b >= 0, b < fullBlocks else { return nil }
        return Impacts.load(data, at: b * PostingsEncoder.skipEntrySize + 12)
    }

    /// For dynamic pruning: the skip data of the block holding the current document — its last
    /// doc and impacts — or nil in the tail block (no skip data there: the term impacts apply).
    @inline(__always)
    public var currentBlockBound: (lastDoc: UInt32, impacts: Impacts)? {
        let b = primed ? 0 : block
        guard let impacts = blockImpacts(b) else { return nil }
        return (skipLastDoc(b), impacts)
    }
}
