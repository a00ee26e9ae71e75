#if canImport(Glibc)
import Glibc
#endif

/// Reads a segment's term dictionary from its mapped body: exact lookup by binary search over the
/// block index (decoded into memory once, at open) then a scan of one block, and ordered iteration
/// from any term (for prefix ranges).
public final class TermDictionary: @unchecked Sendable {
    public let termCount: Int
    /// The mapped body, kept alive by `storage` (`body` is its bytes, read in place).
    private let storage: OwnedBytes
    private let body: UnsafeRawBufferPointer
    /// `body`'s first byte (a dictionary's body is never empty: it ends with its trailer).
    private let base: UnsafeRawPointer
    let file: String
    /// Documents in the segment: no term can be in more.
    private let docCount: Int
    private let blockCount: Int
    private let blocksEnd: Int
    /// Per block: its offset, its postings and positions bases, and its first term (all first
    /// terms back to back in `firstKeys`, block b's at `firstKeyStarts[b]..<firstKeyStarts[b+1]`).
    private let blockOffsets: [Int]
    private let postingsBases: [Int]
    private let positionsBases: [Int]
    private let firstKeys: [UInt8]
    private let firstKeyStarts: [Int]
    /// Per block, its first term's first 8 bytes as a big-endian number (zero-padded): a smaller
    /// number means a smaller term, so the binary search compares numbers in one small array
    /// and reads a first term only where the numbers tie (a cold lookup touches a few cache
    /// lines, not two per step).
    private let firstKeyPrefixes: [UInt64]
    /// The Bloom filter over the keys, in place in the mapped file.
    private let bloom: UnsafeRawBufferPointer
    /// The accent variants: their entries, and each one's start in them (u32s), in place.
    let variantCount: Int
    let variantArea: UnsafeRawBufferPointer
    let variantStarts: UnsafeRawBufferPointer
    /// The same starts ordered by target key (`to` then the language byte), then `from`.
    let variantStartsByTarget: UnsafeRawBufferPointer
    /// The hashes of the keys that have accent variants (`variantKeyHashes`): most lookups stop there.
    private(set) var variantHashes = HashBits(capacity: 0)
    /// Per variant in `from` order, its `from`'s leading 8 bytes as a number; in target order,
    /// its target key's (`to`, then the language byte): the binary searches compare these and
    /// read an entry only where they tie (see `prefix`).
    private(set) var variantFromPrefixes: [UInt64] = []
    private(set) var variantTargetPrefixes: [UInt64] = []

