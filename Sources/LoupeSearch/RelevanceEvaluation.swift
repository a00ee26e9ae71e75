import LoupeFormat
import LoupeRead
import LoupeStorage

/// Runs a relevance test set — lines `query<TAB>expected path[|other path]`, `#` comments — against
/// an index and reports precision at 1 and mean reciprocal rank (over the top 10).
public struct RelevanceEvaluation: Sendable {
    public struct Case: Sendable {
        public var query: String
        public var expected: Set<String>
        public var line: Int
        /// The section it belongs to: the last `# [name]` line above it ("all" before any).
        public var group: String
    }

    public struct Outcome: Sendable {
        public var query: String
        public var expected: Set<String>
        /// 1-based rank of the first expected document in the top 10, nil when absent.
        public var rank: Int?
        public var top: String?
        public var group: String
    }

    public var cases: [Case]

    public init(tsv: String) throws {
        var cases: [Case] = []
        var group = "all"
        for (i, raw) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: " \r")
            if line.hasPrefix("# ["), let close = line.firstIndex(of: "]") {
                group = String(line[line.index(line.startIndex, offsetBy: 3)..<close])
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw IndexError.invalidInput("line \(i + 1): expected `query<TAB>path`, got \(line)")
            }
            cases.append(Case(query: String(parts[0]), expected: Set(parts[1].split(separator: "|").map(String.init)), line: i + 1, group: group))
        }
        self.cases = cases
    }

    public func run(searcher: Searcher) throws -> [Outcome] {
        try cases.map { c in
            let ranked = try searcher.search(c.query, k: 10, countTotal: false)
            let paths = try ranked.hits.map { try searcher.reader.record($0.doc).path }
            let rank = paths.firstIndex(where: { c.expected.contains($0) }).map { $0 + 1 }
            return Outcome(query: c.query, expected: c.expected, rank: rank, top: paths.first, group: c.group)
        }
    }

    /// The outcomes by group, groups in the order they first appear.
    public static func byGroup(_ outcomes: [Outcome]) -> [(group: String, outcomes: [Outcome])] {
        var order: [String] = []
        var groups: [String: [Outcome]] = [:]
        for o in outcomes {
            if groups[o.group] == nil { order.append(o.group) }
            groups[o.group, default: []].append(o)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    public static func precisionAt1(_ outcomes: [Outcome]) -> Double {
        outcomes.isEmpty ? 0 : Double(outcomes.filter { $0.rank == 1 }.count) / Double(outcomes.count)
    }

    public static func meanReciprocalRank(_ outcomes: [Outcome]) -> Double {
        outcomes.isEmpty ? 0 : outcomes.reduce(0) { $0 + ($1.rank.map { 1 / Double($0) } ?? 0) } / Double(outcomes.count)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        let drop: (Character) -> Bool = { set.contains($0) }
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
