/// Score bounds of a run of postings (one block, or a whole term) that hold whatever the scoring
/// parameters: up to three (tf, document length) pairs such that every posting of the run is
/// dominated by one of them — its tf no larger and its document no shorter. Any score that grows
/// with tf and shrinks with document length (BM25 for every k1, b and average length) is then at
/// most the best of the pairs' scores, so dynamic pruning can skip what cannot compete.
///
/// This is Lucene's "competitive impacts" idea with a fixed size: the Pareto frontier of the run's
/// (tf, length) pairs, reduced to three by merging neighbours — (tf₁, dl₁) and (tf₂, dl₂) with
/// dl₁ < dl₂, tf₁ < tf₂ merge into (tf₂, dl₁), which dominates both — choosing each time the merge
/// whose pair scores lowest under BM25 with the segment's average length (the bound that is
/// tightest for the index as built; it stays valid, only looser, under other parameters).
///
/// On disk: 3 × (tf u32, length u32) = 24 bytes, pairs in increasing length and tf; unused pairs
/// repeat the last one.
public struct Impacts: Equatable, Sendable {
    public static let count = 3
    public static let byteSize = 24

    public var tfs: (UInt32, UInt32, UInt32)
    public var lengths: (UInt32, UInt32, UInt32)

    public static func == (a: Impacts, b: Impacts) -> Bool {
        a.tfs == b.tfs && a.lengths == b.lengths
    }

    @inline(__always)
    public func pair(_ i: Int) -> (tf: UInt32, length: UInt32) {
        switch i {
        case 0: return (tfs.0, lengths.0)
        case 1: return (tfs.1, lengths.1)
        default: return (tfs.2, lengths.2)
        }
    }

    /// The largest tf and the shortest length: one pair dominating every posting (the loosest bound).
    public var loosest: (tf: UInt32, length: UInt32) { (tfs.2, lengths.0) }

    /// A single pair: the bound of a run known only by its largest tf and shortest document.
    public init(tf: UInt32, length: UInt32) {
        tfs = (tf, tf, tf)
        lengths = (length, length, length)
    }

    init(_ pairs: [(tf: UInt32, length: UInt32)]) {
        let last = pairs[pairs.count - 1]
        let p1 = pairs.count > 1 ? pairs[1] : last
        tfs = (pairs[0].tf, p1.tf, last.tf)
        lengths = (pairs[0].length, p1.length, last.length)
    }

    /// Reads 24 bytes at `offset` (the caller has checked the range).
    @inline(__always)
    public static func load(_ data: UnsafeRawBufferPointer, at offset: Int) -> Impacts {
        func u32(_ k: Int) -> UInt32 { data.loadUnaligned(fromByteOffset: offset + 4 * k, as: UInt32.self).littleEndian }
        var impacts = Impacts(tf: 0, length: 0)
        impacts.tfs = (u32(0), u32(2), u32(4))
        impacts.lengths = (u32(1), u32(3), u32(5))
        return impacts
    }

    /// True when the pairs are ordered as written (increasing length and tf) and tfs are positive.
    public var isWellFormed: Bool {
        tfs.0 > 0 && tfs.0 <= tfs.1 && tfs.1 <= tfs.2 && lengths.0 <= lengths.1 && lengths.1 <= lengths.2
    }

    /// Stores the 24 bytes at `address`.
    func store(to address: UnsafeMutableRawPointer) {
        for i in 0..<Self.count {
            let p = pair(i)
            address.storeBytes(of: p.tf.littleEndian, toByteOffset: 8 * i, as: UInt32.self)
            address.storeBytes(of: p.length.littleEndian, toByteOffset: 8 * i + 4, as: UInt32.self)
        }
    }

    /// Collects (tf, length) pairs and reduces them to impacts. It keeps only their Pareto
    /// frontier as they come — the pairs no other pair dominates (tf at least as large, length at
    /// most as long), in increasing length and tf — which is small (a handful of pairs) even for
    /// long runs, so adding a pair is a short scan and no sort is needed.
    public struct Builder {
        private var frontier: [(tf: UInt32, length: UInt32)] = []
        public init() {}

        @inline(__always)
        public mutating func add(tf: UInt32, length: UInt32) {
            var insertAt = frontier.count
            for (i, e) in frontier.enumerated() {
                if e.tf >= tf && e.length <= length { return }
                if e.length > length || (e.length == length && e.tf < tf) {
                    insertAt = i
                    break
                }
            }
            // Drop the pairs the new one dominates: from `insertAt` on, those with tf ≤ tf.
            var end = insertAt
            while end < frontier.count && frontier[end].tf <= tf { end += 1 }
            if end > insertAt {
                frontier[insertAt] = (tf, length)
                if end > insertAt + 1 { frontier.removeSubrange((insertAt + 1)..<end) }
            } else {
                frontier.insert((tf, length), at: insertAt)
            }
        }

        public mutating func add(_ impacts: Impacts) {
            for i in 0..<Impacts.count {
                let p = impacts.pair(i)
                add(tf: p.tf, length: p.length)
            }
        }

        public mutating func reset() { frontier.removeAll(keepingCapacity: true) }

        /// The impacts of everything added; `averageLength` only steers which pairs merge.
        public func build(averageLength: Double) -> Impacts {
            var frontier = self.frontier
            let avg = averageLength > 0 ? averageLength : 1
            func score(_ p: (tf: UInt32, length: UInt32)) -> Double {
                let tf = Double(p.tf)
                return tf / (tf + 1.2 * (0.25 + 0.75 * Double(p.length) / avg))
            }
            while frontier.count > Impacts.count {
                var best = 0
                var bestScore = Double.infinity
                for i in 0..<(frontier.count - 1) {
                    let s = score((frontier[i + 1].tf, frontier[i].length))
                    if s < bestScore {
                        bestScore = s
                        best = i
                    }
                }
                frontier[best] = (frontier[best + 1].tf, frontier[best].length)
                frontier.remove(at: best + 1)
            }
            return Impacts(frontier)
        }
    }
}