    package init(body storage: OwnedBytes, file: String, docCount: Int = Int(Int32.max)) throws {
        self.storage = storage
        self.docCount = docCount
        let body = storage.bytes
        self.body = body
        self.file = file
        var r = try ByteReader.trailer(of: body, size: TermDictionaryWriter.trailerSize, file: file, kind: "a term dictionary")
        guard let base = body.baseAddress else { throw IndexError.corrupt(file: file, reason: "empty term dictionary") }
        self.base = base
        let terms = try r.readUInt64(), blocks = try r.readUInt64(), keysAt = try r.readUInt64(), keysLen = try r.readUInt64(), indexAt = try r.readUInt64()
        let bloomAt = try r.readUInt64(), bloomWords = try r.readUInt64()
        let variantsAt = try r.readUInt64(), variants = try r.readUInt64()
        let limit = UInt64(body.count)
        guard terms <= limit, blocks <= limit, keysAt <= limit, keysLen <= limit - keysAt, indexAt == keysAt + keysLen,
              blocks <= limit / UInt64(TermDictionaryWriter.indexEntrySize),
              bloomAt == indexAt + blocks * UInt64(TermDictionaryWriter.indexEntrySize), bloomWords <= limit / 8,
              bloomWords > 0, bloomWords & (bloomWords - 1) == 0,
              bloomAt + bloomWords * 8 == variantsAt, variants <= limit / 8,
              variantsAt <= limit - UInt64(TermDictionaryWriter.trailerSize) - variants * 8,
              (terms == 0) == (blocks == 0), blocks <= terms
        else { throw IndexError.corrupt(file: file, reason: "inconsistent dictionary trailer") }
        bloom = UnsafeRawBufferPointer(rebasing: body[Int(bloomAt)..<Int(bloomAt + bloomWords * 8)])
        termCount = Int(terms)
        blockCount = Int(blocks)
        variantCount = Int(variants)
        let offsetsAt = body.count - TermDictionaryWriter.trailerSize - variantCount * 8
        variantArea = UnsafeRawBufferPointer(rebasing: body[Int(variantsAt)..<offsetsAt])
        variantStarts = UnsafeRawBufferPointer(rebasing: body[offsetsAt..<(offsetsAt + variantCount * 4)])
        variantStartsByTarget = UnsafeRawBufferPointer(rebasing: body[(offsetsAt + variantCount * 4)..<(body.count - TermDictionaryWriter.trailerSize)])
        blocksEnd = Int(keysAt)
        var offsets: [Int] = [], postings: [Int] = [], positions: [Int] = [], keys: [UInt8] = [], starts: [Int] = [0]
        offsets.reserveCapacity(blockCount)
        postings.reserveCapacity(blockCount)
        positions.reserveCapacity(blockCount)
        starts.reserveCapacity(blockCount + 1)
        let keyArea = UnsafeRawBufferPointer(rebasing: body[Int(keysAt)..<Int(keysAt + keysLen)])
        var index = ByteReader(body, offset: Int(indexAt), file: file)
        for b in 0..<blockCount {
            let offset = try index.readUInt64(), postingsBase = try index.readUInt64(), positionsBase = try index.readUInt64()
            let key = try index.readUInt32()
            guard offset < UInt64(blocksEnd), postingsBase < 1 << 48, positionsBase < 1 << 48, Int(key) < keyArea.count,
                  offset >= UInt64(offsets.last ?? 0), postingsBase >= UInt64(postings.last ?? 0), positionsBase >= UInt64(positions.last ?? 0)
            else { throw IndexError.corrupt(file: file, reason: "block index entry \(b) out of range or out of order") }
            var kr = ByteReader(keyArea, offset: Int(key), file: file)
            let length = try kr.readVarInt(max: 1 << 16)
            let first = try kr.readBytes(length)
            if b > 0 {
                let order = keys.withUnsafeBytes { compareBytes(UnsafeRawBufferPointer(rebasing: $0[starts[b - 1]...]), first) }
                guard order < 0 else { throw IndexError.corrupt(file: file, reason: "block index keys out of order at block \(b)") }
            }
            offsets.append(Int(offset))
            postings.append(Int(postingsBase))
            positions.append(Int(positionsBase))
            keys.append(contentsOf: first)
            starts.append(keys.count)
        }
        blockOffsets = offsets
        postingsBases = postings
        positionsBases = positions
        firstKeys = keys
        firstKeyStarts = starts
        let count = Int(blocks)
        firstKeyPrefixes = keys.withUnsafeBytes { all in
            (0..<count).map { TermDictionary.prefix(UnsafeRawBufferPointer(rebasing: all[starts[$0]..<starts[$0 + 1]])) }
        }
        variantHashes = try Self.variantKeyHashes(count: variantCount) { try self.entryBytes($0, byTarget: false) }
        variantFromPrefixes = try (0..<variantCount).map { Self.prefix(try self.entryBytes($0, byTarget: false).from) }
        variantTargetPrefixes = try (0..<variantCount).map { i in
            let entry = try self.entryBytes(i, byTarget: true)
            return Self.prefix(entry.to, then: entry.from[entry.from.count - 1])
        }
    }

