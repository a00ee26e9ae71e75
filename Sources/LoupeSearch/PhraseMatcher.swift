/// Counts a phrase's occurrences in a document from its words' positions: consecutive
/// (`phrase`) or all within a window (`near`, any order). Keeps its buffers from one document to
/// the next, so that checking thousands of candidate documents allocates nothing.
struct PhraseMatcher {
    /// The words' positions one after the other: word `i`'s are `positions[starts[i]..<starts[i + 1]]`.
    private let positions = PositionBuffer()
    private var starts: [Int] = []
    private var heads: [Int] = []
    private var mergedPositions: [UInt32] = []
    private var mergedWords: [Int] = []
    private var inWindow: [Int] = []

    init() {}

    /// A matcher holding `lists` as its words' positions (titles, tests).
    private init(_ lists: [[UInt32]]) {
        for list in lists {
            starts.append(positions.count)
            positions.append(contentsOf: list)
        }
        starts.append(positions.count)
    }

    /// How many times the words of `cursors` (all on the same document) occur at consecutive
    /// positions.
    mutating func phraseFrequency(_ cursors: [GroupCursor]) throws -> Int {
        try phraseFrequency(unretained(cursors))
    }

    /// `phraseFrequency` given the cursors unretained, in the phrase's order (the caller keeps
    /// them): no reference counting per document.
    mutating func phraseFrequency(_ cursors: [Unmanaged<GroupCursor>]) throws -> Int {
        try load(cursors)
        return consecutive()
    }

    /// How many times the words of `cursors` (all on the same document, unretained, in the
    /// phrase's order) occur within a window of `words + slop` positions, in any order (`windows`).
    mutating func nearFrequency(_ cursors: [Unmanaged<GroupCursor>], slop: Int) throws -> Int {
        try load(cursors)
        return windows(slop: slop)
    }

    /// `consecutive` over lists given whole.
    static func consecutive(_ lists: [[UInt32]]) -> Int {
        var matcher = PhraseMatcher(lists)
        return matcher.consecutive()
    }

    /// `windows` over lists given whole.
    static func windows(_ lists: [[UInt32]], slop: Int) -> Int {
        var matcher = PhraseMatcher(lists)
        return matcher.windows(slop: slop)
    }

    private mutating func load(_ cursors: [Unmanaged<GroupCursor>]) throws {
        positions.count = 0
        // The same number of words document after document: `starts` is resized once, then
        // written in place.
        if starts.count != cursors.count + 1 { starts = [Int](repeating: 0, count: cursors.count + 1) }
        let positions = self.positions
        try starts.withUnsafeMutableBufferPointer { starts in
            for i in cursors.indices {
                starts[i] = positions.count
                try cursors[i]._withUnsafeGuaranteedRef { try $0.appendPositions(to: positions) }
            }
            starts[cursors.count] = positions.count
        }
    }

    /// Occurrences of the first word's positions `p` with `p + i` among word `i`'s for every
    /// `i`: one forward walk per word (each word's positions ascending).
    private mutating func consecutive() -> Int {
        let words = starts.count - 1
        guard words > 1 else { return words == 1 ? positions.count : 0 }
        if words == 2 {
            // Two words (most phrases): one walk over both lists together.
            let all = positions.all
            var a = starts[0], b = starts[1]
            let aEnd = starts[1], bEnd = starts[2]
            var found = 0
            while a < aEnd && b < bEnd {
                let want = all[a] &+ 1
                if all[b] < want {
                    b += 1
                } else {
                    if all[b] == want { found += 1 }
                    a += 1
                }
            }
            return found
        }
        heads.removeAll(keepingCapacity: true)
        heads.append(contentsOf: starts.dropLast())
        let all = positions.all
        return starts.withUnsafeBufferPointer { starts in
            heads.withUnsafeMutableBufferPointer { heads in
                var found = 0
                outer: for f in starts[0]..<starts[1] {
                    let p = all[f]
                    for i in 1..<words {
                        let want = p &+ UInt32(i), end = starts[i + 1]
                        var h = heads[i]
                        while h < end && all[h] < want { h += 1 }
                        heads[i] = h
                        if h == end { break outer }
                        if all[h] != want { continue outer }
                    }
                    found += 1
                }
                return found
            }
        }
    }

    /// How many times all the words occur within a window of `words + slop` positions, in any
    /// order: non-overlapping windows found by one sweep over the merged positions (a window
    /// starts after the previous one's last word).
    private mutating func windows(slop: Int) -> Int {
        let n = starts.count - 1
        guard n > 0 else { return 0 }
        if n == 2 { return pairWindows(width: UInt32(2 + slop)) }
        let total = positions.count
        if mergedPositions.count < total {
            mergedPositions = [UInt32](repeating: 0, count: total)
            mergedWords = [Int](repeating: 0, count: total)
        }
        heads.removeAll(keepingCapacity: true)
        heads.append(contentsOf: starts.dropLast())
        inWindow.removeAll(keepingCapacity: true)
        inWindow.append(contentsOf: repeatElement(0, count: n))
        let width = UInt32(n + slop)
        let all = positions.all
        return starts.withUnsafeBufferPointer { starts in
            heads.withUnsafeMutableBufferPointer { heads in
                inWindow.withUnsafeMutableBufferPointer { inWindow in
                    mergedPositions.withUnsafeMutableBufferPointer { mp in
                        mergedWords.withUnsafeMutableBufferPointer { mw in
                            // The ascending lists merged (ties by word), without a sort.
                            var m = 0
                            while true {
                                var best = -1
                                var bestPosition = UInt32.max
                                for w in 0..<n where heads[w] < starts[w + 1] {
                                    let p = all[heads[w]]
                                    if best < 0 || p < bestPosition {
                                        best = w
                                        bestPosition = p
                                    }
                                }
                                guard best >= 0 else { break }
                                mp[m] = bestPosition
                                mw[m] = best
                                m += 1
                                heads[best] += 1
                            }
                            var covered = 0, left = 0, count = 0
                            for right in 0..<m {
                                let w = mw[right]
                                inWindow[w] += 1
                                if inWindow[w] == 1 { covered += 1 }
                                while covered == n {
                                    if mp[right] - mp[left] < width {
                                        count += 1
                                        for i in left...right { inWindow[mw[i]] -= 1 }
                                        covered = 0
                                        left = right + 1
                                        break
                                    }
                                    let l = mw[left]
                                    inWindow[l] -= 1
                                    if inWindow[l] == 0 { covered -= 1 }
                                    left += 1
                                }
                            }
                            return count
                        }
                    }
                }
            }
        }
    }

    /// `windows` for two words without the merged list: walking both lists in order, an
    /// occurrence closes a window when the other word's latest occurrence since the last window is
    /// close enough (the narrowest window ending there); a farther one never closes a later one.
    private func pairWindows(width: UInt32) -> Int {
        let all = positions.all
        var a = starts[0], b = starts[1]
        let aEnd = starts[1], bEnd = starts[2]
        var lastA: UInt32? = nil, lastB: UInt32? = nil
        var count = 0
        while a < aEnd || b < bEnd {
            // Ties go to the first word, as in the merged list.
            if b >= bEnd || (a < aEnd && all[a] <= all[b]) {
                let p = all[a]
                a += 1
                if let other = lastB, p - other < width {
                    count += 1
                    lastA = nil
                    lastB = nil
                } else {
                    lastA = p
                }
            } else {
                let p = all[b]
                b += 1
                if let other = lastA, p - other < width {
                    count += 1
                    lastA = nil
                    lastB = nil
                } else {
                    lastB = p
                }
            }
        }
        return count
    }
}
