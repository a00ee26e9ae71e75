import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// The dictionary terms within a few edits of a word (Damerau–Levenshtein: insertions, deletions,
/// substitutions and adjacent transpositions of Unicode scalars), for `word~N` queries and "did you
/// mean". The sorted dictionary is walked with the edit-distance table of the shared prefix kept
/// from term to term (front coding makes neighbours share prefixes); as soon as a prefix is more
/// than `maxEdits` from every start of the word, every term that starts with it is skipped by
/// seeking past the prefix — so the walk visits a small part of a large dictionary, not every term.
enum FuzzyTerms {
    struct Match {
        var key: [UInt8]
        var distance: Int
        var docFreq: Int
        /// Its dictionary entry in the segment walked.
        var info: TermInfo
    }

    /// Terms (keys, any language) within `maxEdits` of `word` (folded) in `segment`'s live
    /// documents, with their live document frequencies.
    static func matches(of word: String, maxEdits: Int, in segment: SegmentReader) throws -> [Match] {
        let all = try matches(of: word, maxEdits: maxEdits, in: segment.terms)
        guard let deletions = segment.deletions else { return all }
        return try all.compactMap { match in
            var m = match
            m.docFreq -= try deletions.correction(for: m.key)?.docFreq ?? 0
            return m.docFreq > 0 ? m : nil
        }
    }

    /// Terms (keys, any language) within `maxEdits` of `word` (folded) in `dictionary`.
    static func matches(of word: String, maxEdits: Int, in dictionary: TermDictionary) throws -> [Match] {
        let target = Array(word.unicodeScalars.map(\.value))
        let width = target.count + 1
        let targetScalars = Array(Set(target)).sorted()
        // The distance table: row i (after the term's first i scalars) at rows[i * width ..< (i + 1) * width];
        // rowBest[i] its smallest cell. Keys hold at most 65,536 bytes, so at most as many scalars.
        let maxDepth = (1 << 16) + 2
        let rows = UnsafeMutablePointer<Int>.allocate(capacity: maxDepth * width)
        let rowBest = UnsafeMutablePointer<Int>.allocate(capacity: maxDepth)
        // The current key's scalars, and the previous one's (the rows are valid along `valid` of them).
        var scalars = UnsafeMutablePointer<UInt32>.allocate(capacity: maxDepth)
        var previous = UnsafeMutablePointer<UInt32>.allocate(capacity: maxDepth)
        defer {
            rows.deallocate()
            rowBest.deallocate()
            scalars.deallocate()
            previous.deallocate()
        }
        for j in 0..<width { rows[j] = j }
        rowBest[0] = 0
        var count = 0, previousCount = 0, valid = 0
        var found: [Match] = []

        /// Fills row `i + 1` from row `i` for scalar `c` (the term's `i`-th); returns its best cell.
        @inline(__always)
        func fillRow(_ i: Int, _ c: UInt32, into base: UnsafeMutablePointer<Int>) -> Int {
            let up = rows + i * width
            base[0] = i + 1
            var best = i + 1
            for j in 1..<width {
                var d = min(up[j] + 1, base[j - 1] + 1, up[j - 1] + (c == target[j - 1] ? 0 : 1))
                if i > 0 && j > 1 && c == target[j - 2] && scalars[i - 1] == target[j - 1] { d = min(d, rows[(i - 1) * width + j - 2] + 1) }
                base[j] = d
                if d < best { best = d }
            }
            return best
        }

        /// The smallest scalar above `current` that keeps row `depth + 1` within reach after the
        /// term's first `depth` scalars, or nil. A scalar not in the word costs an edit everywhere,
        /// so any such one is within reach exactly when the row before is within `maxEdits - 1`;
        /// then the next scalar up is the answer.
        let scratch = UnsafeMutablePointer<Int>.allocate(capacity: width)
        defer { scratch.deallocate() }
        func nextAlive(after current: UInt32, depth i: Int) -> UInt32? {
            if rowBest[i] + 1 <= maxEdits {
                let next = current == 0xD7FF ? 0xE000 : current + 1
                return next <= 0x10FFFF ? next : nil
            }
            for c in targetScalars where c > current && fillRow(i, c, into: scratch) <= maxEdits { return c }
            return nil
        }

        try dictionary.walk { key, info in
            guard key.count >= 2 else { return .next }
            count = Self.decodeScalars(UnsafeBufferPointer(rebasing: key.dropLast()), into: scalars)
            var common = 0
            let limit = min(count, min(previousCount, valid))
            while common < limit && scalars[common] == previous[common] { common += 1 }
            var dead = -1
            var i = common
            while i < count {
                let best = fillRow(i, scalars[i], into: rows + (i + 1) * width)
                rowBest[i + 1] = best
                if best > maxEdits {
                    dead = i
                    break
                }
                i += 1
            }
            valid = dead >= 0 ? dead + 1 : count
            swap(&scalars, &previous)
            previousCount = count
            if dead >= 0 {
                // No term starting with these scalars can come within reach. Skip to the smallest
                // string past them whose every prefix can (Lucene's "next valid string" of an
                // automaton): back from the dead scalar, the first position where a larger
                // scalar keeps the row within reach. (`previous` now holds this key's scalars.)
                swap(&scalars, &previous)
                defer { swap(&scalars, &previous) }
                var i = dead
                while true {
                    if let c = nextAlive(after: scalars[i], depth: i) {
                        var seek: [UInt8] = []
                        seek.reserveCapacity(4 * (i + 1))
                        for k in 0..<i { Self.appendUTF8(scalars[k], to: &seek) }
                        Self.appendUTF8(c, to: &seek)
                        return .seek(seek)
                    }
                    if i == 0 { return .stop }
                    i -= 1
                }
            }
            let distance = rows[count * width + target.count]
            if distance <= maxEdits { found.append(Match(key: Array(key), distance: distance, docFreq: info.docFreq, info: info)) }
            return .next
        }
        return found
    }

    /// Decodes the valid UTF-8 `bytes` into `out` (U+FFFD for a malformed byte); returns the count.
    @inline(__always)
    static func decodeScalars(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt32>) -> Int {
        var n = 0, i = 0
        let end = bytes.count
        while i < end {
            let b = UInt32(bytes[i])
            if b < 0x80 {
                out[n] = b
                i += 1
            } else if b < 0xE0, i + 1 < end {
                out[n] = (b & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                i += 2
            } else if b < 0xF0, i + 2 < end {
                out[n] = (b & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                i += 3
            } else if i + 3 < end {
                out[n] = (b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                i += 4
            } else {
                out[n] = 0xFFFD
                i += 1
            }
            n += 1
        }
        return n
    }

    /// Appends the UTF-8 bytes of scalar `v` (nothing for a surrogate or a value past U+10FFFF).
    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0xD800..<0xE000:
            return
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x10000...0x10FFFF:
            out.append(UInt8(0xF0 | v >> 18))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            return
        }
    }

    /// The edits a `word~` allows when the query does not say: 1 for words of up to 5 letters,
    /// else 2 (as Lucene's "AUTO").
    static func defaultEdits(for word: String) -> Int { word.unicodeScalars.count <= 5 ? 1 : 2 }
}
