import LoupeAnalysis
import LoupeFormat
import LoupeRead

/// Which documents of one segment a query may return: deleted documents and its `-excluded` words' documents out, only
/// documents holding every `+required` word, and the search options' filters (language, path
/// prefix, modification time). A bitmap over the segment's local doc ids, built once per query
/// and segment; the top-k collector and the hit count consult it, so every strategy — pruning
/// included — returns exactly the best allowed documents (a filtered document is never offered,
/// so the threshold only ever comes from allowed ones).
struct DocFilter {
    /// The segment's first global doc id.
    let base: Int
    private var words: [UInt64]

    @inline(__always)
    func allows(local doc: Int) -> Bool { words[doc >> 6] & (1 << UInt64(doc & 63)) != 0 }

    @inline(__always)
    func allows(global doc: Int) -> Bool { allows(local: doc - base) }

    /// The filter of `segment`, or nil when nothing is filtered.
    static func make(_ plan: QueryPlan, _ options: SearchFilter, _ segment: SegmentReader, _ segmentIndex: Int,
                     cursor: (TermGroup) throws -> GroupCursor?) throws -> DocFilter? {
        guard !plan.required.isEmpty || !plan.excluded.isEmpty || !options.isEmpty || segment.deletions != nil else { return nil }
        let count = segment.docCount
        // Deleted documents are never allowed.
        var filter = DocFilter(base: segment.docBase, words: segment.deletions.map { $0.words.map { ~$0 } }
                               ?? [UInt64](repeating: ~0, count: (count + 63) / 64))
        func clear(_ doc: Int) { filter.words[doc >> 6] &= ~(1 << UInt64(doc & 63)) }
        if !options.isEmpty {
            for doc in 0..<count where !options.allows(try segment.documents.record(doc)) { clear(doc) }
        }
        // The words' documents a block at a time (every member's postings in turn).
        for group in plan.excluded.joined() {
            guard let c = try cursor(group) else { continue }
            try filter.words.withUnsafeMutableBufferPointer { words in
                try c.forEachMemberBlock { docs, _ in
                    for d in docs { words[Int(d) >> 6] &= ~(1 << UInt64(d & 63)) }
                }
            }
        }
        for groups in plan.required {
            // A document holds the word when it holds any of its groups.
            var holds = [UInt64](repeating: 0, count: filter.words.count)
            for group in groups {
                guard let c = try cursor(group) else { continue }
                try holds.withUnsafeMutableBufferPointer { holds in
                    try c.forEachMemberBlock { docs, _ in
                        for d in docs { holds[Int(d) >> 6] |= 1 << UInt64(d & 63) }
                    }
                }
            }
            for w in filter.words.indices { filter.words[w] &= holds[w] }
        }
        return filter
    }
}

/// Filters given as search options (`--lang`, `--path-prefix`, `--modified-after`).
public struct SearchFilter: Sendable, Equatable {
    /// Only documents of these languages (nil: any).
    public var languages: Set<Language>?
    /// Only documents whose path (relative to the indexed directory) starts with this.
    public var pathPrefix: String?
    /// Only documents modified at or after this time (Unix seconds).
    public var modifiedAfter: Int64?

    public init(languages: Set<Language>? = nil, pathPrefix: String? = nil, modifiedAfter: Int64? = nil) {
        self.languages = languages
        self.pathPrefix = pathPrefix
        self.modifiedAfter = modifiedAfter
    }

    public var isEmpty: Bool { languages == nil && pathPrefix == nil && modifiedAfter == nil }

    func allows(_ record: DocumentRecord) -> Bool {
        if let languages, !languages.contains(Language(rawValue: record.language) ?? .other) { return false }
        if let pathPrefix, !record.path.hasPrefix(pathPrefix) { return false }
        if let modifiedAfter, record.modified < modifiedAfter { return false }
        return true
    }
}
