import HeapModule

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

/// Keeps the best k documents seen, in a min-max heap; `threshold` is the score a new document
/// must beat once k are held.
struct TopKCollector {
    let k: Int
    private var heap = Heap<ScoredDoc>()

    init(k: Int) { self.k = k }

    /// −∞ until k documents are held, then the k-th best score.
    var threshold: Double { heap.count < k ? -.infinity : (heap.min?.score ?? -.infinity) }

    /// Offers a document; returns true when it entered the top k.
    @discardableResult
    mutating func offer(_ candidate: ScoredDoc) -> Bool {
        guard k > 0 else { return false }
        if heap.count < k {
            heap.insert(candidate)
            return true
        }
        guard let worst = heap.min, worst < candidate else { return false }
        heap.replaceMin(with: candidate)
        return true
    }

    /// Best first.
    func sorted() -> [ScoredDoc] { heap.unordered.sorted(by: >) }
}