    /// A key's first 8 bytes as a big-endian number, zero-padded: `prefix(a) < prefix(b)`
    /// implies `a < b` bytewise (padding sorts below every byte); equal prefixes decide nothing.
    @inline(__always)
    static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | (i < key.count ? UInt64(key[i]) : 0) }
        return value
    }

    /// `prefix` of `key` followed by the byte `last`.
    static func prefix(_ key: UnsafeRawBufferPointer, then last: UInt8) -> UInt64 {
        key.count < 8 ? prefix(key) | UInt64(last) << UInt64(8 * (7 - key.count)) : prefix(key)
    }

    /// The last block whose first term is ≤ `key` (nil when `key` sorts before every term).
    private func block(for key: UnsafeRawBufferPointer) -> Int? {
        let wanted = Self.prefix(key)
        // The first block whose prefix is above the key's: every block from it on starts past the key.
        let end = firstKeyPrefixes.withUnsafeBufferPointer { prefixes in
            var lo = 0, hi = prefixes.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if prefixes[mid] <= wanted { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        // Blocks before `end` whose prefix equals the key's may start past it: compare them whole.
        var b = end - 1
        while b >= 0 && firstKeyPrefixes[b] == wanted {
            let starts = firstKeyStarts
            let order = firstKeys.withUnsafeBytes { compareBytes(key, UnsafeRawBufferPointer(rebasing: $0[starts[b]..<starts[b + 1]])) }
            if order >= 0 { return b }
            b -= 1
        }
        return b >= 0 ? b : nil
    }

    /// The entry for `term`, or nil when the segment does not contain it.
    ///
    /// The term can only be in the block found by binary search (the next block starts with a
    /// larger term). The block is walked with raw reads, every one checked against the block's
    /// end; entries before the term only have their two lengths decoded.
    public func lookup(_ term: [UInt8]) throws -> TermInfo? {
        try term.withUnsafeBytes { key -> TermInfo? in
            guard TermBloomFilter.mayContain(TermBloomFilter.hash(key), words: bloom) else { return nil }
            guard let b = block(for: key) else { return nil }
            var entries = BlockEntries(self, block: b)
            let keyCount = key.count
            // Front-coded search: `matched` is how many leading bytes the previous term shares with
            // the key. A term sharing fewer bytes with its predecessor than that is past the key; one
            // sharing more is still before it; only one sharing exactly `matched` needs comparing.
            var matched = 0
            while !entries.atEnd {
                let (shared, suffix) = try entries.nextKey()
                if shared < matched { return nil }
                if shared == matched {
                    let i = Self.extendMatch(suffix, key, &matched)
                    if i < suffix.count {
                        // Differs at a byte, or the key ended first (then the term is longer: past the key).
                        if matched == keyCount || suffix[i] > key[matched] { return nil }
                    } else if matched == keyCount {
                        return try entries.info()
                    }
                }
                try entries.skipInfo()
            }
            return nil
        }
    }

    /// The entries of the keys `term` + language byte (`TermKey`: one per language the term
    /// occurs in), found in one pass: the keys of one term in every language are adjacent in the
    /// dictionary. `languages` lists the language bytes wanted (each below 0x20).
    public func lookup(term: [UInt8], languages: [UInt8]) throws -> [LanguageEntry] {
        var mask: UInt32 = 0
        for l in languages where l < 0x20 { mask |= 1 << l }
        var found: [LanguageEntry] = []
        try term.withUnsafeBytes { t in try forEachEntry(term: t, languages: mask) { found.append($0) } }
        return found
    }

    /// `lookup(term:languages:)` without arrays: the term's bytes in place, the languages wanted as
    /// a mask (bit `l` for language byte `l`), each entry found passed to `body` in language order.
    public func forEachEntry(term t: UnsafeRawBufferPointer, languages mask: UInt32, _ body: (LanguageEntry) throws -> Void) throws {
        // The filter first: most words are absent from most languages.
        let termHash = TermBloomFilter.hash(t)
        var wanted: UInt32 = 0
        var rest = mask
        while rest != 0 {
            let l = UInt8(rest.trailingZeroBitCount)
            rest &= rest - 1
            if TermBloomFilter.mayContain(TermBloomFilter.extend(termHash, l), words: bloom) { wanted |= 1 << l }
        }
        guard wanted != 0 else { return }
        // The block of the term's first wanted key: the term's bytes and that language byte.
        let firstLanguage = UInt8(wanted.trailingZeroBitCount)
        var b: Int
        if t.count < 16 {
            // A short key is put together on the stack.
            var low = (UInt64(0), UInt64(0))
            b = withUnsafeMutableBytes(of: &low) { scratch in
                scratch.copyMemory(from: t)
                scratch[t.count] = firstLanguage
                return block(for: UnsafeRawBufferPointer(rebasing: scratch[..<(t.count + 1)]))
            } ?? 0
        } else {
            b = (Array(t) + [firstLanguage]).withUnsafeBytes { block(for: $0) } ?? 0
        }
        let termCount = t.count
        // As in `lookup`, `matched` is how many leading bytes of the term the previous key shares.
        while b < blockCount {
            var entries = BlockEntries(self, block: b)
            var matched = 0
            while !entries.atEnd {
                let (shared, suffix) = try entries.nextKey()
                if shared < matched { return }
                if shared == matched {
                    let i = Self.extendMatch(suffix, t, &matched)
                    if matched == termCount {
                        // The key starts with the term: `term + language`, or past every such key.
                        let rest = suffix.count - i
                        if rest >= 1 && suffix[i] >= 0x20 { return }
                        if rest == 1 && wanted & 1 << suffix[i] != 0 {
                            try body(LanguageEntry(language: suffix[i], info: try entries.info()))
                            wanted &= ~(1 << suffix[i])
                            if wanted == 0 { return }
                            continue
                        }
                    } else if i < suffix.count && suffix[i] > t[matched] {
                        return
                    }
                }
                try entries.skipInfo()
            }
            b += 1
        }
    }

    /// Compares an entry's suffix with `key` from `matched` on (the bytes the previous entry
    /// already shares with it), advancing `matched` over the equal bytes; returns how many of the
    /// suffix's bytes were equal.
    @inline(__always)
    private static func extendMatch(_ suffix: UnsafeRawBufferPointer, _ key: UnsafeRawBufferPointer, _ matched: inout Int) -> Int {
        var i = 0
        while i < suffix.count && matched < key.count && suffix[i] == key[matched] {
            i += 1
            matched += 1
        }
        return i
    }

    /// A term's entry under one language (see `lookup(term:languages:)`).
    public struct LanguageEntry: Sendable {
        public var language: UInt8
        public var info: TermInfo
    }

    /// Walks one block's entries with raw reads, each checked against the block's end.
    private struct BlockEntries {
        let base: UnsafeRawPointer
        let end: Int
        let file: String
        let docCount: Int
        var p: Int
        var postings: Int
        var positions: Int
        var previousLength = 0

        init(_ dictionary: TermDictionary, block b: Int) {
            base = dictionary.base
            docCount = dictionary.docCount
            end = b + 1 < dictionary.blockCount ? dictionary.blockOffsets[b + 1] : dictionary.blocksEnd
            file = dictionary.file
            p = dictionary.blockOffsets[b]
            postings = dictionary.postingsBases[b]
            positions = dictionary.positionsBases[b]
        }

        var atEnd: Bool { p >= end }

        @inline(__always)
        mutating func varint() throws -> Int {
            guard let (value, next) = VarInt.decode(base, at: p, end: end), value <= UInt64(Int.max) else {
                throw IndexError.corrupt(file: file, offset: p, reason: "varint runs past its block")
            }
            p = next
            return Int(value)
        }

        @inline(__always)
        mutating func skip() throws {
            while true {
                guard p < end else { throw IndexError.corrupt(file: file, offset: p, reason: "varint runs past its block") }
                let byte = base.load(fromByteOffset: p, as: UInt8.self)
                p += 1
                if byte < 0x80 { return }
            }
        }

        /// The next entry's shared length and suffix bytes (its statistics follow).
        @inline(__always)
        mutating func nextKey() throws -> (shared: Int, suffix: UnsafeRawBufferPointer) {
            let shared = try varint(), suffixLength = try varint()
            guard shared <= previousLength, suffixLength <= end - p else { throw IndexError.corrupt(file: file, offset: p, reason: "bad term entry") }
            let suffix = UnsafeRawBufferPointer(start: base + p, count: suffixLength)
            p += suffixLength
            previousLength = shared + suffixLength
            return (shared, suffix)
        }

        /// Passes over the current entry's statistics, keeping count of the postings offsets.
        @inline(__always)
        mutating func skipInfo() throws {
            // The five statistics are usually one byte each: their ends found in one 8-byte word
            // (a varint ends at each byte below 0x80), else byte by byte.
            if p + 8 <= end {
                var ends = ~(base + p).loadUnaligned(as: UInt64.self).littleEndian & 0x8080_8080_8080_8080
                if ends.nonzeroBitCount >= 5 {
                    for _ in 0..<4 { ends &= ends - 1 }
                    p += ends.trailingZeroBitCount / 8 + 1
                } else {
                    for _ in 0..<5 { try skip() }
                }
            } else {
                for _ in 0..<5 { try skip() }
            }
            postings += try varint()
            positions += try varint()
        }

        /// Decodes the current entry's statistics.
        mutating func info() throws -> TermInfo {
            let df = try varint(), extra = try varint(), names = try varint(), maxTf = try varint(), minDl = try varint()
            let postingsLength = try varint(), positionsLength = try varint()
            guard df >= 1, df <= docCount, postingsLength < 1 << 48, positionsLength < 1 << 48 else {
                throw IndexError.corrupt(file: file, offset: p, reason: "term entry values out of range")
            }
            let info = TermInfo(docFreq: df, totalTermFreq: df + extra, nameFreq: names, maxTermFreq: maxTf, minDocLength: minDl,
                                postingsOffset: postings, postingsLength: postingsLength,
                                positionsOffset: positions, positionsLength: positionsLength)
            postings += postingsLength
            positions += positionsLength
            return info
        }
    }

    /// Calls `visit(term, info)` for each term ≥ `start` in order, until it returns false.
    public func forEach(from start: [UInt8] = [], _ visit: ([UInt8], TermInfo) throws -> Bool) throws {
        var term: [UInt8] = []
        term.reserveCapacity(64)
        try walk(from: start) { key, info in
            term.removeAll(keepingCapacity: true)
            term.append(contentsOf: key)
            return try visit(term, info) ? .next : .stop
        }
    }

    /// What an ordered walk does after a term (`walk(from:_:)`).
    public enum WalkStep {
        case next
        case stop
        /// Go on from the first term ≥ this key (later than the current term).
        case seek([UInt8])
    }

    /// Visits the terms ≥ `start` in order, as `forEach` does, but the visitor may also skip ahead
    /// to a later key: within the current block the walk goes on decoding, past it a binary search
    /// over the following blocks' first keys finds where to resume — so an intersection that
    /// skips often (fuzzy matching) pays for the blocks it touches, not a search per skip.
    public func walk(from start: [UInt8] = [], _ visit: (UnsafeBufferPointer<UInt8>, TermInfo) throws -> WalkStep) throws {
        guard blockCount > 0 else { return }
        var target: [UInt8]? = start.isEmpty ? nil : start
        var b = start.withUnsafeBytes { block(for: $0) } ?? 0
        // The current key, rebuilt in place from the front coding (grown when a key is longer).
        var capacity = 256
        var term = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { term.deallocate() }
        var count = 0
        // While skipping to `target`: how many of its leading bytes the previous key shares (that
        // key being below it), so that the front coding answers most comparisons (as in `lookup`).
        var matched = 0
        blocks: while b < blockCount {
            let end = b + 1 < blockCount ? blockOffsets[b + 1] : blocksEnd
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: body[0..<end]), offset: blockOffsets[b], file: file)
            var postings = postingsBases[b], positions = positionsBases[b]
            count = 0
            matched = 0
            while !r.isAtEnd {
                let shared = try r.readVarInt(max: count)
                let suffixLength = try r.readVarInt(max: 1 << 16)
                let suffix = try r.readBytes(suffixLength)
                count = shared
                if count + suffixLength > capacity {
                    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * (count + suffixLength))
                    bigger.update(from: term, count: count)
                    term.deallocate()
                    term = bigger
                    capacity = 2 * (count + suffixLength)
                }
                if suffixLength > 0, let source = suffix.baseAddress {
                    (term + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: suffixLength)
                }
                count += suffixLength
                let key = UnsafeBufferPointer(start: term, count: count)
                if let t = target {
                    // Before the target: only the two lengths the offsets need are read.
                    if Self.stillBelow(key, t, shared: shared, matched: &matched) {
                        try r.skipVarInts(5)
                        postings += try r.readVarInt(max: 1 << 48)
                        positions += try r.readVarInt(max: 1 << 48)
                        continue
                    }
                    target = nil
                }
                let df = try r.readVarInt()
                guard df >= 1, df <= docCount else {
                    throw IndexError.corrupt(file: file, offset: r.offset, reason: "a term in \(df) documents of \(docCount)")
                }
                let extra = try r.readVarInt(max: Int.max / 2)
                let names = try r.readVarInt(max: Int.max / 2)
                let maxTf = try r.readVarInt()
                let minDl = try r.readVarInt()
                let postingsLength = try r.readVarInt(max: 1 << 48)
                let positionsLength = try r.readVarInt(max: 1 << 48)
                defer {
                    postings += postingsLength
                    positions += positionsLength
                }
                let info = TermInfo(docFreq: df, totalTermFreq: df + extra, nameFreq: names, maxTermFreq: maxTf, minDocLength: minDl,
                                    postingsOffset: postings, postingsLength: postingsLength,
                                    positionsOffset: positions, positionsLength: positionsLength)
                switch try visit(key, info) {
                case .next:
                    continue
                case .stop:
                    return
                case .seek(let next):
                    target = next
                    // The current key is below `next`: the bytes they share start the count.
                    matched = 0
                    while matched < count && matched < next.count && term[matched] == next[matched] { matched += 1 }
                    // A key not above the current one (not a seek the visitor may ask) is the next.
                    if matched == next.count || (matched < count && term[matched] > next[matched]) {
                        target = nil
                        continue
                    }
                    let key = next
                    // Past the next block's first key: find the block by binary search, from b + 1 on.
                    if b + 1 < blockCount, key.withUnsafeBytes({ compareBytes($0, firstKey(b + 1)) }) >= 0 {
                        b = max(b + 1, key.withUnsafeBytes { block(for: $0) } ?? 0)
                        continue blocks
                    }
                }
            }
            b += 1
        }
    }

    /// Whether `key`, which shares `shared` leading bytes with the previous key, is still below
    /// `target`, given that the previous key was below it and shared `matched` leading bytes with
    /// it (0 for a block's first key); updates `matched` for the next key. Keys increase, so a key
    /// that leaves the previous one before the target's shared part did has passed the target,
    /// and one that leaves it after is still as far below it: only equal counts compare bytes.
    @inline(__always)
    static func stillBelow(_ key: UnsafeBufferPointer<UInt8>, _ target: [UInt8], shared: Int, matched: inout Int) -> Bool {
        if shared > matched { return true }
        if shared < matched { return false }
        return target.withUnsafeBufferPointer { t in
            var m = matched
            while m < key.count && m < t.count && key[m] == t[m] { m += 1 }
            matched = m
            if m == key.count { return m < t.count }  // a proper prefix of the target is below it
            if m == t.count { return false }
            return key[m] < t[m]
        }
    }

    /// Block `b`'s first key, in place.
    private func firstKey(_ b: Int) -> UnsafeRawBufferPointer {
        firstKeys.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[firstKeyStarts[b]..<firstKeyStarts[b + 1]]) }
    }
}
