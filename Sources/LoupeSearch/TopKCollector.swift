/// A scored document; `Comparable` from worst to best: lower score first, then higher doc id
/// (ties go to the smaller doc id).
public struct ScoredDoc: Comparable, Sendable {
    public var score: Double
    /// Global doc id.
    public var doc: Int

    public static func < (a: ScoredDoc, b: ScoredDoc) -> Bool {
        a.score != b.score ? a.score < b.score : a.doc > b.doc
    }
}

/// Keeps the best k documents seen in a binary heap whose root is the worst of them;
/// `threshold` is the score a new document must beat once k are held. (A plain array heap: with
/// k around 10 it beats a general min-max heap, and it allocates once.)
struct TopKCollector {
    let k: Int
    private var heap: [ScoredDoc] = []
    /// The current segment's filter: documents it does not allow are never offered.
    var filter: DocFilter?

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(min(max(k, 0), 1 << 16))
    }

    /// −∞ until k documents are held, then the k-th best score.
    var threshold: Double { heap.count < k || heap.isEmpty ? -.infinity : heap[0].score }

    /// Offers a document; returns true when it entered the top k.
    @discardableResult
    mutating func offer(_ candidate: ScoredDoc) -> Bool {
        guard k > 0 else { return false }
        if let filter, !filter.allows(global: candidate.doc) { return false }
        if heap.count < k {
            heap.append(candidate)
            siftUp(heap.count - 1)
            return true
        }
        guard heap[0] < candidate else { return false }
        heap[0] = candidate
        siftDown(0)
        return true
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        let item = heap[i]
        while i > 0 {
            let parent = (i - 1) / 2
            guard item < heap[parent] else { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = item
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let item = heap[i]
        let n = heap.count
        while true {
            var child = 2 * i + 1
            guard child < n else { break }
            if child + 1 < n && heap[child + 1] < heap[child] { child += 1 }
            guard heap[child] < item else { break }
            heap[i] = heap[child]
            i = child
        }
        heap[i] = item
    }

    /// Best first.
    func sorted() -> [ScoredDoc] { heap.sorted(by: >) }
}
