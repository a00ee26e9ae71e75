import LoupeFormat

/// Which segments an update merges, log-structured (after Lucene's `LogDocMergePolicy`): a
/// segment's level is how many times `mergeFactor` its live documents are above `floorDocs`
/// (every segment smaller than the floor is level 0). As soon as `mergeFactor` segments share a
/// level they are merged into one, one level up; and a segment whose deleted documents are more
/// than a third of its live ones (a quarter of its documents) is merged (rewritten without them)
/// with its level: its deletions file, rewritten whole by every update that deletes more of it,
/// stays small. So an index of N documents
/// keeps at most `(mergeFactor - 1)` segments per level, `log(N / floorDocs) / log(mergeFactor) + 1`
/// levels, and every document is rewritten about once per level it climbs: the write
/// amplification is the number of levels, not the number of updates.
public struct LogMergePolicy: Sendable {
    public var mergeFactor: Int
    public var floorDocs: Int

    public init(mergeFactor: Int = 5, floorDocs: Int = 1000) {
        self.mergeFactor = max(2, mergeFactor)
        self.floorDocs = max(1, floorDocs)
    }

    func level(_ segment: Manifest.Segment) -> Int {
        var level = 0
        var size = floorDocs * mergeFactor
        while segment.liveDocs >= size && level < 40 {
            level += 1
            size *= mergeFactor
        }
        return level
    }

    /// The segments (indices into `segments`) to merge into one, or nil when none need it.
    public func selectMerge(_ segments: [Manifest.Segment]) -> [Int]? {
        let levels = segments.map(level)
        for level in Set(levels).sorted() {
            let members = levels.indices.filter { levels[$0] == level }
            let reclaim = members.contains { segments[$0].deletedDocs * 3 > segments[$0].liveDocs }
            if members.count >= mergeFactor || reclaim {
                return members
            }
        }
        return nil
    }
}
